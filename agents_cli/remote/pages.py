"""One page of a cursor-paginated list, checked: a listing is what tells sync that a resource does not exist
yet (and may be created), so a page that is not the shape the API promises, a cursor that does not advance
or a listing without end is an error, never read as "nothing (more) remote".

``{item_key: [object, ...], "has_more": bool, "next_cursor": str | null}``; a page with ``has_more`` true
must name a new cursor.
"""

from __future__ import annotations

from typing import Any

from agents_cli.remote.errors import UnexpectedAnswer

# 1,000 pages of 100: more than any workspace holds; a server that keeps saying "more" past it is broken.
MAX_PAGES = 1000


def page_items(request: str, item_key: str, page: Any) -> list[dict[str, Any]]:
    """The page's items; raises ``UnexpectedAnswer`` when the page or one of its items is not an object."""
    if not isinstance(page, dict):
        raise UnexpectedAnswer(request, f"an object with {item_key!r}")
    items = page.get(item_key)
    if not isinstance(items, list):
        raise UnexpectedAnswer(request, f"{item_key!r} as a list, got {_type_name(items)}")
    for item in items:
        if not isinstance(item, dict):
            raise UnexpectedAnswer(request, f"{item_key!r} items as objects, got {_type_name(item)}")
    return items


def next_cursor(request: str, page: dict[str, Any], seen: set[str], pages: int) -> str | None:
    """The cursor of the next page, None after the last; a cursor seen before, a missing one while
    ``has_more``, or more than ``MAX_PAGES`` pages raise ``UnexpectedAnswer``."""
    has_more = page.get("has_more", False)
    if not isinstance(has_more, bool):
        raise UnexpectedAnswer(request, f"'has_more' as a boolean, got {_type_name(has_more)}")
    if not has_more:
        return None
    cursor = page.get("next_cursor")
    if not isinstance(cursor, str) or not cursor:
        raise UnexpectedAnswer(request, f"a 'next_cursor' string with has_more, got {_type_name(cursor)}")
    if cursor in seen:
        raise UnexpectedAnswer(request, f"a new cursor on every page, got {cursor[:40]!r} again")
    if pages >= MAX_PAGES:
        raise UnexpectedAnswer(request, f"a list of at most {MAX_PAGES} pages")
    seen.add(cursor)
    return cursor


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number"}.get(
        type(value), type(value).__name__
    )
