"""The API client in tests: run a body on a fresh ``ApiClient`` over real HTTP, and a port nothing serves."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from agents_cli.errors import RemoteError
from agents_cli.remote.client import ApiClient


def call_api(
    base_url: str, body: Callable[[ApiClient], Awaitable[Any]], *, api_key: str = "k", **options: Any
) -> tuple[Any, ApiClient]:
    """Run ``body`` on a fresh client (``options`` go to ``ApiClient``); its result or its RemoteError, and
    the client (for its stats)."""

    async def main() -> tuple[Any, ApiClient]:
        async with ApiClient(base_url, api_key, **options) as api:
            try:
                return await body(api), api
            except RemoteError as exc:
                return exc, api

    return asyncio.run(main())


def recording_sleep(waits: list[float]) -> Callable[[float], Awaitable[None]]:
    """A client's ``sleep`` that records how long the client chose to wait, and returns at once."""

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return sleep


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
