"""Saved plans: ``agents plan --out plan.json`` writes the plan; ``agents sync plan.json`` applies exactly it.

The file holds everything apply needs (each resource's ``Write``) and what the plan was made from: a digest
of every file the run read (manifest, configs, overlays), of the state file, and each planned resource's
remote fingerprint. Applying it first checks all three and refuses, naming what moved, when anything did:
what a reviewer approved in a pull request is what runs, or nothing does.

No secret is ever written: a value that came from a ``${VAR}`` placeholder is stored as the placeholder and
resolved again from the environment at apply time; a salted digest of the resolved values (the salt is the
plan's own nonce) tells whether they still resolve to what was planned. A drifted field left as the remote
has it is stored as a marker and taken from the remote again, which apply checks has not moved.

Key paths are stored as ``keypath.format_path`` text and read back with ``parse_path``: a change's ``key``,
``kept_keys`` and ``sensitive`` in the spelling of plan changes (``attached_tests[test_id=t1]``), the places
of references and placeholders in a body by list index (``tool_ids[0]``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents_cli import __version__
from agents_cli.engine.errors import PlanFileError, PlanNotSavable
from agents_cli.engine.plan import (
    BranchCut,
    FieldChange,
    Pending,
    Plan,
    PlanOptions,
    ResourcePlan,
    SplitChange,
    Write,
)
from agents_cli.keypath import KeyPath, contains, format_path, leaf_path, parse_path, related, with_values
from agents_cli.kinds.base import valid_remote_id

FORMAT = "agents-plan"
VERSION = 1
PLACEHOLDER_MARK = "$placeholder"
REMOTE_MARK = "$remote"


@dataclass(frozen=True)
class SavedPlan:
    """A plan read back from a file, with what it was made from."""

    plan: Plan
    files: dict[str, str | None]  # project-relative path → digest when planned
    state: str | None  # digest of state/<env>.json when planned (None: there was none)
    nonce: str
    secrets: dict[tuple[str, str], str]  # (kind, name) → digest of its resolved placeholder values


def secrets_digest(nonce: str, values: list[tuple[KeyPath, str]]) -> str:
    canonical = json.dumps([[format_path(path), value] for path, value in values], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(f"{nonce}\0{canonical}".encode()).hexdigest()


def _masked(document: Mapping[str, Any] | None, item: ResourcePlan, kept: tuple[KeyPath, ...]) -> Any:
    """``document`` with every placeholder value replaced by its placeholder (or, where the write keeps the
    remote's value, by a marker to take it from the remote again). A placeholder's place is a list index;
    kept paths name keyed items by id, so it is compared in their spelling (``leaf_path``)."""
    if document is None:
        return None
    values: dict[KeyPath, Any] = {}
    for path, template in item.templates:
        if not contains(document, path):
            continue
        place = leaf_path(document, path)
        from_remote = bool(kept) and related(place, kept)
        if from_remote and leaf_path(item.remote_body, path) != place:
            # Apply reads a kept value from the remote at the marker's index path: there it would be
            # another item's (keyed items match by id, so the two lists may be in different orders).
            raise PlanNotSavable(item.kind, item.name, format_path(place))
        values[path] = {REMOTE_MARK: True} if from_remote else {PLACEHOLDER_MARK: template}
    return with_values(document, values)


def _write_data(item: ResourcePlan) -> dict[str, Any] | None:
    write = item.write
    if write is None:
        return None
    return {
        "operation": write.operation,
        "body": _masked(write.body, item, write.kept_keys),
        "expect": _masked(write.expect, item, write.kept_keys),
        "pending": [
            {"path": format_path(ref.path), "kind": ref.kind, "name": ref.name} for ref in write.pending
        ],
        "kept": list(write.kept),
        "kept_keys": [format_path(key) for key in write.kept_keys],
        "blocked": list(write.blocked),
        "placeholder_first": write.placeholder_first,
        "upload": dict(write.upload) if write.upload is not None else None,
    }


def _change_data(change: FieldChange) -> dict[str, Any]:
    data = change.as_dict()
    data["key"] = format_path(change.key)
    return data


def resource_data(item: ResourcePlan, resolved: list[tuple[KeyPath, str]], nonce: str) -> dict[str, Any]:
    """One resource as the file stores it; ``resolved``: its placeholder values (only their digest is
    written)."""
    data: dict[str, Any] = {
        "kind": item.kind,
        "name": item.name,
        "action": item.action,
        "remote_id": item.remote_id,
        "changes": [_change_data(change) for change in item.changes],
        "drifted": [_change_data(change) for change in item.drifted],
        "adopted": item.adopted,
        "refresh_state": item.refresh_state,
        "pending": list(item.pending),
        "desired_fingerprint": item.desired_fingerprint,
        "remote_fingerprint": item.remote_fingerprint,
        "included_because": item.included_because,
        "api_name": item.api_name,
        "version_id": item.version_id,
        "sensitive": [format_path(path) for path in item.sensitive],
        "templates": [[format_path(path), template] for path, template in item.templates],
        "write": _write_data(item),
    }
    if item.templates:
        data["secrets"] = secrets_digest(nonce, resolved)
    return data


def plan_document(
    the_plan: Plan,
    *,
    files: Mapping[str, str | None],
    state: str | None,
    resolved: Mapping[tuple[str, str], list[tuple[KeyPath, str]]],
) -> dict[str, Any]:
    """The file's content. ``resolved``: each resource's placeholder values (never written themselves)."""
    nonce = secrets.token_hex(16)
    options = the_plan.options
    return {
        "format": FORMAT,
        "version": VERSION,
        "agents_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "environment": the_plan.environment,
        "options": {
            "prune": options.prune,
            "force": options.force,
            "replace": [list(key) for key in sorted(options.replace)],
            "only": list(options.only),
            "refresh": options.refresh,
        },
        "inputs": {"files": dict(sorted(files.items())), "state": state},
        "nonce": nonce,
        "stale": [list(key) for key in the_plan.stale],
        "traffic": [change.as_dict() for change in the_plan.splits],
        "branches": [cut.as_dict() for cut in the_plan.branch_cuts],
        "summary": the_plan.as_dict()["summary"],
        "resources": [resource_data(item, resolved.get(item.key, []), nonce) for item in the_plan.resources],
    }


# -- reading ----------------------------------------------------------------------------------------------
def _key_path(value: Any) -> KeyPath:
    try:
        if isinstance(value, str):
            return parse_path(value)
    except ValueError as exc:
        raise PlanFileError("", "key_path", f"malformed: {exc}") from None
    raise PlanFileError("", "key_path", f"not text: {value!r}")


def _changes(values: Any) -> tuple[FieldChange, ...]:
    changes = []
    for data in values or []:
        changes.append(
            FieldChange(
                path=str(data["path"]),
                before=data.get("remote"),
                after=data.get("local"),
                change=data.get("change", "changed"),
                conflict=bool(data.get("conflict")),
                key=_key_path(data.get("key", "")),
                cannot_apply=data.get("cannot_apply"),
                note=data.get("note"),
            )
        )
    return tuple(changes)


def _write(data: Any) -> Write | None:
    if data is None:
        return None
    pending = tuple(
        Pending(_key_path(ref["path"]), str(ref["kind"]), str(ref["name"])) for ref in data["pending"]
    )
    return Write(
        operation=data["operation"],
        body=data.get("body"),
        expect=data.get("expect"),
        pending=pending,
        kept=tuple(data.get("kept", [])),
        kept_keys=tuple(_key_path(key) for key in data.get("kept_keys", [])),
        blocked=tuple(data.get("blocked", [])),
        placeholder_first=bool(data.get("placeholder_first")),
        upload=data.get("upload") if isinstance(data.get("upload"), dict) else None,
    )


def _resource(data: Mapping[str, Any]) -> ResourcePlan:
    return ResourcePlan(
        kind=str(data["kind"]),
        name=str(data["name"]),
        action=data["action"],
        remote_id=data.get("remote_id"),
        changes=_changes(data.get("changes")),
        drifted=_changes(data.get("drifted")),
        adopted=bool(data.get("adopted")),
        refresh_state=bool(data.get("refresh_state")),
        pending=tuple(data.get("pending", [])),
        desired_fingerprint=data.get("desired_fingerprint"),
        remote_fingerprint=data.get("remote_fingerprint"),
        included_because=data.get("included_because"),
        api_name=data.get("api_name"),
        version_id=data.get("version_id") if valid_remote_id(data.get("version_id")) else None,
        write=_write(data.get("write")),
        sensitive=tuple(_key_path(path) for path in data.get("sensitive", [])),
        templates=tuple((_key_path(path), str(template)) for path, template in data.get("templates", [])),
    )


def _split(data: Mapping[str, Any]) -> SplitChange:
    def shares(value: Any) -> dict[str, float]:
        return {str(name): float(share) for name, share in dict(value).items()}

    return SplitChange(str(data["name"]), shares(data["live"]), shares(data["desired"]))


def parse_plan(data: Any, source: str) -> SavedPlan:
    """A plan file's content as a ``SavedPlan``; ``PlanFileError`` naming ``source`` when it is not one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFileError(source, "not_a_plan")
    if data.get("version") != VERSION:
        raise PlanFileError(source, "version", repr(data.get("version")))
    try:
        options = data["options"]
        the_plan = Plan(
            environment=str(data["environment"]),
            resources=tuple(_resource(item) for item in data["resources"]),
            options=PlanOptions(
                prune=bool(options["prune"]),
                force=bool(options["force"]),
                replace=frozenset((str(kind), str(name)) for kind, name in options["replace"]),
                only=tuple(options["only"]),
                refresh=bool(options.get("refresh")),
            ),
            stale=tuple((str(kind), str(name)) for kind, name in data["stale"]),
            splits=tuple(_split(item) for item in data.get("traffic") or []),
            branch_cuts=tuple(
                BranchCut(str(item["kind"]), str(item["name"]), str(item["branch"]))
                for item in data.get("branches") or []
            ),
        )
        if {cut.key for cut in the_plan.branch_cuts} - {item.key for item in the_plan.resources}:
            raise ValueError("a branch cut of a resource the plan does not hold")
        inputs = data["inputs"]
        digests = {
            (str(item["kind"]), str(item["name"])): str(item["secrets"])
            for item in data["resources"]
            if item.get("secrets")
        }
        return SavedPlan(the_plan, dict(inputs["files"]), inputs["state"], str(data["nonce"]), digests)
    except PlanFileError as exc:  # a key path: the reader names no file
        raise PlanFileError(source, exc.problem, exc.detail) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(source, "malformed", f"{type(exc).__name__}: {exc}") from None


def marked_places(document: Any, path: KeyPath = ()) -> list[tuple[KeyPath, str, Any]]:
    """Every marker in a stored body: (path by list index, as the templates' are; which mark; its value).
    Markers are objects, which no string walker of ``keypath`` finds."""
    found: list[tuple[KeyPath, str, Any]] = []
    if isinstance(document, dict):
        for mark in (PLACEHOLDER_MARK, REMOTE_MARK):
            if set(document) == {mark}:
                return [(path, mark, document[mark])]
        for key, value in document.items():
            found.extend(marked_places(value, (*path, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.extend(marked_places(value, (*path, index)))
    return found


def read_plan_file(path: Path) -> SavedPlan:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanFileError(str(path), "unreadable", str(exc.strerror or exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = PlanFileError(str(path), "invalid_json", exc.msg, line=exc.lineno, column=exc.colno)
        raise problem from None
    return parse_plan(data, str(path))


def resolve_templates(
    templates: tuple[tuple[KeyPath, str], ...], environ: Mapping[str, str]
) -> list[tuple[KeyPath, str]]:
    """Each placeholder's value in ``environ`` (a missing variable raises, naming it)."""
    from agents_cli.project.references import substitute_placeholders

    return [(path, substitute_placeholders(template, path, environ)[0]) for path, template in templates]


def write_plan(
    target: Path,
    the_plan: Plan,
    *,
    root: Path,
    files: Mapping[Path, str | None],
    state_digest: str | None,
    environ: Mapping[str, str],
) -> None:
    """Write ``the_plan`` to ``target`` (atomic; never a secret value)."""
    from agents_cli.project.loader import dump_json, write_atomic

    relative = {path.relative_to(root).as_posix(): digest for path, digest in files.items()}
    resolved = {item.key: resolve_templates(item.templates, environ) for item in the_plan.resources}
    document = plan_document(the_plan, files=relative, state=state_digest, resolved=resolved)
    write_atomic(target, dump_json(document))
