"""Update an existing YAML config in place, keeping the user's comments, key order and quoting.

PyYAML (used by ``loader`` for reading and for new files) drops comments, so updates go through ruamel.yaml's
round-trip mode: the old document is loaded with its comments attached to nodes, the new data is merged into
it (changed values replaced, removed keys deleted, new keys appended, unchanged values left untouched so
their formatting survives) and it is dumped again. ruamel speaks YAML 1.2, like our loader.
"""

from __future__ import annotations

import io
from typing import Any

from agents_cli.project.loader import dump_json

# The project's writer style (loader.dump_yaml): 2-space mappings, list items indented under their key.
MAPPING_INDENT = 2
SEQUENCE_INDENT = 4
SEQUENCE_DASH_OFFSET = 2
LINE_WIDTH = 100


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = LINE_WIDTH
    yaml.indent(mapping=MAPPING_INDENT, sequence=SEQUENCE_INDENT, offset=SEQUENCE_DASH_OFFSET)
    return yaml


def _fresh(value: Any) -> Any:
    """New values: multi-line strings as ``|`` blocks, like the project's writer does."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        return LiteralScalarString(value)
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    return value


def merge_into(old: Any, new: Any) -> Any:
    """``new``'s content in ``old``'s containers (so comments and order attached to them survive)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [key for key in old if key not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = merge_into(old[key], value) if key in old else _fresh(value)
        return old
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, value in enumerate(new):
            old[index] = merge_into(old[index], value)
        return old
    if type(old) is type(new) and old == new:
        return old  # unchanged: keep its original quoting / block style
    if isinstance(old, str) and isinstance(new, str) and str(old) == new:
        return old
    return _fresh(new)


def _with_file_only_keys(old: Any, new_data: dict[str, Any]) -> dict[str, Any]:
    """``new_data`` plus the old document's top-level ``$schema`` (the editor hint) and ``x-*`` keys (YAML
    anchors): they live only in the file, never remotely, so an update must not drop them."""
    if not isinstance(old, dict):
        return new_data
    kept = {key: old[key] for key in old if key == "$schema" or str(key).startswith("x-")}
    return {**kept, **new_data} if kept else new_data


def update_yaml_text(old_text: str, new_data: dict[str, Any]) -> str:
    yaml = _yaml()
    document = yaml.load(old_text)
    if not isinstance(document, dict):
        document = {}
    merged = merge_into(document, _with_file_only_keys(document, new_data))
    stream = io.StringIO()
    yaml.dump(merged, stream)
    return stream.getvalue()


def update_json_text(old_text: str, new_data: dict[str, Any]) -> str:
    """JSON has no comments; keep the existing key order and write deterministically."""
    import json

    try:
        old = json.loads(old_text)
    except ValueError:
        old = {}
    old = old if isinstance(old, dict) else {}
    return dump_json(merge_into(old, _with_file_only_keys(old, new_data)))
