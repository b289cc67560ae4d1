"""Which documents passed their schema check before: ``.agents/validated.json`` (git-ignored, a cache only).

An unchanged project re-validated on every plan, sync, status and validate is the common case; with the keys
of documents that passed (``spec.schema_check``: schema version + kind + content digest) a clean re-check
costs a hash per file and never imports jsonschema. Anything unreadable is treated as an empty cache, and a
cache that cannot be written (read-only checkout) is simply not kept. Documents with issues are never cached.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from agents_cli.spec import schema_check

CACHE_NAME = "validated.json"
# Old keys are dropped beyond this (newest kept): the file stays small whatever the project's history.
MAX_KEYS = 20_000
_loaded: set[Path] = set()


def cache_path(root: Path) -> Path:
    return root / ".agents" / CACHE_NAME


def load(root: Path) -> None:
    """Remember the passes recorded for the project at ``root`` (once per process and root)."""
    if root in _loaded:
        return
    _loaded.add(root)
    try:
        keys = json.loads(cache_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(keys, list):
        schema_check.remember_passes(key for key in keys if isinstance(key, str))


def save(root: Path) -> None:
    """Add this process's new passes to the cache (atomically; no fsync: losing it costs a check)."""
    new = schema_check.new_passes()
    path = cache_path(root)
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = []
    known = [key for key in old if isinstance(key, str)] if isinstance(old, list) else []
    if new <= set(known):
        return
    keys = [key for key in known if key not in new] + sorted(new)
    temporary = path.with_name(f".{CACHE_NAME}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_text(json.dumps(keys[-MAX_KEYS:]), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
