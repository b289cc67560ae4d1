"""The in-process transport (the ``local`` environment): no port, no thread, state in the project database."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from agents_cli.emulator.faults import FaultSettings
from agents_cli.emulator.settings import EmulatorSettings
from agents_cli.emulator.transport import in_process_client_transport, project_database

HEADERS = {"xi-api-key": "local"}


async def _create_then_read(data: Path) -> tuple[str, int]:
    async with httpx.AsyncClient(
        transport=in_process_client_transport(data), base_url="http://emulator"
    ) as client:
        body = {"name": "local", "conversation_config": {}}
        created = await client.post("/v1/convai/agents/create", json=body, headers=HEADERS)
        agent_id: str = created.json()["agent_id"]
    async with httpx.AsyncClient(
        transport=in_process_client_transport(data), base_url="http://emulator"
    ) as client:
        listed = await client.get("/v1/convai/agents", headers=HEADERS)
        return agent_id, len([a for a in listed.json()["agents"] if a["agent_id"] == agent_id])


def test_state_persists_between_clients_and_nothing_is_left_running(tmp_path: Path) -> None:
    threads_before = threading.active_count()
    data = project_database(tmp_path)
    assert data == tmp_path / ".agents" / "emulator.db"
    agent_id, found = asyncio.run(_create_then_read(data))
    assert agent_id.startswith("agent_") and found == 1
    assert data.is_file()
    assert threading.active_count() == threads_before


def test_dropped_connection_looks_like_a_network_error() -> None:
    settings = EmulatorSettings(faults=FaultSettings(seed=1, fault_rate=1.0, kinds=("drop",)))

    async def call() -> None:
        transport = in_process_client_transport(None, settings)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            await client.get("/v1/user", headers=HEADERS)

    with pytest.raises(httpx.RemoteProtocolError):
        asyncio.run(call())


def test_validation_errors_in_process_match_the_served_ones() -> None:
    async def call() -> httpx.Response:
        transport = in_process_client_transport(None, EmulatorSettings(strict=True))
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            body = {"conversation_config": {"agent": {"frist_message": "Hi"}}}
            return await client.post("/v1/convai/agents/create", json=body, headers=HEADERS)

    response = asyncio.run(call())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "conversation_config", "agent", "frist_message"]


def test_emulator_app_fixture_serves_in_process(emulator_app: Starlette) -> None:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=emulator_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return await client.get("/v1/user", headers=HEADERS)

    response = asyncio.run(call())
    assert response.status_code == 200 and response.json()["seat_type"] == "workspace_admin"
