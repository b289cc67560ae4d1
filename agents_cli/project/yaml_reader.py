"""YAML config files with positions, read with YAML-1.2-core scalars (``yes``/``no``/``on``/``off`` and
date-like values stay strings; PyYAML's YAML-1.1 defaults would silently turn them into booleans and dates).
Duplicate keys, recursive aliases and explicit tags are errors with file:line:col.

PyYAML is imported inside functions so that importing this module stays cheap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agents_cli.keypath import KeyPath
from agents_cli.project.documents import (
    MAX_DEPTH,
    LoadError,
    Position,
    PositionMap,
    report_duplicate,
    too_deep,
)

if TYPE_CHECKING:
    import yaml


_TAG_PREFIX = "tag:yaml.org,2002:"
_MERGE_TAG = _TAG_PREFIX + "merge"
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
        hint = None
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            # PyYAML only says "found character '\t' that cannot start any token".
            detail = "a tab character: YAML indents with spaces only"
        elif mark is not None and text[mark.index : mark.index + 1] in ("@", "`"):
            # "found character that cannot start any token": '@' is reserved in YAML, and references
            # (`[@tool:x]`) start with it.
            value = re.split(r"[\s,\]}]", text[mark.index :], maxsplit=1)[0]
            detail = (
                f'{value} cannot start a plain YAML value: quote values starting with {value[0]} ("{value}")'
            )
            hint = f'write "{value}" (quoted)'
        raise LoadError(path, line, column, f"invalid YAML: {detail}", hint=hint) from None
    except yaml.YAMLError as exc:
        raise LoadError(path, 1, 1, f"invalid YAML: {exc}") from None
    except RecursionError:  # the parser recurses per level of (flow) nesting
        raise too_deep(path, _deep_position(text)) from None
    finally:
        loader.dispose()
    if root is None:
        return None, {}
    builder = _Builder(path, duplicates)
    builder.positions[()] = _mark_position(root)
    return builder.build(root, ()), builder.positions


def _deep_position(text: str) -> Position:
    """Where flow brackets first nest ``MAX_DEPTH`` deep (quotes and comments ignored: an estimate for a
    file the parser could not read at all)."""
    depth, line, column = 0, 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char in "[{":
            depth += 1
            if depth >= MAX_DEPTH:
                return (line, column)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return (1, 1)


# What aliases may expand to in one file, beyond the nodes written out once: a shared block of defaults
# merged into a few dozen places is a few thousand; an alias bomb (aliases of aliases of lists, a few
# hundred bytes) is billions, and would take minutes and gigabytes before anything could be checked.
MAX_ALIAS_NODES = 50_000
MAX_ALIAS_CHARS = 10_000_000


class _Builder:
    """Plain data from a composed YAML node tree, recording each key's and item's position. A node built
    again (reached through an alias) counts against ``MAX_ALIAS_NODES`` and, for text, ``MAX_ALIAS_CHARS``.
    """

    def __init__(self, path: Path, duplicates: list[LoadError] | None) -> None:
        import yaml

        self.mapping_node, self.sequence_node = yaml.MappingNode, yaml.SequenceNode  # read once: hot path
        self.path = path
        self.duplicates = duplicates
        self.positions: PositionMap = {}
        self.active: set[int] = set()  # node ids on the current path: an alias cycle would recurse forever
        self.built: set[int] = set()  # node ids built once: building one again is an alias's expansion
        self.expanded_nodes = 0
        self.expanded_chars = 0

    def build(self, node: yaml.Node, key_path: KeyPath) -> Any:
        if id(node) in self.built:
            self.count_expansion(node)
        else:
            self.built.add(id(node))
        if not isinstance(node, self.mapping_node | self.sequence_node):
            return _scalar(node, self.path)
        if len(key_path) >= MAX_DEPTH:
            raise too_deep(self.path, _mark_position(node))
        if id(node) in self.active:
            raise LoadError(self.path, *_mark_position(node), "recursive YAML alias")
        self.active.add(id(node))
        try:
            if isinstance(node, self.mapping_node):
                return self.mapping(node, key_path)
            return self.sequence(node, key_path)
        finally:
            self.active.discard(id(node))

    def count_expansion(self, node: yaml.Node) -> None:
        self.expanded_nodes += 1
        if isinstance(node.value, str):
            self.expanded_chars += len(node.value)
        if self.expanded_nodes > MAX_ALIAS_NODES or self.expanded_chars > MAX_ALIAS_CHARS:
            raise LoadError(
                self.path,
                *_mark_position(node),
                f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} values or "
                f"{MAX_ALIAS_CHARS // 1_000_000} MB of text (an alias bomb?)",
                hint="write the repeated parts out, or alias less",
            )

    def mapping(self, node: yaml.MappingNode, key_path: KeyPath) -> dict[str, Any]:
        if node.tag != _TAG_PREFIX + "map":
            raise _tag_error(node, self.path)
        result: dict[str, Any] = {}
        explicit: dict[str, Position] = {}  # key → where it was first written
        entries = node.value
        if any(key_node.tag == _MERGE_TAG for key_node, _ in entries):
            entries = self.merge_keys(node, key_path, result)
        for key_node, value_node in entries:
            key = _mapping_key(key_node, self.path)
            here = _mark_position(key_node)
            if key in explicit:
                first = f"duplicate key {key!r} (first at line {explicit[key][0]})"
                report_duplicate(LoadError(self.path, *here, first), self.duplicates)
            explicit.setdefault(key, here)
            child = (*key_path, key)
            self.positions[child] = here
            result[key] = self.build(value_node, child)
        return result

    def sequence(self, node: yaml.SequenceNode, key_path: KeyPath) -> list[Any]:
        if node.tag != _TAG_PREFIX + "seq":
            raise _tag_error(node, self.path)
        items: list[Any] = []
        for index, item_node in enumerate(node.value):
            child = (*key_path, index)
            self.positions[child] = _mark_position(item_node)
            items.append(self.build(item_node, child))
        return items

    def merge_keys(self, node: yaml.MappingNode, key_path: KeyPath, result: dict[str, Any]) -> list[Any]:
        """YAML merge keys (``<<: *defaults``): merged mappings go into ``result`` first (earlier sources
        win over later ones), so the explicit keys that follow override them. Returns the explicit entries."""
        sources: list[yaml.Node] = []
        explicit_entries = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                explicit_entries.append((key_node, value_node))
                continue
            listed = value_node.value if isinstance(value_node, self.sequence_node) else [value_node]
            for source in listed:
                if not isinstance(source, self.mapping_node):
                    problem = "a merge key (<<) takes a mapping or a list of mappings"
                    raise LoadError(self.path, *_mark_position(source), problem)
                sources.append(source)
        for source in reversed(sources):
            result.update(self.build(source, key_path))
        return explicit_entries


def _tag_error(node: yaml.Node, path: Path) -> LoadError:
    return LoadError(path, *_mark_position(node), f"unsupported YAML tag {node.tag!r}", hint="remove the tag")


def _mapping_key(node: yaml.Node, path: Path) -> str:
    """Keys are strings, as in JSON: ``1:`` or ``true:`` become ``"1"``/``"true"`` (their source text)."""
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.tag.startswith(_TAG_PREFIX):
        return str(node.value)
    raise LoadError(path, *_mark_position(node), "mapping keys must be plain strings")
