"""Error answers of the emulator and the handlers that turn exceptions into them.

Validation errors are ``{"detail": [{"type", "loc", "msg", "input"}]}`` like FastAPI; every other error is
``{"detail": {"status": "<code>", "message": "<text>"}}`` like the API's documented 401/404 examples (see
docs/emulator.md).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from agents_cli.emulator.responses import json_response

log = logging.getLogger("agents_cli.emulator")


class ApiError(Exception):
    """An error answer: ``{"detail": detail}`` with ``status``."""

    def __init__(self, status: int, detail: object, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})

    @classmethod
    def of(cls, status: int, code: str, message: str) -> ApiError:
        return cls(status, {"status": code, "message": message})

    @classmethod
    def not_found(cls, what: str, ident: str) -> ApiError:
        return cls.of(
            404, f"{what}_not_found", f"{what.replace('_', ' ').capitalize()} with id {ident} not found."
        )

    @classmethod
    def validation(cls, errors: list[dict[str, Any]]) -> ApiError:
        return cls(422, errors)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    response = json_response({"detail": exc.detail}, exc.status)
    response.headers.update(exc.headers)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    message = f"{exc.detail}: {request.method} {request.url.path}"
    response = json_response({"detail": {"status": code, "message": message}}, exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        response.headers["allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's; here each
    method of a path is its own route)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _scope = route.matches(request.scope)
        if match in (Match.PARTIAL, Match.FULL):
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _client_gone(request: Request, exc: Exception) -> Response:
    # The client went away before sending its whole body (killed, timed out): nobody reads the answer and
    # nothing is wrong with the emulator, so no traceback. uvicorn drops a response to a closed connection.
    log.debug("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("emulator bug while serving %s %s", request.method, request.url.path)
    # Starlette re-raises the exception to the server after this answer; the traceback is already logged
    # here, so ReportedErrorLogFilter keeps uvicorn from printing it a second time.
    exc.__dict__["emulator_reported"] = True
    return json_response(
        {"detail": {"status": "internal_error", "message": f"{type(exc).__name__}: {exc}"}}, 500
    )


ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]
EXCEPTION_HANDLERS: dict[Any, ExceptionHandler] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    ClientDisconnect: _client_gone,
    Exception: _server_error,
}


class ReportedErrorLogFilter(logging.Filter):
    """Hide the server's "Exception in ASGI application" record for an error the app already logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and getattr(exc, "__dict__", {}).get("emulator_reported"))
