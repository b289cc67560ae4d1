"""Per-environment state: ``state/<env>.json`` at the project root, committed to git.

For each kind and local name: the remote id, the fingerprint of the normalised desired config last applied,
the fingerprint of the normalised remote right after that apply, and ``fields``: per leaf path a salted short
hash of the remote value then (see ``engine.drift``), so drift is known field by field without storing values.
Entries without ``fields`` are judged per resource: remote fingerprint ≠ ``remote_fingerprint``.

``version`` is the format of ``fields``. Version 2: leaf paths are ``keypath.format_path`` of
``keypath.leaves``, the spelling of plan changes — keyed list items by id
(``attached_tests[test_id=t1].test_id``), id sets one leaf in sorted form (``tool_ids``, ``tags``).
Version 1 (or none): ``fields`` not read (judged per resource); the next sync records them again in version
2 without a remote write. A later version is refused rather than misread. ``recorded``, ``retired`` and
``creating``: what a kind's API cannot report (a document's content hash) and a replace in progress.

Written atomically (temp file + fsync + ``os.replace``) with deterministic formatting, and guarded by
``state/<env>.lock`` (``flock``, released by the kernel when the holder dies; the file holds the pid for the
message). During a sync each remote operation's result is first appended (fsynced, one JSON line per
changed entry: O(change)) to ``state/<env>.journal``; the sync then writes the whole file once and removes
it. A journal left behind (a kill) is replayed by ``load_state``, later lines winning, a torn last line
ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.errors import ConfigError
from agents_cli.keypath import KeyPath, format_path, parse_path
from agents_cli.kinds import REGISTRY
from agents_cli.kinds.base import valid_remote_id
from agents_cli.project.errors import StateConflict, StateLocked, StateUnusable
from agents_cli.project.loader import write_atomic
from agents_cli.project.lock_holder import holder_pid

STATE_DIR = "state"
STATE_VERSION = 2


def fingerprint(document: Any) -> str:
    """sha256 of the canonical JSON of a normalised document (secrets only ever enter as this hash)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def remote_fingerprint(kind: str, document: Any) -> str:
    """``fingerprint`` of a normalised remote without what the API never returns (write-only values such as
    a secret's, create-only import credentials): the same whether or not the config's were filled in, and
    never a hash of a secret (state keeps only the salted per-field hash of those)."""
    resource_kind = REGISTRY[kind]
    unreturned = (*resource_kind.write_only, *resource_kind.create_only)
    if unreturned and isinstance(document, dict):
        document = {key: value for key, value in document.items() if key not in unreturned}
    return fingerprint(document)


@dataclass
class ResourceState:
    id: str
    fingerprint: str | None = None
    remote_fingerprint: str | None = None
    # Leaf path → salted short hash of the remote value at the last apply (``engine.drift``); None when
    # state has none this version can read (those fall back to the resource-level remote fingerprint).
    fields: dict[KeyPath, str] | None = None
    branch_id: str | None = None  # the branch a branch environment writes (kinds that are ``branched``)
    version_id: str | None = None  # the version the last apply produced
    recorded: dict[str, str] = field(default_factory=dict)  # the kind's ``state_fields`` as last applied
    retired: tuple[str, ...] = ()  # ids this replaced: deleted once their referrers point at ``id``
    creating: bool = False  # a replace's POST may have gone through: a rerun deletes what it left
    response_digest: str | None = None  # salted, of the answer ``fields`` describe (``engine.unchanged``)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        extra = {"recorded": dict(sorted(self.recorded.items())), "retired": list(self.retired)}
        for key in ("fingerprint", "remote_fingerprint", "branch_id", "version_id", "response_digest"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.fields is not None:
            data["fields"] = dict(sorted((format_path(path), digest) for path, digest in self.fields.items()))
        return {**data, **{key: value for key, value in extra.items() if value}} | (
            {"creating": True} if self.creating else {}
        )


@dataclass
class State:
    environment: str
    resources: dict[str, dict[str, ResourceState]] = field(
        default_factory=lambda: {kind.name: {} for kind in REGISTRY}
    )

    # (kind, name) of the entries set or removed since ``take_changes`` last ran (what the journal gets).
    changed: dict[tuple[str, str], None] = field(default_factory=dict, repr=False, compare=False)
    # The environment our hidden tags name: a branch environment's resources are its main environment's.
    tag_env: str | None = field(default=None, compare=False)

    @property
    def tag_environment(self) -> str:
        return self.tag_env or self.environment

    def get(self, kind: str, name: str) -> ResourceState | None:
        return self.resources[kind].get(name)

    def set(self, kind: str, name: str, entry: ResourceState) -> None:
        self.resources[kind][name] = entry
        self.changed[(kind, name)] = None

    def remove(self, kind: str, name: str) -> None:
        self.resources[kind].pop(name, None)
        self.changed[(kind, name)] = None

    def take_changes(self) -> str:
        """Journal lines for the entries changed since the last call (their values now), and forget them."""
        lines = []
        for kind, name in self.changed:
            entry = self.resources[kind].get(name)
            record = {"kind": kind, "name": name, "entry": entry.as_dict() if entry else None}
            lines.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
        self.changed.clear()
        return "".join(lines)

    def ids(self, kind: str) -> dict[str, str]:
        """Local name → remote id for one kind."""
        return {name: entry.id for name, entry in self.resources[kind].items()}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": STATE_VERSION, "environment": self.environment}
        for kind in REGISTRY:
            entries = self.resources[kind.name]
            data[kind.section] = {name: entry.as_dict() for name, entry in sorted(entries.items())}
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def state_path(root: Path, env: str) -> Path:
    return root / STATE_DIR / f"{env}.json"


def journal_path(root: Path, env: str) -> Path:
    return root / STATE_DIR / f"{env}.journal"


def lock_path(root: Path, env: str) -> Path:
    return root / STATE_DIR / f"{env}.lock"


# Versions whose files this one reads (none: version 1, the first format).
READABLE_VERSIONS = (1, STATE_VERSION)


def _source_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:60]


