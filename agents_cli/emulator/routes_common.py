"""Route shapes that several resources share: get one record, a page of a list, a delete that agents feel.

Each route module states what differs (its paths, filters, views, what it refuses); these helpers hold
what is the same for all of them, so that e.g. every list pages, orders and answers alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agents_cli.emulator import records
from agents_cli.emulator.app import ApiError, EmulatorContext

ListItem = tuple[int, str, dict[str, Any]]


class Order(NamedTuple):
    """How a list is ordered: a sort key of ``(seq, id, data)`` items (None: creation order) and direction."""

    key: Callable[[ListItem], list[Any]] | None = None
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
    key: Callable[[ListItem], list[Any]] | None = None
    if sort_by == "name":

        def key(item: ListItem) -> list[Any]:
            return [name_of(item[2]).lower(), item[0]]

    return Order(key, direction == "desc")


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
    has_more}`` plus ``extra``, paged by ``cursor``/``page_size`` (see ``EmulatorContext.page``)."""
    page, next_cursor, has_more = ctx.page(
        request, ("get", path), items, sort_key=order.key, descending=order.descending
    )
    body = {
        **(extra or {}),
        field: [view(record) for _, record in page],
        "next_cursor": next_cursor,
        "has_more": has_more,
    }
    return ctx.respond("get", path, body)


def get_route(ctx: EmulatorContext, path: str, kind: str, id_param: str) -> Route:
    """``GET path``: the stored record of ``kind`` named by the path parameter ``id_param``, or 404."""

    async def get(request: Request) -> Response:
        return ctx.respond("get", path, records.get_or_404(ctx, kind, request.path_params[id_param]))

    return Route(path, get, methods=["GET"])


def delete_route(
    ctx: EmulatorContext, path: str, kind: str, id_param: str, reference: str, *, in_use_status: str | None
) -> Route:
    """``DELETE path`` of a record of ``kind`` that agents may reference (``records.agents_referencing``).

    With ``in_use_status`` the delete is refused (409) while agents use it, unless the spec's ``force``
    query parameter is true; either way the agents that referenced it lose the reference.
    """

    async def delete(request: Request) -> Response:
        ident = request.path_params[id_param]
        # Query parameters are validated before the handler runs, as FastAPI does: a bad `force` is a 422
        # even when nothing uses the record.
        force = bool(in_use_status) and ctx.query_param(request, "delete", path, "force")
        with ctx.store.transaction():
            records.get_or_404(ctx, kind, ident)
            dependents = records.agents_referencing(ctx, reference, ident)
            if dependents and in_use_status and not force:
                what = records.NOT_FOUND_NAMES[kind].capitalize()
                names = ", ".join(agent["agent_id"] for agent in dependents[:5])
                raise ApiError.of(
                    409,
                    in_use_status,
                    f"{what} {ident} is used by {len(dependents)} agent(s) ({names}); detach it first or "
                    "delete with force=true.",
                )
            for agent in dependents:
                records.detach(ctx, agent, reference, ident)
            ctx.store.delete(kind, ident)
        return ctx.respond("delete", path, {})

    return Route(path, delete, methods=["DELETE"])
