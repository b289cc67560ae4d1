"""Walking and comparing documents: string walkers, leaves, the list policy and ``diff``.

``leaves`` and ``diff`` follow the same rules, so the path of a leaf and the path of a change to the same
field are spelled identically (drift detection matches one against the other):

- dicts recurse key by key; an empty dict is a leaf;
- a non-empty list is treated as its ``ListPolicy`` says (``default_list_policy`` below): ``Keyed(field)``
  recurses item by item under ``ItemKey(field, id)``, ``"positional"`` recurses by index, ``"set"`` and
  ``"whole"`` are one leaf (a set's leaf value is its canonical sorted form); an empty list is a leaf.

The walkers over strings (``walk_strings``, ``map_strings``) always use indexes: they serve raw configs,
where a path must point into the file (references, placeholders, the loader's positions); ``leaf_path``
turns such a path into the spelling of ``leaves`` and ``diff``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from agents_cli.keypath.paths import MISSING, ItemKey, KeyPath, Part, child


@dataclass(frozen=True)
class Keyed:
    """List mode: items are matched by the value of their ``field``, never by position."""

    field: str


ListMode = Keyed | Literal["set", "whole", "positional"]
# (path of the list, its items) → how to compare it; called only for non-empty lists. A ``Keyed`` answer
# the items cannot honour is taken as ``"positional"``.
ListPolicy = Callable[[KeyPath, list[Any]], ListMode]

# Id fields of list items, most specific first after ``id``; the first one every item has (as a str or an
# int) decides. From the API's request models: knowledge_base[].id, evaluation criteria[].id,
# attached_tests[].test_id, workflow node tools[].tool_id, analysis_items.*[].analysis_item_id,
# transfer_to_agent transfers[].agent_id, tts supported_voices[].voice_id, allowlists[].hostname and
# custom guardrails / deprecated prompt.tools[].name.
ID_FIELDS: tuple[str, ...] = (
    "id",
    "test_id",
    "tool_id",
    "analysis_item_id",
    "agent_id",
    "voice_id",
    "hostname",
    "name",
)
# Lists whose order is their meaning even though their items carry ids (conversation transcripts of test
# definitions): they and every list inside them stay positional.
SEQUENCES = frozenset({"chat_history", "original_agent_reply"})
# Lists of scalars named like this are unordered id sets (``tool_ids``, ``mcp_server_ids``…; any ``*_ids``).
SET_NAMES = frozenset({"tags"})


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def key_field(items: list[Any], fields: tuple[str, ...] = ID_FIELDS) -> str | None:
    """The id field of a keyed list: the first of ``fields`` that every item (all dicts) has as a str or
    int. Its values must be distinct, else the list is not keyed (None): duplicates are no identity."""
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for field in fields:
        values = [item.get(field) for item in items]
        if all(_is_id(value) for value in values):
            return field if len({(type(value), value) for value in values}) == len(values) else None
    return None


def is_set_name(path: KeyPath) -> bool:
    """The list at ``path`` is an unordered id set by its name (``*_ids`` or one of ``SET_NAMES``)."""
    name = path[-1] if path else None
    return isinstance(name, str) and (name.endswith("_ids") or name in SET_NAMES)


def default_list_policy(path: KeyPath, items: list[Any]) -> ListMode:
    """Scalar lists: ``"set"`` when named as one (``is_set_name``), else ``"whole"``: one change whatever
    moved, also for equal lengths, because a scalar list is one leaf for drift and a PATCH replaces it
    whole anyway (index changes would be noise no one can apply alone). Lists of dicts with a
    ``key_field``: keyed, unless inside a ``SEQUENCES`` list. Else positional."""
    if not any(isinstance(item, dict | list) for item in items):
        return "set" if is_set_name(path) else "whole"
    if not any(part in SEQUENCES for part in path):
        field = key_field(items)
        if field is not None:
            return Keyed(field)
    return "positional"


def _mode(policy: ListPolicy, path: KeyPath, items: list[Any]) -> ListMode:
    """``policy``'s answer, where a ``Keyed`` one the items cannot honour (a non-dict, an item without the
    field, a duplicate id) is positional: a custom policy's mistake must not raise or match two items as
    one. (The default policy only answers ``Keyed`` after that very check.)"""
    mode = policy(path, items)
    if (
        isinstance(mode, Keyed)
        and policy is not default_list_policy
        and key_field(items, (mode.field,)) != mode.field
    ):
        return "positional"
    return mode


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def set_form(items: list[Any]) -> list[Any]:
    """A set's canonical form: its items sorted by their canonical JSON (duplicates kept)."""
    return sorted(items, key=_canonical)


def strict_equal(left: Any, right: Any) -> bool:
    """Deep equality that tells JSON types apart (``1``, ``1.0`` and ``True`` differ; ``==`` does not)."""
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(strict_equal(value, right[key]) for key, value in left.items())
        )
    if isinstance(left, list):
        return (
            isinstance(right, list)
            and len(left) == len(right)
            and all(strict_equal(a, b) for a, b in zip(left, right, strict=True))
        )
    return type(left) is type(right) and left == right


# -- walkers ---------------------------------------------------------------------------------------------