def _fields_readable(data: dict[str, Any], source: str) -> bool:
    """Whether this version reads the file's ``fields`` (see the module docstring); a later version is
    refused: its files may hold what this one would misread; so is a version no release wrote."""
    version = data.get("version", 1)
    is_int = isinstance(version, int) and not isinstance(version, bool)
    if is_int and version > STATE_VERSION:
        raise StateUnusable(source, "newer_version", version=version)
    if not is_int or version not in READABLE_VERSIONS:
        raise StateUnusable(source, "unknown_version", detail=_source_json(version))
    return bool(version == STATE_VERSION)


def _fields(entry: dict[str, Any], readable: bool) -> dict[KeyPath, str] | None:
    fields = entry.get("fields")
    if not readable or not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        return None  # older state (or a hand edit): drift is judged per resource
    try:
        return {parse_path(text): digest for text, digest in fields.items()}
    except ValueError:
        return None  # a path no version writes: a hand edit


def _extras(entry: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...], bool]:
    recorded = entry["recorded"] if isinstance(entry.get("recorded"), dict) else {}
    retired = entry["retired"] if isinstance(entry.get("retired"), list) else []
    strings = {str(key): value for key, value in recorded.items() if isinstance(value, str)}
    ids = tuple(rid for rid in retired if valid_remote_id(rid))
    return strings, ids, entry.get("creating") is True


def _entry(source: str, where: str, entry: Any, readable: bool) -> ResourceState:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise StateUnusable(source, "entry", where=where)
    if not valid_remote_id(entry["id"]):  # it would reach a URL (``../tools/x``, ``x?force=1``)
        raise StateUnusable(source, "bad_id", where=where, detail=_source_json(entry["id"]))
    texts = {
        key: entry[key] if isinstance(entry.get(key), str) else None
        for key in ("fingerprint", "remote_fingerprint", "branch_id", "version_id", "response_digest")
    }
    for key in ("branch_id", "version_id"):  # they reach URLs too
        if texts[key] is not None and not valid_remote_id(texts[key]):
            raise StateUnusable(source, "bad_id", where=where, detail=_source_json(texts[key]))
    made = ResourceState(
        id=entry["id"],
        fields=_fields(entry, readable),
        fingerprint=texts["fingerprint"],
        remote_fingerprint=texts["remote_fingerprint"],
        branch_id=texts["branch_id"],
        version_id=texts["version_id"],
        response_digest=texts["response_digest"] if readable else None,  # never reaches a URL
    )
    made.recorded, made.retired, made.creating = _extras(entry)
    return made


def _check_unique_ids(state: State, source: str) -> None:
    """Two local names recording one id: pruning one would delete the other's live resource."""
    for kind in REGISTRY.names:
        owners: dict[str, str] = {}
        for name, remote_id in sorted(state.ids(kind).items()):
            if remote_id in owners:
                raise StateConflict(source, kind, name, owners[remote_id], remote_id, "same_id")
            owners[remote_id] = name


def parse_state(env: str, data: Any, source: str, *, ids_only: bool = False) -> State:
    """``ids_only``: the ids are all the caller needs (another environment's), so a later version is read
    too, without its ``fields``. A file naming another environment is refused (copied, or a merge gone
    wrong): its ids are that environment's resources."""
    if not isinstance(data, dict):
        raise StateUnusable(source, "not_object")
    readable = not ids_only and _fields_readable(data, source)
    if not ids_only and "environment" in data and data["environment"] != env:
        raise StateUnusable(source, "other_environment", where=env, detail=_source_json(data["environment"]))
    state = State(environment=env)
    for kind in REGISTRY:
        section = kind.section
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise StateUnusable(source, "section", where=section)
        for name, entry in entries.items():
            state.set(kind.name, name, _entry(source, f"{section}.{name}", entry, readable))
    _check_unique_ids(state, source)
    return state


