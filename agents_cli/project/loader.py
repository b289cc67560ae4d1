"""Read YAML and JSON config files into plain data plus a map of where every key sits in the file.

Both formats give the same ``Document``: ``data`` (dicts, lists, str, int, float, bool, None) and
``positions``, which maps a key path such as ``("conversation_config", "agent", "tool_ids", 0)`` to the
1-based ``(line, column)`` of that key (for mapping members) or item (for list items). Validation uses it
to print ``file:line:col`` for every problem.

YAML is read with YAML-1.2-core scalars: ``yes``/``no``/``on``/``off`` and date-like values stay strings
(PyYAML's YAML-1.1 defaults would silently turn them into booleans and dates). Duplicate keys are errors
in both formats, because the second value would silently win.

PyYAML is imported inside functions so that importing this module stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# One facade for files: the document types, the readers and the writers are imported from here.
from agents_cli.project.documents import Document as Document
from agents_cli.project.documents import LoadError as LoadError
from agents_cli.project.documents import Position as Position
from agents_cli.project.documents import PositionMap as PositionMap
from agents_cli.project.documents import format_key_path as format_key_path
from agents_cli.project.json_reader import parse_json as parse_json
from agents_cli.project.writing import dump_json as dump_json
from agents_cli.project.writing import dump_yaml as dump_yaml
from agents_cli.project.writing import write_atomic as write_atomic
from agents_cli.project.yaml_reader import parse_yaml as parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
CONFIG_SUFFIXES = YAML_SUFFIXES + JSON_SUFFIXES


def load_file(path: Path, *, duplicates: list[LoadError] | None = None) -> Document:
    """Load a ``.yaml``/``.yml``/``.json`` file. Raises ``LoadError`` (file:line:col) on any problem.

    With ``duplicates``, duplicate keys are appended there instead of raised (the last value wins, as in
    ``json.loads``), so validation can report them together with everything else.
    """
    suffix = path.suffix.lower()
    if suffix not in CONFIG_SUFFIXES:
        raise LoadError(
            path, 1, 1, f"unsupported file type {suffix or '(none)'!r}", hint="use .yaml, .yml or .json"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LoadError(path, 1, 1, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(path, 1, 1, f"cannot read file: {exc}") from None
    return parse_document(path, text, duplicates=duplicates)


def parse_document(path: Path, text: str, *, duplicates: list[LoadError] | None = None) -> Document:
    """``text`` (the content of ``path``) parsed as the file name's format asks for."""
    if path.suffix.lower() in JSON_SUFFIXES:
        data, positions = parse_json(text, path, duplicates=duplicates)
    else:
        data, positions = parse_yaml(text, path, duplicates=duplicates)
    return Document(path=path, data=data, positions=positions)


def dump_for(path: Path, data: Any, *, yaml_header: str | None = None) -> str:
    """Serialise ``data`` in the format the file name asks for."""
    if path.suffix.lower() in JSON_SUFFIXES:
        return dump_json(data)
    return dump_yaml(data, header=yaml_header)
