"""Editor schemas: the bundled JSON Schemas copied to ``.agents/schemas/`` (git-ignored) so editors validate
and complete configs, plus an overlay variant of each kind's schema with nothing required."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from agents_cli.kinds import REGISTRY
from agents_cli.project.loader import dump_json, write_atomic

# Overlays are partial configs: their editor schema is the kind's schema with nothing required.
OVERLAY_SCHEMA_KINDS = (*(kind.schema for kind in REGISTRY), "scenario")
EDITOR_SCHEMA_KINDS = ("manifest", *OVERLAY_SCHEMA_KINDS)


def editor_schema_path(root: Path, kind: str, *, overlay: bool = False) -> Path:
    suffix = ".overlay.schema.json" if overlay else ".schema.json"
    return root / ".agents" / "schemas" / f"{kind}{suffix}"


def _without_required(schema: Any) -> Any:
    """``schema`` with every ``required`` dropped, except inside ``if`` (the discriminator tests such as
    ``if: {properties: {type: {const: webhook}}, required: [type]}`` must keep matching only that type)."""
    if isinstance(schema, list):
        return [_without_required(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copied: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "required":
            continue
        if key == "if":
            copied[key] = value
        elif key in ("properties", "$defs", "patternProperties") and isinstance(value, dict):
            # Keys of these maps are names (a property may well be called "required"), not keywords.
            copied[key] = {name: _without_required(sub) for name, sub in value.items()}
        else:
            copied[key] = _without_required(value)
    return copied


def refresh_editor_schemas(root: Path) -> list[Path]:
    """Copy the bundled JSON Schemas to ``.agents/schemas/`` (git-ignored) so editors validate and complete
    configs, plus ``<kind>.overlay.schema.json`` for overlays; only files whose content differs are written.
    Returns the paths written."""
    import json

    from agents_cli.bundled import schemas_dir

    # The bundled files' sizes and times, kept next to the copies: when nothing moved, nothing is read.
    stamp = root / ".agents" / "schemas" / ".bundled"
    sources = [schemas_dir() / f"{kind}.schema.json" for kind in EDITOR_SCHEMA_KINDS]
    signature = "\n".join(
        f"{source.name} {stat.st_size} {stat.st_mtime_ns}"
        for source in sources
        if (stat := _stat(source)) is not None
    )
    targets = [
        editor_schema_path(root, kind, overlay=overlay)
        for kind in EDITOR_SCHEMA_KINDS
        for overlay in ((False, True) if kind in OVERLAY_SCHEMA_KINDS else (False,))
    ]
    if _read(stamp) == signature and all(target.is_file() for target in targets):
        return []
    written: list[Path] = []
    for kind in EDITOR_SCHEMA_KINDS:
        source = schemas_dir() / f"{kind}.schema.json"
        if not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        outputs = [(editor_schema_path(root, kind), text)]
        if kind in OVERLAY_SCHEMA_KINDS:
            overlay = _without_required(json.loads(text))
            if isinstance(overlay, dict):
                overlay["title"] = f"{overlay.get('title', kind)} (overlay: every key optional)"
            outputs.append((editor_schema_path(root, kind, overlay=True), dump_json(overlay)))
        for target, content in outputs:
            try:
                if target.read_text(encoding="utf-8") == content:
                    continue
            except OSError:
                pass
            write_atomic(target, content)
            written.append(target)
    write_atomic(stamp, signature)
    return written


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
