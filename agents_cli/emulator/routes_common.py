"""Route shapes that several resources share: get one record, and a delete that agents feel.

Each route module states what differs (its paths, what it refuses); these build the routes that are the
same for all of them. The handlers are module-level; a route binds its parameters with ``partial``.
"""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agents_cli.emulator import records
from agents_cli.emulator.context import context_of
from agents_cli.emulator.errors import ApiError


async def get_record(request: Request, *, path: str, kind: str, id_param: str) -> Response:
    """The stored record of ``kind`` named by the path parameter ``id_param``, or 404."""
    ctx = context_of(request)
    return ctx.respond("get", path, records.get_or_404(ctx, kind, request.path_params[id_param]))


def get_route(path: str, kind: str, id_param: str) -> Route:
    """``GET path``: see ``get_record``."""
    return Route(path, partial(get_record, path=path, kind=kind, id_param=id_param), methods=["GET"])


async def delete_referenced(
    request: Request, *, path: str, kind: str, id_param: str, reference: str, in_use_status: str | None
) -> Response:
    """Delete a record of ``kind`` that agents may reference (``records.agents_referencing``).

    With ``in_use_status`` the delete is refused (409) while agents use it, unless the spec's ``force``
    query parameter is true; either way the agents that referenced it lose the reference.
    """
    ctx = context_of(request)
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


def delete_route(path: str, kind: str, id_param: str, reference: str, *, in_use_status: str | None) -> Route:
    """``DELETE path``: see ``delete_referenced``."""
    handler = partial(
        delete_referenced,
        path=path,
        kind=kind,
        id_param=id_param,
        reference=reference,
        in_use_status=in_use_status,
    )
    return Route(path, handler, methods=["DELETE"])