def _replay_journal(root: Path, state: State, readable: bool) -> None:
    """The changes a killed sync made durable after the file's last rewrite (see the module docstring);
    each entry checked as the file's are."""
    path = journal_path(root, state.environment)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for line in text.splitlines():
        try:
            record = json.loads(line)
            kind, name, entry = record["kind"], record["name"], record["entry"]
        except (ValueError, KeyError, TypeError):
            continue  # the torn last line of an interrupted append
        if kind not in state.resources or not isinstance(name, str):
            continue
        if entry is None:
            state.resources[kind].pop(name, None)
        else:
            state.set(kind, name, _entry(str(path), f"{kind}.{name}", entry, readable))


def load_state(root: Path, env: str, *, ids_only: bool = False) -> State:
    """The environment's state, or an empty one when the file does not exist yet (``ids_only``: see
    ``parse_state``)."""
    path = state_path(root, env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        state = State(environment=env)
        _replay_journal(root, state, not ids_only)
        _check_unique_ids(state, str(path))
        return state
    except (OSError, UnicodeDecodeError) as exc:
        what = "a directory" if path.is_dir() else type(exc).__name__
        raise StateUnusable(str(path), "not_a_file", detail=what) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = StateUnusable(str(path), "invalid_json", line=exc.lineno, column=exc.colno, detail=exc.msg)
        raise problem from exc
    except RecursionError:
        raise StateUnusable(str(path), "invalid_json", line=1, column=1, detail="nested too deeply") from None
    state = parse_state(env, data, str(path), ids_only=ids_only)
    _replay_journal(root, state, not ids_only and _fields_readable(data, str(path)))
    _check_unique_ids(state, str(path))
    return state


def load_other_states(root: Path, env: str) -> list[State]:
    """States of the project's other environments (their ids must never be adopted by this one)."""
    folder = root / STATE_DIR
    states = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if path.stem == env:
            continue
        with contextlib.suppress(ConfigError):
            states.append(load_state(root, path.stem, ids_only=True))
    return states


def save_state(root: Path, state: State) -> None:
    """Atomic replace: readers (and a SIGKILL at any moment) see the old or the new file, never a mix."""
    write_state_text(root, state.environment, state.to_json())


def write_state_text(root: Path, env: str, text: str) -> None:
    """``save_state`` for an already serialised state (so a snapshot can be written off the event loop).
    The whole state is on disk now: a journal of earlier changes has nothing left to add."""
    write_atomic(state_path(root, env), text)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal_path(root, env))


def state_digest(root: Path, env: str) -> str | None:
    """The digest of what ``load_state`` reads: the file (None when there is none), and the journal a
    killed sync left, if any (a saved plan is outdated when either moved)."""
    from agents_cli.project.files import digest_bytes, file_digest

    path = state_path(root, env)
    try:
        journal = journal_path(root, env).read_bytes()
    except FileNotFoundError:
        return file_digest(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        text = b""
    return digest_bytes(text + b"\0journal\0" + journal)


def append_journal(root: Path, env: str, lines: str) -> None:
    """Append changed entries to the environment's journal and fsync: durable before this returns."""
    path = journal_path(root, env)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, lines.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_temp_files(root: Path, env: str) -> None:
    """Temp files of ``write_atomic`` a killed sync left (``state/.<env>.json.*.tmp``); only the lock holder
    may remove them, since only it writes them."""
    for leftover in (root / STATE_DIR).glob(f".{env}.json.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _locked(env: str, path: Path, pid: int | None) -> StateLocked:
    return StateLocked(env, str(path), pid, own=pid == os.getpid())


@contextlib.contextmanager
def state_lock(root: Path, env: str) -> Iterator[Path]:
    """Hold ``state/<env>.lock`` for the duration.

    The lock is ``flock`` on the file, not the file's existence: the kernel releases it when its process
    dies, so a crashed sync leaves nothing to take over and two processes starting together cannot both
    win. The file holds the holder's pid, only for the message. It is unlinked on release while still
    locked; a process that opened the old file just before and then locked it notices (the path no longer
    names its file) and starts again on the new one.
    """
    import fcntl

    path = lock_path(root, env)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _locked(env, path, holder_pid(path)) from None
        try:
            same_file = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same_file = False
        if same_file:
            break
        os.close(fd)  # the holder unlinked it as we opened it: lock the current file instead
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        remove_temp_files(root, env)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)
