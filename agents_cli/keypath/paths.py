"""Key paths as tuples, their one text spelling, and reading/writing documents at a path.

A part is a ``str`` (dict key), an ``int`` (list index) or an ``ItemKey`` (the item of a keyed list whose id
field has this value). Text is only for people and for storage; ``parse_path`` is the exact inverse of
``format_path``.

Text rules (``format_path``):

- a dict key is written bare (``a.b``, the first without a dot) when it is non-empty, printable and has no
  whitespace, ``.``, ``[``, ``]``, ``"`` or ``\\``; any other key (user data: request headers, dynamic
  variables, data collection ids…) is a JSON string in brackets: ``a["x.y"]``, ``[""]``, ``a["[x]"]``.
  A one-key path spelled like ``root`` is bracketed too, so it cannot read as the empty path;
- a list index is ``[3]``;
- an ItemKey is ``[field=value]``: the field bare when it is an identifier, else a JSON string; the value
  bare when it is an ``int`` or a token (``[A-Za-z0-9_:@.-]+``) that does not read as an int, else a JSON
  string: ``[test_id=abc]``, ``[id=7]`` (the int 7), ``[id="7"]`` (the string), ``[name="a b"]``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final


class _Missing:
    """The type of ``MISSING``: one instance, falsy, with a readable repr."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


# "No value here": what ``get`` returns for an absent path (``None`` is a JSON value, so it cannot be that).
MISSING: Final[Any] = _Missing()


@dataclass(frozen=True)
class ItemKey:
    """The item of a keyed list whose ``field`` equals ``value`` (a ``str`` or an ``int``, never a bool:
    ``1`` and ``True`` are different ids, and floats make poor ids)."""

    field: str
    value: str | int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, str | int):
            raise TypeError(f"ItemKey value must be a str or an int, not {type(self.value).__name__}")


Part = str | int | ItemKey
KeyPath = tuple[Part, ...]

_BARE_KEY = re.compile(r'[^\s.\[\]"\\]+')
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r"[A-Za-z0-9_:@.-]+")
_INT = re.compile(r"-?[0-9]+")
_DECODER = json.JSONDecoder()


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _is_bare_key(key: str) -> bool:
    return bool(_BARE_KEY.fullmatch(key)) and key.isprintable()


def _item_text(part: ItemKey) -> str:
    field = part.field if _FIELD.fullmatch(part.field) else _quote(part.field)
    value = part.value
    if isinstance(value, int):
        return f"[{field}={value}]"
    bare = _TOKEN.fullmatch(value) and not _INT.fullmatch(value)
    return f"[{field}={value if bare else _quote(value)}]"


def format_path(path: KeyPath, *, root: str = "") -> str:
    """``("a", "tool_ids", 0, "b")`` → ``a.tool_ids[0].b``; the empty path is ``root`` (see the module
    docstring for keys that need brackets and for ItemKeys)."""
    out: list[str] = []
    for part in path:
        if isinstance(part, str):
            if _is_bare_key(part) and (out or part != root):
                out.append(f".{part}" if out else part)
            else:
                out.append(f"[{_quote(part)}]")
        elif isinstance(part, ItemKey):
            out.append(_item_text(part))
        elif isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
        else:
            raise TypeError(f"not a key path part: {part!r}")
    return "".join(out) or root


def _fail(text: str, pos: int, what: str) -> ValueError:
    return ValueError(f"invalid key path {text!r} at {pos}: {what}")


def _json_string(text: str, pos: int) -> tuple[str, int]:
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise _fail(text, pos, "bad JSON string") from exc
    if not isinstance(value, str):
        raise _fail(text, pos, "expected a JSON string")
    return value, end


def _item_value(text: str, pos: int, field: str) -> tuple[ItemKey, int]:
    value: str | int
    if text.startswith('"', pos):
        value, pos = _json_string(text, pos)
    else:
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _fail(text, pos, "expected an item id")
        token, pos = match.group(), match.end()
        value = int(token) if _INT.fullmatch(token) else token
    if not text.startswith("]", pos):
        raise _fail(text, pos, "expected ']'")
    return ItemKey(field, value), pos + 1


