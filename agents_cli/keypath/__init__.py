"""One key-path type for every walk over JSON-like documents (configs, normalised bodies, state).

``KeyPath`` is a tuple of parts: ``str`` (dict key), ``int`` (list index) or ``ItemKey(field, value)`` (the
item of a keyed list with that id). Code passes tuples; ``format_path``/``parse_path`` give the one text
spelling, for people and for storage (state files, saved plans). ``paths`` reads and writes documents at a
path.
"""

from agents_cli.keypath.paths import (
    MISSING,
    ItemKey,
    KeyPath,
    Part,
    child,
    contains,
    delete_in,
    find_item,
    format_path,
    get,
    is_inside,
    outside_lists,
    parse_path,
    related,
    same_scalar,
    set_in,
)

__all__ = [
    "MISSING",
    "ItemKey",
    "KeyPath",
    "Part",
    "child",
    "contains",
    "delete_in",
    "find_item",
    "format_path",
    "get",
    "is_inside",
    "outside_lists",
    "parse_path",
    "related",
    "same_scalar",
    "set_in",
]
