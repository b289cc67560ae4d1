"""The ASGI layers around the routes: API-key checks (before routing) and fault injection (outermost)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from agents_cli.emulator.context import EmulatorContext
from agents_cli.emulator.faults import FaultMiddleware, FaultSettings
from agents_cli.emulator.responses import json_response


class ApiKeyMiddleware:
    """401 in the API's shape unless ``xi-api-key`` is accepted (pure ASGI, before routing; live settings).
    ``Authorization: Bearer <token>`` (the official CLI's login flow) is the same credential: the token is
    checked as a key."""

    def __init__(self, app: ASGIApp, ctx: EmulatorContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key: str | None = None
        bearer: str | None = None
        for name, value in scope.get("headers", ()):
            if name == b"xi-api-key" and key is None:
                key = value.decode("latin-1")
            elif name == b"authorization" and value[:7].lower() == b"bearer ":
                bearer = value[7:].decode("latin-1").strip()
        key = key or bearer
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
        self.middleware = FaultMiddleware(app, ctx.settings.faults or FaultSettings())
        ctx.fault_middleware = self.middleware

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.middleware(scope, receive, send)