def walk_strings(doc: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every string value (not dict keys) with its path (indexes for lists), in document order; ``path``
    is where ``doc`` itself sits, for walking a part of a larger document."""
    if isinstance(doc, str):
        yield path, doc
    elif isinstance(doc, dict):
        for key, value in doc.items():
            yield from walk_strings(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from walk_strings(value, (*path, index))


def map_strings(doc: Any, fn: Callable[[KeyPath, str], Any], path: KeyPath = ()) -> Any:
    """A new document with each string value replaced by ``fn(path, value)``; ``doc`` is not changed and
    shares no dict or list with the result."""
    if isinstance(doc, str):
        return fn(path, doc)
    if isinstance(doc, dict):
        return {key: map_strings(value, fn, (*path, key)) for key, value in doc.items()}
    if isinstance(doc, list):
        return [map_strings(value, fn, (*path, index)) for index, value in enumerate(doc)]
    return doc


def leaves(doc: Any, policy: ListPolicy = default_list_policy) -> dict[KeyPath, Any]:
    """Leaf path → value, spelled as ``diff`` spells changes (see the module docstring)."""
    found: dict[KeyPath, Any] = {}
    _collect(doc, (), policy, found)
    return found


def _collect(value: Any, path: KeyPath, policy: ListPolicy, found: dict[KeyPath, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _collect(item, (*path, key), policy, found)
        return
    if isinstance(value, list) and value:
        mode = _mode(policy, path, value)
        if isinstance(mode, Keyed):
            for item in value:
                _collect(item, (*path, ItemKey(mode.field, item[mode.field])), policy, found)
            return
        if mode == "positional":
            for index, item in enumerate(value):
                _collect(item, (*path, index), policy, found)
            return
        if mode == "set":
            found[path] = set_form(value)
            return
    found[path] = value


def leaf_path(doc: Any, path: KeyPath, policy: ListPolicy = default_list_policy) -> KeyPath:
    """The ``leaves``/``diff`` spelling of an index path into ``doc`` (a walker's or the loader's): indexes
    into keyed lists become ItemKeys, and a path into a set or whole list stops at the list (its leaf).
    Past what ``doc`` holds, the rest of ``path`` is kept as it is."""
    out: list[Part] = []
    node = doc
    for depth, part in enumerate(path):
        if isinstance(node, list) and node and isinstance(part, int):
            mode = _mode(policy, tuple(out), node)
            if mode in ("set", "whole"):
                return tuple(out)
            if isinstance(mode, Keyed) and 0 <= part < len(node):
                part = ItemKey(mode.field, node[part][mode.field])
        out.append(part)
        node = child(node, part)
        if node is MISSING:
            return (*out, *path[depth + 1 :])
    return tuple(out)


# -- diff ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference. ``before``/``after`` is ``None`` on the absent side of ``added``/``removed``."""

    path: KeyPath
    before: Any
    after: Any
    kind: Literal["changed", "added", "removed"] = "changed"


def diff(before: Any, after: Any, policy: ListPolicy = default_list_policy) -> list[Change]:
    """Differences from ``before`` to ``after``, depth first, in a stable order: keys (or list ids) of
    ``after`` first, then those only in ``before``. Values of different JSON types always differ."""
    changes: list[Change] = []
    _diff(before, after, (), policy, changes)
    return changes


def _diff(before: Any, after: Any, path: KeyPath, policy: ListPolicy, out: list[Change]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key, new in after.items():
            old = before.get(key, MISSING)
            if old is MISSING:
                out.append(Change((*path, key), None, new, "added"))
            else:
                _diff(old, new, (*path, key), policy, out)
        for key, old in before.items():
            if key not in after:
                out.append(Change((*path, key), old, None, "removed"))
    elif isinstance(before, list) and isinstance(after, list):
        _diff_lists(before, after, path, policy, out)
    elif not strict_equal(before, after):
        out.append(Change(path, before, after))


def list_mode(path: KeyPath, before: list[Any], after: list[Any], policy: ListPolicy) -> ListMode:
    """How two lists at ``path`` compare: an empty side takes the other's mode; two sides the policy sees
    differently (a duplicate id appeared, a dict joined the scalars) compare positionally when both
    recurse, else whole."""
    if not before or not after:
        return _mode(policy, path, before or after)
    first, second = _mode(policy, path, before), _mode(policy, path, after)
    if first == second:
        return first
    if first in ("set", "whole") or second in ("set", "whole"):
        return "whole"
    return "positional"


def _diff_lists(
    before: list[Any], after: list[Any], path: KeyPath, policy: ListPolicy, out: list[Change]
) -> None:
    if not before and not after:
        return
    mode = list_mode(path, before, after, policy)
    if isinstance(mode, Keyed):
        _diff_keyed(before, after, path, mode.field, policy, out)
    elif mode == "positional":
        for index in range(max(len(before), len(after))):
            child_path = (*path, index)
            if index >= len(before):
                out.append(Change(child_path, None, after[index], "added"))
            elif index >= len(after):
                out.append(Change(child_path, before[index], None, "removed"))
            else:
                _diff(before[index], after[index], child_path, policy, out)
    elif mode == "set":
        if not strict_equal(set_form(before), set_form(after)):
            out.append(Change(path, before, after))
    elif not strict_equal(before, after):
        out.append(Change(path, before, after))


def _diff_keyed(
    before: list[Any], after: list[Any], path: KeyPath, field: str, policy: ListPolicy, out: list[Change]
) -> None:
    old_items = {ItemKey(field, item[field]): item for item in before}
    new_keys: set[ItemKey] = set()
    for item in after:
        key = ItemKey(field, item[field])
        new_keys.add(key)
        old = old_items.get(key, MISSING)
        if old is MISSING:
            out.append(Change((*path, key), None, item, "added"))
        else:
            _diff(old, item, (*path, key), policy, out)
    for key, item in old_items.items():
        if key not in new_keys:
            out.append(Change((*path, key), item, None, "removed"))