def _bracket(text: str, pos: int) -> tuple[Part, int]:
    """One ``[...]`` part, ``pos`` just after the ``[``: an index, a quoted key or an ItemKey."""
    if text.startswith('"', pos):
        name, pos = _json_string(text, pos)
        if text.startswith("]", pos):
            return name, pos + 1
        if text.startswith("=", pos):
            return _item_value(text, pos + 1, name)
        raise _fail(text, pos, "expected ']' or '='")
    match = _INT.match(text, pos)
    if match is not None and text.startswith("]", match.end()):
        return int(match.group()), match.end() + 1
    match = _FIELD.match(text, pos)
    if match is not None and text.startswith("=", match.end()):
        return _item_value(text, match.end() + 1, match.group())
    raise _fail(text, pos, "expected an index, a quoted key or field=value")


def parse_path(text: str, *, root: str = "") -> KeyPath:
    """The path ``format_path`` spelled as ``text`` (``root`` is the empty path). Raises ValueError."""
    if text == root:
        return ()
    parts: list[Part] = []
    pos = 0
    while pos < len(text):
        part: Part
        if text[pos] == "[":
            part, pos = _bracket(text, pos + 1)
        else:
            start = pos + 1 if parts and text[pos] == "." else pos
            match = _BARE_KEY.match(text, start)
            if match is None or (parts and start == pos):
                raise _fail(text, pos, "expected '.key' or '['")
            part, pos = match.group(), match.end()
        parts.append(part)
    return tuple(parts)


# -- reading and writing ---------------------------------------------------------------------------------


def same_scalar(left: Any, right: Any) -> bool:
    """Equal and of the same type: ``1``, ``1.0`` and ``True`` are three different JSON values."""
    return type(left) is type(right) and left == right


def find_item(items: list[Any], key: ItemKey) -> tuple[int, Any]:
    """(index, item) of the first dict in ``items`` whose ``key.field`` is ``key.value``; (-1, MISSING)."""
    for index, item in enumerate(items):
        if isinstance(item, dict) and same_scalar(item.get(key.field, MISSING), key.value):
            return index, item
    return -1, MISSING


def child(node: Any, part: Part) -> Any:
    """``node``'s child at ``part``, or MISSING (wrong container, absent key, index out of range)."""
    if isinstance(part, str):
        return node.get(part, MISSING) if isinstance(node, dict) else MISSING
    if not isinstance(node, list):
        return MISSING
    if isinstance(part, ItemKey):
        return find_item(node, part)[1]
    return node[part] if 0 <= part < len(node) else MISSING


def get(doc: Any, path: KeyPath, default: Any = MISSING) -> Any:
    """The value at ``path``, or ``default`` when there is none."""
    node = doc
    for part in path:
        node = child(node, part)
        if node is MISSING:
            return default
    return node


def contains(doc: Any, path: KeyPath) -> bool:
    """There is a value at ``path`` (``None`` counts: it is a JSON value)."""
    return get(doc, path) is not MISSING


def _expect(node: Any, kind: type, part: Part) -> Any:
    if not isinstance(node, kind):
        raise TypeError(f"cannot use {part!r} on a {type(node).__name__}")
    return node


def _made(holder: Any, slot: Any, wanted: type) -> Any:
    """``holder[slot]``, replaced by an empty ``wanted`` when it is no container (a container of the
    other kind is left alone: the next step raises TypeError rather than losing it)."""
    if not isinstance(holder[slot], dict | list):
        holder[slot] = wanted()
    return holder[slot]


def _step_for_write(node: Any, part: Part, following: Part) -> Any:
    """The child of ``node`` at ``part``, made a container fit for ``following`` where there is none."""
    wanted: type = dict if isinstance(following, str) else list
    if isinstance(part, str):
        holder = _expect(node, dict, part)
        holder.setdefault(part, None)
        return _made(holder, part, wanted)
    items = _expect(node, list, part)
    if isinstance(part, ItemKey):
        found = find_item(items, part)[1]
        if found is MISSING:
            items.append({part.field: part.value})
            return items[-1]
        return found
    if part == len(items):
        items.append(wanted())
    elif not 0 <= part < len(items):
        raise IndexError(f"index {part} out of range for a list of {len(items)}")
    return _made(items, part, wanted)


