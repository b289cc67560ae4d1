"""Serving the emulator over HTTP with uvicorn: in the foreground (``agents emulator serve``) or in a
background thread on a free loopback port (tests, benchmarks).

``serve`` binds the socket itself so that it can print the real URL (``--port 0``) before uvicorn starts;
the socket already listens, so a client that connects right after reading the line is queued, not refused.
SIGINT and SIGTERM shut uvicorn down gracefully and ``serve`` returns normally.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from agents_cli.emulator.app import create_app
from agents_cli.emulator.context import EmulatorContext
from agents_cli.emulator.errors import ReportedErrorLogFilter
from agents_cli.emulator.faults import DroppedConnectionLogFilter
from agents_cli.emulator.settings import EmulatorSettings
from agents_cli.emulator.store import Store


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class EmulatorServer(uvicorn.Server):
    """uvicorn's server that says when it serves (an event, for other threads) and lets them wait until the
    requests it has begun are finished, logging included (a request's task ends after uvicorn logs for it)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.serving = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.loop = asyncio.get_running_loop()
            self.serving.set()

    def requests_in_flight(self) -> int:
        """Requests whose headers the server has read and whose handling (its ASGI task) has not ended."""
        return len(self.server_state.tasks)

    def wait_until_idle(self, timeout: float) -> None:
        """Block the calling thread until no request is in flight; ``TimeoutError`` after ``timeout``."""
        if self.loop is None:
            return
        waiting = asyncio.run_coroutine_threadsafe(self._idle(), self.loop)
        try:
            waiting.result(timeout)
        except TimeoutError:
            waiting.cancel()
            raise

    async def _idle(self) -> None:
        while self.server_state.tasks:
            await asyncio.wait(list(self.server_state.tasks))


def _uvicorn_server(app: ASGIApp) -> EmulatorServer:
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
    )
    error_log = logging.getLogger("uvicorn.error")
    # An intentional `drop` fault is not an error; a bug the app logged already needs no second traceback.
    for kind in (DroppedConnectionLogFilter, ReportedErrorLogFilter):
        if not any(isinstance(f, kind) for f in error_log.filters):
            error_log.addFilter(kind())
    return EmulatorServer(config)


def serve(
    host: str,
    port: int,
    settings: EmulatorSettings,
    data_path: Path | None,
    *,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until SIGINT/SIGTERM; ``announce`` gets ``emulator listening on http://HOST:PORT`` once bound."""
    store = Store(data_path)
    try:
        sock = bind_socket(host, port)
        server = _uvicorn_server(create_app(settings, store))

        def request_exit(signum: int, frame: FrameType | None) -> None:
            # Until uvicorn installs its own handlers (a signal right after the URL line was printed), and
            # again when uvicorn re-raises the signal it handled after shutting down: either way, stop and
            # end the command normally (exit 0) instead of dying from the signal.
            server.should_exit = True

        previous = {sig: signal.signal(sig, request_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            announce(f"emulator listening on {_url(sock, host)}")
            server.run(sockets=[sock])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            sock.close()
    finally:
        store.close()


@dataclasses.dataclass
class BackgroundServer:
    """An ASGI app served in a background thread: its base URL, the server (to wait on its requests) and the
    thread (ended once the block that served it is left)."""

    url: str
    server: EmulatorServer
    thread: threading.Thread

    def requests_in_flight(self) -> int:
        return self.server.requests_in_flight()

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Until every request the server has begun is finished (its answer sent, its logs written)."""
        self.server.wait_until_idle(timeout)


@contextmanager
def serving_in_background(
    app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 10.0
) -> Iterator[BackgroundServer]:
    """Serve ``app`` in a background thread (a free port by default) until the block ends.

    The socket listens before the thread starts, so clients are queued, not refused; the block starts when
    uvicorn says it serves (or fails at once when its thread ends first).
    """
    server = _uvicorn_server(app)
    sock = bind_socket(host, port)

    def run() -> None:
        try:
            server.run(sockets=[sock])
        finally:
            server.serving.set()  # wake the starter even when the server never served

    thread = threading.Thread(target=run, name="emulator", daemon=True)
    thread.start()
    try:
        if not server.serving.wait(start_timeout):
            raise RuntimeError("the emulator did not start in time")
        if not server.started:
            raise RuntimeError("the emulator server thread stopped before serving")
        yield BackgroundServer(_url(sock, host), server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclasses.dataclass
class RunningEmulator:
    """A served emulator: its base URL, the app's shared state (to reconfigure it while it runs) and the
    server (to wait until the requests it has begun are finished)."""

    url: str
    app: Starlette
    store: Store
    background: BackgroundServer

    @property
    def context(self) -> EmulatorContext:
        ctx: EmulatorContext = self.app.state.emulator
        return ctx

    @property
    def settings(self) -> EmulatorSettings:
        return self.context.settings

    def configure(self, **changes: Any) -> None:
        """Replace settings fields (``faults``, ``api_keys``, ``strict``, ``completion_polls``...) live."""
        self.context.configure(**changes)


@contextmanager
def running_emulator(
    settings: EmulatorSettings | None = None,
    data_path: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    wrap: Callable[[ASGIApp], ASGIApp] | None = None,
    start_timeout: float = 10.0,
) -> Iterator[RunningEmulator]:
    """Serve in a background thread (a free port by default); stop and release everything on exit."""
    store = Store(data_path)
    try:
        app = create_app(settings or EmulatorSettings(), store)
        served = wrap(app) if wrap else app
        with serving_in_background(served, host=host, port=port, start_timeout=start_timeout) as background:
            yield RunningEmulator(url=background.url, app=app, store=store, background=background)
    finally:
        store.close()
