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

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agents_cli.errors import ConfigError
from agents_cli.keypath import KeyPath, format_path

# The writers live in ``writing``; callers import them from here with the readers (one facade for files).
from agents_cli.project.writing import dump_json as dump_json
from agents_cli.project.writing import dump_yaml as dump_yaml
from agents_cli.project.writing import write_atomic as write_atomic

if TYPE_CHECKING:
    import yaml

Position = tuple[int, int]
PositionMap = dict[KeyPath, Position]

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
CONFIG_SUFFIXES = YAML_SUFFIXES + JSON_SUFFIXES


class LoadError(ConfigError):
    """A file that cannot be read or parsed; carries where, so validation can list it with other problems."""

    def __init__(self, path: Path, line: int, column: int, detail: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}:{line}:{column}: {detail}", hint=hint)
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail


@dataclass(frozen=True)
class Document:
    path: Path
    data: Any
    positions: PositionMap = field(default_factory=dict)

    def locate(self, key_path: KeyPath) -> Position:
        """Position of ``key_path``, or of its nearest ancestor that has one, or (1, 1)."""
        for end in range(len(key_path), -1, -1):
            found = self.positions.get(key_path[:end])
            if found is not None:
                return found
        return (1, 1)

    def has(self, key_path: KeyPath) -> bool:
        return key_path in self.positions


def format_key_path(key_path: KeyPath, *, root: str = "<root>") -> str:
    """A key path in a message about a file: ``keypath.format_path`` (``a.tool_ids[0].b``), with the whole
    document spelled ``<root>`` rather than as nothing."""
    return format_path(key_path, root=root)


# -- loading ------------------------------------------------------------------------------------------


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


# -- JSON ---------------------------------------------------------------------------------------------
# json.loads gives exact JSON semantics (escapes, surrogate pairs, numbers) and good syntax errors; a
# small token scanner over the same (now known valid) text adds positions and catches duplicate keys.

