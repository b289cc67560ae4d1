"""Seeded, reproducible fault injection for the emulator, as pure ASGI middleware.

Every HTTP request gets a number ``n`` (0, 1, 2, ... in the order requests reach the middleware, counted
under a lock). What happens to request ``n`` depends only on the seed, ``n`` and the settings that apply to
its route: ``random.Random(f"{seed}:{n}")`` draws, always in the same order, whether to fault, which kind
and the latency jitter. So "the same request sequence" means the same requests arriving in the same order:
a client that sends one request at a time sees identical faults on every run with the same seed; with
concurrent requests the set of faulted numbers is identical but which request arrives as number ``n`` is up
to the scheduler.

Faults are decided BEFORE the request reaches the app, so a faulted create creates nothing, except:

* ``500-after``: the request goes through (the create happens) and the client still gets a 500 — what a
  real network does when a response is lost; the sync engine must survive it (adopt, don't duplicate).
* ``slow``: waits ``slow_s`` (or until the client disconnects), then serves the request normally. Over
  HTTP a client timeout disconnects and ends the wait, so shutdown is not held up; in process
  (``httpx.ASGITransport``) there is no socket timeout, so keep ``slow_s`` small there or bound the call.

``drop`` starts a response with a Content-Length, sends part of the body and raises
:class:`ConnectionDropped`. Served by uvicorn this closes the connection mid-body and the client's httpx
raises ``RemoteProtocolError``. In process (``httpx.ASGITransport``) the exception reaches the transport,
which must map it to ``httpx.RemoteProtocolError``. uvicorn logs the exception as "Exception in ASGI
application"; install :class:`DroppedConnectionLogFilter` on the ``uvicorn.error`` logger to silence that.

Latency (``latency_ms`` + uniform ``[0, jitter_ms)`` from the seeded draw) applies to every request, faulted
or not. Per-route settings: ``routes`` maps ``"METHOD /path"`` keys to a complete :class:`FaultSettings`
that replaces the global one for matching requests (``with_route`` copies the global values and changes
some). METHOD may be ``*``; in the path ``{name}`` matches one segment and a trailing ``*`` any rest
("GET /v1/convai/agents/{agent_id}", "* /v1/convai/tools*"). The first matching key (insertion order) wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agents_cli.errors import ConfigError

FAULT_KINDS = ("429", "500", "502", "503", "drop", "slow", "500-after")
DEFAULT_KINDS = ("429", "500", "502", "503", "drop")
_ERROR_CODES = {
    429: ("too_many_concurrent_requests", "Too many concurrent requests (emulated fault)."),
    500: ("internal_error", "Internal server error (emulated fault)."),
    502: ("bad_gateway", "Bad gateway (emulated fault)."),
    503: ("service_unavailable", "The service is temporarily unavailable (emulated fault)."),
}
ENV_PREFIX = "AGENTS_EMULATOR_"
HISTORY_SIZE = 10_000


class ConnectionDropped(Exception):
    """The emulator dropped this connection on purpose; in-process transports map it to
    ``httpx.RemoteProtocolError``."""


@dataclass
class FaultSettings:
    seed: int | None = None
    latency_ms: float = 0
    jitter_ms: float = 0
    fault_rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_KINDS
    retry_after_s: float = 1.0
    slow_s: float = 30.0
    routes: dict[str, FaultSettings] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.kinds = tuple(self.kinds)
        unknown = [kind for kind in self.kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ConfigError(
                f"unknown fault kind(s) {', '.join(unknown)}", hint=f"use any of {', '.join(FAULT_KINDS)}"
            )
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ConfigError(
                f"fault rate {self.fault_rate} is not between 0 and 1", hint="e.g. 0.2 for 20 %"
            )
        for name in ("latency_ms", "jitter_ms", "retry_after_s", "slow_s"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative (got {getattr(self, name)})")
        for key in self.routes:
            _route_pattern(key)

    @property
    def active(self) -> bool:
        """False when nothing would ever be delayed or faulted (the middleware then only counts)."""
        settings = [self, *self.routes.values()]
        return any(s.fault_rate > 0 or s.latency_ms > 0 or s.jitter_ms > 0 for s in settings)

    def with_route(self, key: str, **changes: Any) -> FaultSettings:
        """Add an override for ``key`` = the current global values with ``changes``; returns ``self``."""
        _route_pattern(key)
        self.routes[key] = replace(self, routes={}, **changes)
        return self

    def for_route(self, method: str, path: str) -> FaultSettings:
        for key, settings in self.routes.items():
            wanted_method, pattern = _route_pattern(key)
            if wanted_method in ("*", method.upper()) and pattern.fullmatch(path):
                return settings
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FaultSettings:
        """``AGENTS_EMULATOR_{LATENCY_MS,JITTER_MS,FAULT_RATE,FAULTS,SEED,SLOW_S,RETRY_AFTER_S,ROUTE_FAULTS}``.

        FAULTS is a comma-separated list of kinds; ROUTE_FAULTS is ``;``-separated route specs (see
        :meth:`add_route_spec`), e.g. ``POST /v1/convai/agents/create fault_rate=1 kinds=500-after``.
        """
        values: dict[str, Any] = {}
        for name in ("latency_ms", "jitter_ms", "fault_rate", "slow_s", "retry_after_s", "seed"):
            raw = environ.get(ENV_PREFIX + name.upper(), "").strip()
            if raw:
                values[name] = _parse_field(name, raw, source=ENV_PREFIX + name.upper())
        raw_kinds = environ.get(ENV_PREFIX + "FAULTS", "").strip()
        if raw_kinds:
            values["kinds"] = _parse_field("kinds", raw_kinds, source=ENV_PREFIX + "FAULTS")
        settings = cls(**values)
        for spec in environ.get(ENV_PREFIX + "ROUTE_FAULTS", "").split(";"):
            if spec.strip():
                settings.add_route_spec(spec)
        return settings

    def add_route_spec(self, spec: str) -> FaultSettings:
        """Parse ``"METHOD /path key=value ..."`` (keys: the fields of this class but seed and routes)."""
        parts = spec.split()
        if len(parts) < 2:
            raise ConfigError(f"route fault spec {spec!r} needs 'METHOD /path key=value ...'")
        changes: dict[str, Any] = {}
        for item in parts[2:]:
            name, sep, raw = item.partition("=")
            if not sep or name in ("seed", "routes") or name not in _FIELD_NAMES:
                raise ConfigError(
                    f"bad setting {item!r} in route fault spec {spec!r}",
                    hint="use latency_ms=, jitter_ms=, fault_rate=, kinds=a,b, retry_after_s= or slow_s=",
                )
            changes[name] = _parse_field(name, raw, source=f"route fault spec {spec!r}")
        return self.with_route(f"{parts[0]} {parts[1]}", **changes)


_FIELD_NAMES = frozenset(f.name for f in fields(FaultSettings))


def _parse_field(name: str, raw: str, *, source: str) -> Any:
    try:
        if name == "kinds":
            return tuple(kind.strip() for kind in raw.split(",") if kind.strip())
        if name == "seed":
            return int(raw)
        return float(raw)
    except ValueError:
        kind = "an integer" if name == "seed" else "a number"
        raise ConfigError(f"{source}: {name} must be {kind}, got {raw!r}") from None


_ROUTE_CACHE: dict[str, tuple[str, re.Pattern[str]]] = {}


def _route_pattern(key: str) -> tuple[str, re.Pattern[str]]:
    cached = _ROUTE_CACHE.get(key)
    if cached is not None:
        return cached
    method, _, path = key.strip().partition(" ")
    path = path.strip()
    if not method or not path.startswith("/"):
        raise ConfigError(f"route key {key!r} must look like 'METHOD /path' (METHOD may be '*')")
    prefix = path.endswith("*")
    regex = "".join(
        "[^/]+" if re.fullmatch(r"\{[^/{}]+\}", part) else re.escape(part)
        for part in re.split(r"(\{[^/{}]+\})", path.rstrip("*"))
    )
    compiled = (method.upper(), re.compile(regex + (".*" if prefix else "")))
    _ROUTE_CACHE[key] = compiled
    return compiled


@dataclass(frozen=True)
class FaultDecision:
    """What the middleware did to request ``n``: ``kind`` is None when the request was served normally."""

    n: int
    method: str
    path: str
    kind: str | None
    delay_s: float


def decide(settings: FaultSettings, seed: int, n: int, method: str, path: str) -> FaultDecision:
    """The fault for request ``n``; a pure function of (seed, n, the settings of the route)."""
    applied = settings.for_route(method, path)
    draws = random.Random(f"{seed}:{n}")
    fault_draw, kind_draw, jitter_draw = draws.random(), draws.random(), draws.random()
    kind = None
    if applied.kinds and fault_draw < applied.fault_rate:
        kind = applied.kinds[min(int(kind_draw * len(applied.kinds)), len(applied.kinds) - 1)]
    delay_s = (applied.latency_ms + applied.jitter_ms * jitter_draw) / 1000.0
    return FaultDecision(n, method, path, kind, delay_s)


def format_retry_after(seconds: float) -> str:
    """Whole seconds as HTTP wants them; sub-second values (tests only) as a decimal."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


