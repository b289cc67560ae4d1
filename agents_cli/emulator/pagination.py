"""Lists: one page of items by ``cursor``/``page_size``, ordered as the route's ``sort_by`` asks.

Every list route filters its records itself and hands the rest to ``page_response`` (or ``page``), so
that every list pages, orders and answers alike. The cursor is opaque to clients: it holds the sort key of
the last item served, so deletions between pages neither skip nor repeat items.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from starlette.requests import Request
from starlette.responses import Response

from agents_cli.emulator.context import EmulatorContext
from agents_cli.emulator.errors import ApiError

DEFAULT_PAGE_SIZE = 30

ListItem = tuple[int, str, dict[str, Any]]
SortKey = Callable[[ListItem], list[Any]]


class Order(NamedTuple):
    """How a list is ordered: a sort key of ``(seq, id, data)`` items (None: creation order) and direction."""

    key: SortKey | None = None
    descending: bool = True


NEWEST_FIRST = Order()


def query_order(
    ctx: EmulatorContext, request: Request, path: str, name_of: Callable[[dict[str, Any]], str]
) -> Order:
    """The order a list's ``sort_by`` (``created_at`` or ``name``) and ``sort_direction`` ask for.

    Names sort case-insensitively; the sequence number after the name keeps the key unique (cursors).
    """
    sort_by = ctx.query_param(request, "get", path, "sort_by") or "created_at"
    direction = ctx.query_param(request, "get", path, "sort_direction") or "desc"
    key: SortKey | None = None
    if sort_by == "name":

        def key(item: ListItem) -> list[Any]:
            return [name_of(item[2]).lower(), item[0]]

    return Order(key, direction == "desc")


def page(
    ctx: EmulatorContext,
    request: Request,
    route: tuple[str, str],
    items: list[ListItem],
    *,
    order: Order = NEWEST_FIRST,
    unset_size: int | None = DEFAULT_PAGE_SIZE,
) -> tuple[list[tuple[str, dict[str, Any]]], str | None, bool]:
    """One page of ``(seq, id, data)`` items (already filtered): ``(id, data)`` pairs, next cursor, has_more.

    ``page_size`` is checked against the route's (``(method, path)``) own spec schema: 1..100 and the
    route's default (30 for most lists, 100 for environment variables); when the spec gives no default,
    ``unset_size`` applies (None: everything, as for secrets). Items are ordered by ``order`` (default: the
    sequence number, i.e. creation order, newest first). Cursor keys end with the unique sequence number.
    """
    ctx.check_query(request, *route)
    creator = request.query_params.get("created_by_user_id")
    if creator and creator != ctx.settings.user_id:
        items = []  # everything here was created by the emulator's one user
    size = ctx.query_param(request, route[0], route[1], "page_size")
    if size is None:
        size = unset_size if unset_size is not None else max(len(items), 1)
    descending = order.descending
    key_of = order.key or _creation_order
    ordered = sorted(items, key=key_of, reverse=descending)
    cursor = request.query_params.get("cursor")
    if cursor:
        after = _decode_cursor(cursor)
        try:
            ordered = [i for i in ordered if (key_of(i) < after if descending else key_of(i) > after)]
        except TypeError:  # a cursor from another sort order
            raise ApiError.of(400, "invalid_cursor", f"Invalid cursor {cursor!r}.") from None
    chunk = ordered[:size]
    has_more = len(ordered) > size
    next_cursor = _encode_cursor(key_of(chunk[-1])) if has_more and chunk else None
    return [(ident, data) for _, ident, data in chunk], next_cursor, has_more


def _as_stored(record: dict[str, Any]) -> dict[str, Any]:
    return record


def page_response(
    ctx: EmulatorContext,
    request: Request,
    path: str,
    field: str,
    items: list[ListItem],
    view: Callable[[dict[str, Any]], Any] = _as_stored,
    *,
    order: Order = NEWEST_FIRST,
    extra: dict[str, Any] | None = None,
) -> Response:
    """``GET path``: one page of ``items`` (already filtered) as ``{field: [view(item)...], next_cursor,
    has_more}`` plus ``extra``, paged by ``cursor``/``page_size`` (see ``page``)."""
    records, next_cursor, has_more = page(ctx, request, ("get", path), items, order=order)
    body = {
        **(extra or {}),
        field: [view(record) for _, record in records],
        "next_cursor": next_cursor,
        "has_more": has_more,
    }
    return ctx.respond("get", path, body)


def _creation_order(item: ListItem) -> list[Any]:
    return [item[0]]


def _encode_cursor(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": key}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["k"]
        if not isinstance(value, list):
            raise ValueError(cursor)
        return value
    except (ValueError, KeyError, TypeError):
        raise ApiError.of(400, "invalid_cursor", f"Invalid cursor {cursor!r}.") from None