_JSON_TOKEN = re.compile(
    r"""
    (?P<string>"[^"\\]*(?:\\.[^"\\]*)*")
  | (?P<punct>[{}\[\]:,])
  | (?P<atom>-?[0-9][0-9.eE+\-]*|true|false|null)
  | (?P<space>[ \t\r\n]+)
    """,
    re.VERBOSE | re.DOTALL,
)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(
    text: str, path: Path, *, duplicates: list[LoadError] | None = None
) -> tuple[Any, PositionMap]:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise LoadError(path, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise LoadError(path, 1, 1, f"invalid JSON: {exc}") from None
    return data, _json_positions(text, path, duplicates)


class _LineIndex:
    """Offset → (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return (line, offset - self.starts[line - 1] + 1)


def _json_tokens(text: str) -> Iterator[tuple[str, str, int]]:
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "space" and kind is not None:
            yield kind, match.group(), match.start()


def _decode_key(token: str) -> str:
    return token[1:-1] if "\\" not in token else str(json.loads(token))


def _json_positions(text: str, path: Path, duplicates: list[LoadError] | None) -> PositionMap:
    lines = _LineIndex(text)
    positions: PositionMap = {}
    tokens = _json_tokens(text)

    def value(first: tuple[str, str, int], key_path: KeyPath) -> None:
        _kind, token, _ = first
        if token == "{":
            seen: set[str] = set()
            for _kind, token, offset in tokens:
                if token == "}":
                    return
                if token == ",":
                    continue
                key = _decode_key(token)
                here = lines.position(offset)
                if key in seen:
                    _duplicate(LoadError(path, *here, f"duplicate key {key!r}"), duplicates)
                seen.add(key)
                next(tokens)  # the colon
                positions[(*key_path, key)] = here
                value(next(tokens), (*key_path, key))
        elif token == "[":
            index = 0
            for item in tokens:
                if item[1] == "]":
                    return
                if item[1] == ",":
                    continue
                positions[(*key_path, index)] = lines.position(item[2])
                value(item, (*key_path, index))
                index += 1

    first = next(tokens, None)
    if first is not None:
        positions[()] = lines.position(first[2])
        value(first, ())
    return positions


# -- YAML ---------------------------------------------------------------------------------------------

_TAG_PREFIX = "tag:yaml.org,2002:"
_YAML12_RESOLVERS: list[tuple[str, str, str]] = [
    # (tag, regexp, first characters) — the YAML 1.2 core schema.
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("merge", r"^<<$", "<"),  # YAML merge keys, which PyYAML users expect to keep working
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
]
_loader_class: type[Any] | None = None


def _yaml_loader_class() -> type[Any]:
    """A loader class (C parser when available) whose implicit resolvers follow YAML 1.2 core."""
    global _loader_class
    if _loader_class is not None:
        return _loader_class
    import yaml

    base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class ConfigYamlLoader(base):  # type: ignore[misc]
        yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}

    for tag, pattern, first in _YAML12_RESOLVERS:
        compiled = re.compile(pattern)
        for char in first:
            ConfigYamlLoader.yaml_implicit_resolvers.setdefault(char, []).append(
                (_TAG_PREFIX + tag, compiled)
            )
    # The empty scalar (``key:`` with no value) is null.
    ConfigYamlLoader.yaml_implicit_resolvers.setdefault("", []).append(
        (_TAG_PREFIX + "null", re.compile(r"^$"))
    )
    _loader_class = ConfigYamlLoader
    return ConfigYamlLoader


def _mark_position(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.Node, path: Path) -> Any:
    tag = node.tag
    value = node.value
    if tag == _TAG_PREFIX + "str":
        return value
    if tag == _TAG_PREFIX + "null":
        return None
    if tag == _TAG_PREFIX + "bool":
        return value.lower() == "true"
    if tag == _TAG_PREFIX + "int":
        cleaned = value.replace("_", "")
        if cleaned.startswith("0o"):
            return int(cleaned[2:], 8)
        if cleaned.startswith("0x"):
            return int(cleaned[2:], 16)
        return int(cleaned)
    if tag == _TAG_PREFIX + "float":
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        return float(value)
    line, column = _mark_position(node)
    raise LoadError(path, line, column, f"unsupported YAML tag {tag!r}", hint="remove the explicit tag")


def parse_yaml(
    text: str, path: Path, *, duplicates: list[LoadError] | None = None
) -> tuple[Any, PositionMap]:
    import yaml

    loader = _yaml_loader_class()(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        detail = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            # PyYAML only says "found character '\t' that cannot start any token".
            detail = "a tab character: YAML indents with spaces only"
        raise LoadError(path, line, column, f"invalid YAML: {detail}") from None
    except yaml.YAMLError as exc:
        raise LoadError(path, 1, 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    positions: PositionMap = {}
    if root is None:
        return None, positions
    positions[()] = _mark_position(root)
    mapping_tag = _TAG_PREFIX + "map"
    sequence_tag = _TAG_PREFIX + "seq"
    merge_tag = _TAG_PREFIX + "merge"
    mapping_node = yaml.MappingNode
    sequence_node = yaml.SequenceNode
    active: set[int] = set()  # node ids on the current path: an alias cycle would recurse forever

    def build(node: yaml.Node, key_path: KeyPath) -> Any:
        if isinstance(node, mapping_node | sequence_node):
            if id(node) in active:
                raise LoadError(path, *_mark_position(node), "recursive YAML alias")
            active.add(id(node))
            try:
                return build_collection(node, key_path)
            finally:
                active.discard(id(node))
        return _scalar(node, path)

    def build_collection(node: yaml.Node, key_path: KeyPath) -> Any:
        if isinstance(node, mapping_node):
            if node.tag != mapping_tag:
                raise _tag_error(node, path)
            result: dict[str, Any] = {}
            explicit: set[str] = set()
            entries = node.value
            if any(key_node.tag == merge_tag for key_node, _ in entries):
                entries = _apply_merge_keys(node, key_path, result)
            for key_node, value_node in entries:
                key = _mapping_key(key_node, path)
                here = _mark_position(key_node)
                if key in explicit:
                    _duplicate(LoadError(path, *here, f"duplicate key {key!r}"), duplicates)
                explicit.add(key)
                child = (*key_path, key)
                positions[child] = here
                result[key] = build(value_node, child)
            return result
        if node.tag != sequence_tag:
            raise _tag_error(node, path)
        items: list[Any] = []
        for index, item_node in enumerate(node.value):
            child = (*key_path, index)
            positions[child] = _mark_position(item_node)
            items.append(build(item_node, child))
        return items

    def _apply_merge_keys(node: yaml.MappingNode, key_path: KeyPath, result: dict[str, Any]) -> list[Any]:
        """YAML merge keys (``<<: *defaults``): merged mappings go into ``result`` first (earlier sources
        win over later ones), so the explicit keys that follow override them. Returns the explicit entries."""
        sources: list[yaml.Node] = []
        explicit_entries = []
        for key_node, value_node in node.value:
            if key_node.tag != merge_tag:
                explicit_entries.append((key_node, value_node))
                continue
            listed = value_node.value if isinstance(value_node, sequence_node) else [value_node]
            for source in listed:
                if not isinstance(source, mapping_node):
                    raise LoadError(
                        path,
                        *_mark_position(source),
                        "a merge key (<<) takes a mapping or a list of mappings",
                    )
                sources.append(source)
        for source in reversed(sources):
            result.update(build(source, key_path))
        return explicit_entries

    return build(root, ()), positions


def _duplicate(error: LoadError, duplicates: list[LoadError] | None) -> None:
    if duplicates is None:
        raise error
    duplicates.append(error)


def _tag_error(node: yaml.Node, path: Path) -> LoadError:
    return LoadError(path, *_mark_position(node), f"unsupported YAML tag {node.tag!r}", hint="remove the tag")


def _mapping_key(node: yaml.Node, path: Path) -> str:
    """Keys are strings, as in JSON: ``1:`` or ``true:`` become ``"1"``/``"true"`` (their source text)."""
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.tag.startswith(_TAG_PREFIX):
        return str(node.value)
    raise LoadError(path, *_mark_position(node), "mapping keys must be plain strings")


# -- writing ------------------------------------------------------------------------------------------


def dump_for(path: Path, data: Any, *, yaml_header: str | None = None) -> str:
    """Serialise ``data`` in the format the file name asks for."""
    if path.suffix.lower() in JSON_SUFFIXES:
        return dump_json(data)
    return dump_yaml(data, header=yaml_header)