def error_body(status: int) -> bytes:
    code, message = _ERROR_CODES.get(status, ("error", "Emulated fault."))
    return json.dumps({"detail": {"status": code, "message": message}}).encode()


class FaultMiddleware:
    """ASGI middleware injecting latency and faults. ``settings`` may be replaced or ``configure``d live."""

    def __init__(self, app: ASGIApp, settings: FaultSettings | None = None) -> None:
        self.app = app
        self.settings = settings if settings is not None else FaultSettings()
        self.history: deque[FaultDecision] = deque(maxlen=HISTORY_SIZE)
        self._lock = threading.Lock()
        self._count = 0
        self._random_seed = random.SystemRandom().randrange(2**32)

    @property
    def seed_in_use(self) -> int:
        """The configured seed, or the random one drawn at start (log it to reproduce a run)."""
        return self.settings.seed if self.settings.seed is not None else self._random_seed

    def configure(self, **changes: Any) -> None:
        """Change global settings, e.g. ``configure(fault_rate=0.2, seed=7)``; validated on the way."""
        self.settings = replace(self.settings, **changes)

    def reset(self) -> None:
        """Number requests from 0 again and forget the history (to replay a sequence)."""
        with self._lock:
            self._count = 0
            self.history.clear()

    def _next_decision(self, method: str, path: str) -> FaultDecision:
        with self._lock:
            n = self._count
            self._count += 1
            decision = decide(self.settings, self.seed_in_use, n, method, path)
            self.history.append(decision)
        return decision

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        decision = self._next_decision(scope["method"], scope["path"])
        if decision.delay_s > 0:
            await asyncio.sleep(decision.delay_s)
        kind = decision.kind
        if kind is None:
            await self.app(scope, receive, send)
        elif kind == "slow":
            await self._slow(scope, receive, send)
        elif kind == "drop":
            await _drop(send)
        elif kind == "500-after":
            await self.app(scope, receive, _discarding_send)
            await _send_error(send, 500, self.settings.for_route(scope["method"], scope["path"]))
        else:
            await _send_error(send, int(kind), self.settings.for_route(scope["method"], scope["path"]))

    async def _slow(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wait ``slow_s`` unless the client gives up first (then answer nothing), then serve normally."""
        delay = self.settings.for_route(scope["method"], scope["path"]).slow_s
        buffered: list[Message] = []
        disconnected = asyncio.Event()

        async def watch() -> None:
            # Read ahead to notice a disconnect; the request body is kept and replayed to the app.
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    disconnected.set()
                    return
                buffered.append(message)

        watcher = asyncio.create_task(watch())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(disconnected.wait(), timeout=delay)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        if disconnected.is_set():
            return

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)


async def _discarding_send(message: Message) -> None:
    """Swallow the app's real answer to a ``500-after`` request."""


async def _send_error(send: Send, status: int, settings: FaultSettings) -> None:
    body = error_body(status)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status in (429, 503):
        headers.append((b"retry-after", format_retry_after(settings.retry_after_s).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    body = error_body(500)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    raise ConnectionDropped("connection dropped by the emulator's fault injection")


class DroppedConnectionLogFilter(logging.Filter):
    """Hide uvicorn's "Exception in ASGI application" records caused by an intentional ``drop``."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)
