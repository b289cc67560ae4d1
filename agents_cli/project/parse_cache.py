"""YAML configs as parsed before: ``.agents/parsed.jsonl`` (git-ignored, a cache only).

Parsing YAML is the largest fixed cost left in a run over an unchanged project: importing PyYAML alone takes
longer than reading, hashing and checking every config (≈15 ms of a ≈130 ms ``agents validate``). A
document's data and positions depend only on its bytes and on ``yaml_reader``, so they are kept keyed by
both: the content digest ``FileStore`` computes anyway, and a digest of ``yaml_reader``'s own source (an
edited reader never reads an old entry). The key also holds the file's identity on this machine (device,
inode, modification time in ns, size): an entry can only come from parsing that very file here, so a cache
file committed to a repository (or copied from another checkout) can never make a config read as something
its text does not say: it is a miss, and the file is parsed. One line per document,
``<key>\\t<JSON [data, positions]>``, parsed only when looked up. Only documents that parsed cleanly (no
error, no duplicate key) and survive a JSON round trip unchanged are kept; a malformed line, a shape that
is not what ``record`` writes, or an unreadable file is a miss; a cache that cannot be written (a read-only
checkout) is simply not kept.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from agents_cli.project.documents import PositionMap

CACHE_NAME = "parsed.jsonl"
MAX_ENTRIES = 5_000  # the oldest are dropped beyond this: the file stays small whatever the history
# Per project root (a process may open several: tests): key → the JSON text of [data, positions].
_entries: dict[Path, dict[str, str]] = {}
_new: dict[Path, set[str]] = {}
_reader_digest: list[str] = []


def cache_path(root: Path) -> Path:
    return root / ".agents" / CACHE_NAME


def _reader() -> str:
    if not _reader_digest:
        from agents_cli.project import yaml_reader

        try:
            source = Path(yaml_reader.__file__).read_bytes()
        except (OSError, TypeError):  # no readable source (a frozen install): keyed by the version
            from agents_cli import __version__

            source = __version__.encode()
        _reader_digest.append(hashlib.sha256(source).hexdigest()[:16])
    return _reader_digest[0]


def key(path: Path, digest: str) -> str | None:
    """The entry's name for ``path`` with ``digest`` as it is on disk now (None: it cannot be examined)."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return f"{_reader()}:{found.st_dev}:{found.st_ino}:{found.st_mtime_ns}:{found.st_size}:{digest}"


def load(root: Path) -> None:
    """Read the entries kept for the project at ``root`` (once per process and root)."""
    if root in _entries:
        return
    entries = _entries[root] = {}
    _new[root] = set()
    try:
        text = cache_path(root).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return
    for line in text.split("\n"):  # (not splitlines: JSON leaves U+2028 and friends unescaped)
        name, tab, entry = line.partition("\t")
        if tab:
            entries.setdefault(name, entry)


def forget(root: Path) -> None:
    """Drop what this process holds for ``root``: the next ``load`` reads the file again."""
    _entries.pop(root, None)
    _new.pop(root, None)


def _project_of(path: Path) -> Path | None:
    """The loaded project root ``path`` is in (None: no cache for it, e.g. a file read outside a run)."""
    for root in _entries:
        if path.is_relative_to(root):
            return root
    return None


def lookup(path: Path, digest: str) -> tuple[Any, PositionMap] | None:
    """The data and positions of the YAML document at ``path`` whose bytes have ``digest``, if kept (a
    fresh copy each time)."""
    root = _project_of(path)
    name = None if root is None else key(path, digest)
    entry = None if root is None or name is None else _entries[root].get(name)
    if entry is None:
        return None
    try:
        data, positions = json.loads(entry)
        return data, {tuple(path): (line, column) for path, line, column in positions}
    except (ValueError, TypeError):  # not what record() writes: parse the file instead
        return None


def record(path: Path, digest: str, data: Any, positions: PositionMap) -> None:
    """Keep a cleanly parsed document (unless JSON cannot carry it exactly, such as a NaN)."""
    root = _project_of(path)
    if root is None:
        return
    rows = [[list(path), line, column] for path, (line, column) in positions.items()]
    try:
        entry = json.dumps([data, rows], ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return
    if "\n" in entry or json.loads(entry) != [data, rows]:
        return
    name = key(path, digest)
    if (
        name is not None and _entries[root].get(name) != entry
    ):  # (a malformed entry read from the file is replaced)
        _entries[root][name] = entry
        _new[root].add(name)


def save(root: Path) -> None:
    """Write the entries if this run recorded any (atomically; no fsync: losing it costs a parse)."""
    if not _new.get(root):
        return
    path = cache_path(root)
    kept = list(_entries[root].items())[-MAX_ENTRIES:]
    temporary = path.with_name(f".{CACHE_NAME}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_text("".join(f"{name}\t{entry}\n" for name, entry in kept), encoding="utf-8")
        os.replace(temporary, path)
        _new[root].clear()
    except OSError:
        temporary.unlink(missing_ok=True)