def set_in(doc: Any, path: KeyPath, value: Any) -> None:
    """Set ``path`` in ``doc`` in place, making the path exist on the way (like ``drift._set``): a missing
    or scalar step becomes ``{}`` (``[]`` before an index or ItemKey), a missing keyed item is appended as
    ``{field: value}``, and an index equal to the list's length appends; a last ItemKey replaces its item,
    or appends ``value`` when there is none. Raises IndexError past a list's end, TypeError where a key
    meets a list (or an index a dict), ValueError for the empty path."""
    if not path:
        raise ValueError("set_in: the empty path is the document itself")
    node = doc
    for part, following in itertools.pairwise(path):
        node = _step_for_write(node, part, following)
    last = path[-1]
    if isinstance(last, str):
        _expect(node, dict, last)[last] = value
        return
    items = _expect(node, list, last)
    index = find_item(items, last)[0] if isinstance(last, ItemKey) else last
    if 0 <= index < len(items):
        items[index] = value
    elif isinstance(last, ItemKey) or index == len(items):
        items.append(value)
    else:
        raise IndexError(f"index {index} out of range for a list of {len(items)}")


def delete_in(doc: Any, path: KeyPath) -> bool:
    """Remove the key or list item at ``path`` in place; whether there was one to remove."""
    if not path:
        raise ValueError("delete_in: the empty path is the document itself")
    parent, last = get(doc, path[:-1]), path[-1]
    if isinstance(last, str):
        if isinstance(parent, dict) and last in parent:
            del parent[last]
            return True
        return False
    if not isinstance(parent, list):
        return False
    index = find_item(parent, last)[0] if isinstance(last, ItemKey) else last
    if not 0 <= index < len(parent):
        return False
    del parent[index]
    return True


def index_path(doc: Any, path: KeyPath) -> KeyPath | None:
    """``path`` with each ItemKey turned into the index of its item in ``doc``: where a ``leaves``/``diff``
    path sits in this document's lists. None when ``doc`` has no such item; past what ``doc`` holds, the
    rest of ``path`` is kept as it is (None if an ItemKey is left there)."""
    out: list[Part] = []
    node = doc
    for depth, part in enumerate(path):
        if node is MISSING:
            rest = path[depth:]
            return None if any(isinstance(later, ItemKey) for later in rest) else (*out, *rest)
        if isinstance(part, ItemKey):
            index, node = find_item(node, part) if isinstance(node, list) else (-1, MISSING)
            if index < 0:
                return None
            out.append(index)
        else:
            out.append(part)
            node = child(node, part)
    return tuple(out)


def _slot(node: Any, part: Part) -> str | int:
    """The dict key or list index ``part`` names in ``node`` (which has it: callers check ``contains``)."""
    return find_item(node, part)[0] if isinstance(part, ItemKey) else part


def _shallow_copy(node: Any) -> Any:
    return dict(node) if isinstance(node, dict) else list(node)


def with_values(doc: Any, values: Mapping[KeyPath, Any]) -> Any:
    """``doc`` with the value at each path of ``values`` replaced, where ``doc`` has one (other paths are
    left out); ``doc`` is not changed. Only the containers on those paths are copied, the rest is shared:
    this runs for every resource of a plan (fingerprints by reference name, ids filled in at apply), where a
    deep copy of each body would cost more than the plan."""
    if not values:
        return doc
    result = _shallow_copy(doc)
    copies = {id(result)}  # containers of ``result`` that are ours to change (the others are ``doc``'s)
    for path, value in values.items():
        if not path or not contains(result, path):
            continue
        node = result
        for part in path[:-1]:
            slot = _slot(node, part)
            if id(node[slot]) not in copies:
                node[slot] = _shallow_copy(node[slot])
                copies.add(id(node[slot]))
            node = node[slot]
        node[_slot(node, path[-1])] = value
    return result


# -- relations between paths -----------------------------------------------------------------------------


def is_inside(path: KeyPath, parent: KeyPath) -> bool:
    """``path`` is strictly below ``parent``."""
    return len(path) > len(parent) and path[: len(parent)] == parent


def related(path: KeyPath, others: Iterable[KeyPath]) -> bool:
    """``path`` is one of ``others``, inside one of them, or contains one of them."""
    for other in others:
        depth = min(len(path), len(other))
        if path[:depth] == other[:depth]:
            return True
    return False


def outside_lists(path: KeyPath) -> KeyPath:
    """``path`` cut before its first list part (index or ItemKey): where a deep-merge PATCH must send a
    whole value, since lists replace."""
    for depth, part in enumerate(path):
        if not isinstance(part, str):
            return path[:depth]
    return path
