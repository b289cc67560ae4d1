"""The Starlette application of the emulator: auth, body validation, error shapes, routes.

``create_app(settings, store)`` builds one app over one store. Every route module contributes routes via
``routes(ctx)``, sharing ``EmulatorContext`` (store, settings, models) and the helpers here:
``ctx.body(request, method, path)`` validates a JSON body against the spec's request schema (422 in FastAPI's
shape) and ``ctx.respond(method, path, data)`` shapes a response through the spec's response schema.

Error shapes (see docs/emulator.md): validation errors are ``{"detail": [{"type", "loc", "msg", "input"}]}``
like FastAPI; every other error is ``{"detail": {"status": "<code>", "message": "<text>"}}`` like the
API's documented 401/404 examples.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from agents_cli.emulator.settings import EmulatorSettings
from agents_cli.emulator.store import Store
from agents_cli.spec.memo import ApplyMemo
from agents_cli.spec.model import OpenAPIModels, models

log = logging.getLogger("agents_cli.emulator")

DEFAULT_PAGE_SIZE = 30
SHAPED_CACHE_SIZE = 512
SHAPED_CACHE_BYTES = 32 * 1024 * 1024  # keys and bodies together: agents with long prompts are large
# The large, rarely changing sections of an agent, re-applied on every PATCH (the merged config is validated
# as a whole) and every response: applied once per distinct content (see agents_cli.spec.memo).
# Not conversation_config: nearly every PATCH changes it, so its key would be encoded for nothing.
MEMOISED_SECTIONS: dict[str, tuple[str, ...]] = {
    model: ("platform_settings", "workflow")
    for model in (
        "Body_Create_Agent_v1_convai_agents_create_post",
        "Body_Patches_an_Agent_settings_v1_convai_agents__agent_id__patch",
        "GetAgentResponseModel",
    )
}


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


def encode_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: object, status: int = 200) -> Response:
    return Response(encode_json(data).encode("utf-8"), status_code=status, media_type="application/json")


class ShapedBodyCache:
    """Response bodies already shaped through a response model, keyed by the model and the unshaped JSON.

    Shaping is a pure function of (model, data), so the key is the data's JSON text: whatever changed the
    stored record (a PATCH, a new version, a tool the agent echoes) changes the text, and nothing needs
    invalidating. Encoding the text costs a small fraction of shaping a full agent; a PATCH's response seeds
    the entry that the next GET of the same revision finds. Least recently used entries go first.
    """

    def __init__(self, size: int = SHAPED_CACHE_SIZE, max_bytes: int = SHAPED_CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the in-process transport may be driven from several threads

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= _entry_bytes(key, previous)
            self._entries[key] = body
            self._bytes += _entry_bytes(key, body)
            while self._entries and (len(self._entries) > self.size or self._bytes > self.max_bytes):
                old_key, old_body = self._entries.popitem(last=False)
                self._bytes -= _entry_bytes(old_key, old_body)

    def __len__(self) -> int:
        return len(self._entries)


def _entry_bytes(key: tuple[str, str], body: bytes) -> int:
    return len(key[1]) + len(body)


class EmulatorContext:
    """What every route handler needs: the store, the settings and the spec's models."""

    def __init__(self, settings: EmulatorSettings, store: Store, spec_models: OpenAPIModels) -> None:
        self.settings = settings
        self.store = store
        self.models = spec_models
        self.fault_middleware: Any = None  # the app's FaultMiddleware, set when the app is built
        self.shaped_bodies = ShapedBodyCache()
        self.memo = ApplyMemo(
            spec_models.schema(model)["properties"][section]
            for model, sections in MEMOISED_SECTIONS.items()
            for section in sections
        )

    def configure(self, **changes: Any) -> None:
        """Replace settings fields live (``faults``, ``api_keys``, ``strict``, ``completion_polls``...).

        New ``faults`` also restart the fault sequence at request 0, so a seeded run replays exactly.
        """
        self.settings = dataclasses.replace(self.settings, **changes)
        if "faults" in changes and self.fault_middleware is not None:
            from agents_cli.emulator.faults import FaultSettings

            self.fault_middleware.settings = changes["faults"] or FaultSettings()
            self.fault_middleware.reset()

    # -- requests ------------------------------------------------------------------------------------
    async def raw_body(self, request: Request, *, required: bool = True) -> object:
        raw = await request.body()
        if not raw.strip():
            if required:
                raise ApiError.validation(
                    [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
                )
            return None
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            position = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
            raise ApiError.validation(
                [
                    {
                        "type": "json_invalid",
                        "loc": ["body", position],
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": str(exc)},
                    }
                ]
            ) from None

    def validate(self, schema: str | dict[str, Any], value: object, *, fill_defaults: bool = True) -> Any:
        """Apply a component (by name) or an inline schema to a body; 422 on errors."""
        result, errors = self.models.apply(
            schema,
            value,
            strict=self.settings.strict,
            strict_catalog=self.settings.strict_catalog,
            fill_defaults=fill_defaults,
            memo=self.memo,
        )
        if errors:
            raise ApiError.validation(errors)
        return result

    async def body(self, request: Request, method: str, path: str, *, fill_defaults: bool = True) -> Any:
        """The JSON body validated against the operation's request schema (named or inline)."""
        schema = self.models.request_body_schema(method, path)
        if schema is None:
            raise RuntimeError(f"no JSON request body in the spec for {method.upper()} {path}")
        value = await self.raw_body(request)
        name = self.models.ref_name(schema)
        return self.validate(name if name is not None else schema, value, fill_defaults=fill_defaults)

    # -- responses -----------------------------------------------------------------------------------
    def shape(self, schema_name: str, data: object) -> Any:
        """``data`` through a response model: defaults filled, internal keys dropped."""
        result, errors = self.models.apply(schema_name, data, loc=("response",), memo=self.memo)
        if errors:
            # Our bug, not the client's: say so loudly instead of sending a body the spec would reject.
            log.error("response does not fit %s: %s", schema_name, errors[:3])
            raise ApiError.of(
                500, "emulator_response_invalid", f"response does not fit {schema_name}: {errors[0]}"
            )
        return result

    def shaped_body(self, schema_name: str, data: object) -> bytes:
        """The JSON body of ``data`` shaped through ``schema_name``, from the cache when seen before."""
        key = (schema_name, encode_json(data))
        body = self.shaped_bodies.get(key)
        if body is None:
            body = encode_json(self.shape(schema_name, data)).encode("utf-8")
            self.shaped_bodies.put(key, body)
        return body

    @staticmethod
    def json(data: object, status: int = 200) -> Response:
        return json_response(data, status)

    def respond(self, method: str, path: str, data: object, status: int = 200) -> Response:
        name = self._response_model(method, path, status, data)
        if name is None:
            return json_response(data, status)
        return Response(self.shaped_body(name, data), status_code=status, media_type="application/json")

    def _response_model(self, method: str, path: str, status: int, data: object) -> str | None:
        """The named response model for this answer (a discriminated union picks by the data's tag)."""
        schema = self.models.response_body_schema(method, path, status)
        if schema is None:
            return None
        name = self.models.ref_name(schema)
        if name is not None:
            return name
        discriminator = schema.get("discriminator", {})
        tag = data.get(discriminator.get("propertyName", "")) if isinstance(data, dict) else None
        mapping = discriminator.get("mapping", {})
        if isinstance(tag, str) and tag in mapping:
            return self.models.ref_name({"$ref": mapping[tag]})
        return None

    # -- pagination ----------------------------------------------------------------------------------
    def query_param(self, request: Request, method: str, path: str, name: str) -> Any:
        """A query parameter coerced by its spec schema (422 at ``["query", name]``), or its default."""
        operation = self.models.spec["paths"][path][method.lower()]
        schema = next(p["schema"] for p in operation.get("parameters", ()) if p["name"] == name)
        raw = request.query_params.get(name)
        if raw is None:
            return schema.get("default")
        value, errors = self.models.apply(schema, raw, loc=("query", name))
        if errors:
            raise ApiError.validation(errors)
        return value

    def page(
        self,
        request: Request,
        route: tuple[str, str],
        items: list[tuple[int, str, dict[str, Any]]],
        *,
        sort_key: Callable[[tuple[int, str, dict[str, Any]]], list[Any]] | None = None,
        descending: bool = True,
        unset_size: int | None = DEFAULT_PAGE_SIZE,
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None, bool]:
        """One page of ``(seq, id, data)`` items (already filtered) by ``cursor``/``page_size``.

        ``page_size`` is checked against the route's (``(method, path)``) own spec schema: 1..100 and the
        route's default (30 for most lists, 100 for environment variables); when the spec gives no default,
        ``unset_size`` applies (None: everything, as for secrets). Items are ordered by ``sort_key``
        (default: the sequence number, i.e. creation order), newest first unless ``descending`` is false.
        The cursor holds the sort key of the last item served (keys end with the unique sequence number),
        so deletions between pages neither skip nor repeat items.
        """
        size = self.query_param(request, route[0], route[1], "page_size")
        if size is None:
            size = unset_size if unset_size is not None else max(len(items), 1)
        key_of = sort_key or (lambda item: [item[0]])
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


class ApiKeyMiddleware:
    """401 in the API's shape unless ``xi-api-key`` is accepted (pure ASGI, before routing; live settings)."""

    def __init__(self, app: ASGIApp, ctx: EmulatorContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key: str | None = None
        for name, value in scope.get("headers", ()):
            if name == b"xi-api-key":
                key = value.decode("latin-1")
                break
        if not self.ctx.settings.key_accepted(key):
            status, message = (
                ("needs_authorization", "Missing xi-api-key header.")
                if not key
                else ("invalid_api_key", "Invalid API key.")
            )
            response = json_response({"detail": {"status": status, "message": message}}, 401)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class FaultLayer:
    """Holds the one ``FaultMiddleware`` of an app (outermost), so faults can be changed while serving."""

    def __init__(self, app: ASGIApp, ctx: EmulatorContext) -> None:
        from agents_cli.emulator.faults import FaultMiddleware, FaultSettings

        self.middleware = FaultMiddleware(app, ctx.settings.faults or FaultSettings())
        ctx.fault_middleware = self.middleware

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.middleware(scope, receive, send)


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
    return response


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


class ReportedErrorLogFilter(logging.Filter):
    """Hide the server's "Exception in ASGI application" record for an error the app already logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and getattr(exc, "__dict__", {}).get("emulator_reported"))


def create_app(settings: EmulatorSettings | None = None, store: Store | None = None) -> Starlette:
    """The emulator as an ASGI app over ``store`` (in memory when omitted)."""
    from agents_cli.emulator import (
        routes_agents,
        routes_misc,
        routes_runs,
        routes_secrets,
        routes_tests,
        routes_tools,
    )

    settings = settings or EmulatorSettings()
    store = store if store is not None else Store(None)
    ctx = EmulatorContext(settings, store, models())
    route_factories: list[Callable[[EmulatorContext], list[BaseRoute]]] = [
        routes_agents.routes,
        routes_tools.routes,
        routes_tests.routes,
        routes_runs.routes,
        routes_misc.routes,
        routes_secrets.routes,
    ]
    routes: list[BaseRoute] = [route for factory in route_factories for route in factory(ctx)]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(ApiKeyMiddleware, ctx)],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            ClientDisconnect: _client_gone,
            Exception: _server_error,
        },
    )
    # Faults wrap the whole stack, error handling included, like a proxy in front of the server: they hit
    # every request (unauthorised and unknown routes too) and a dropped connection is not an app error.
    app.middleware_stack = FaultLayer(app.build_middleware_stack(), ctx)
    app.state.emulator = ctx
    return app
