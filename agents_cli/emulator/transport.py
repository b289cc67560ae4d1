"""The in-process emulator as an httpx transport: the ``local`` environment talks to it with no port and no
thread. The project's database lives at ``<project>/.agents/emulator.db`` (see ``project_database``).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from agents_cli.emulator.app import create_app
from agents_cli.emulator.settings import EmulatorSettings
from agents_cli.emulator.store import Store

DATABASE_RELATIVE_PATH = Path(".agents") / "emulator.db"


def project_database(project_root: Path) -> Path:
    """Where the ``local`` environment keeps its state in a project (git-ignored ``.agents/``)."""
    return project_root / DATABASE_RELATIVE_PATH


class _EmulatorTransport(httpx.ASGITransport):
    """An ASGI transport that closes the emulator's database when the client closes."""

    def __init__(self, store: Store, settings: EmulatorSettings) -> None:
        super().__init__(app=create_app(settings, store))
        self.store = store

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from agents_cli.emulator.faults import ConnectionDropped

        try:
            return await super().handle_async_request(request)
        except ConnectionDropped as exc:  # what a dropped connection looks like to a client over TCP
            raise httpx.RemoteProtocolError(str(exc) or "connection dropped", request=request) from exc

    async def aclose(self) -> None:
        await super().aclose()
        self.store.close()


def in_process_client_transport(
    data_path: Path | None, settings: EmulatorSettings | None = None
) -> httpx.AsyncBaseTransport:
    """A transport for ``httpx.AsyncClient(transport=..., base_url="http://emulator")`` (any base URL works).

    ``data_path`` None keeps the state in memory for the client's lifetime.
    """
    return _EmulatorTransport(Store(data_path), settings or EmulatorSettings())
