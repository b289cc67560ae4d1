"""The knowledge-base and MCP-server routes: each reached over loopback (driven by the official SDK), and
every answer fits the spec's response schema (the routes of the other resources: test_response_contract)."""

from __future__ import annotations

import elevenlabs

from tests.support.contract import contract_violations, route_of
from tests.support.emulator import ServedEmulator
from tests.support.knowledge_routes import (
    KNOWLEDGE_ROUTES,
    MCP_ROUTES,
    drive_knowledge_base,
    drive_mcp_servers,
)


def test_every_knowledge_base_and_mcp_route_answers_within_the_spec(served_emulator: ServedEmulator) -> None:
    client = elevenlabs.ElevenLabs(api_key=served_emulator.api_key, base_url=served_emulator.url, timeout=10)
    drive_knowledge_base(client)
    drive_mcp_servers(client)
    exchanges = served_emulator.exchanges
    covered = {
        (e.method, route)
        for e in exchanges
        if 200 <= e.status < 300 and (route := route_of(e.method, e.path)) is not None
    }
    wanted = KNOWLEDGE_ROUTES | MCP_ROUTES
    assert covered >= wanted, f"not exercised: {sorted(wanted - covered)}"
    assert contract_violations(exchanges) == []


def test_static_knowledge_base_paths_are_not_taken_for_document_ids(served_emulator: ServedEmulator) -> None:
    import httpx

    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers, timeout=10) as client:
        for path, params in (
            ("/v1/convai/knowledge-base/summaries", {"document_ids": "x"}),
            ("/v1/convai/knowledge-base/search", {"query": "x"}),
            ("/v1/convai/knowledge-base/rag-index", {}),
            ("/v1/convai/agents/summaries", {"agent_ids": "x"}),
        ):
            answer = client.get(path, params=params)
            assert answer.status_code == 200, (path, answer.text)
            # Before, these answered "document/agent with id summaries not found".
            assert f"with id {path.rsplit('/', 1)[1]} not found" not in answer.text, answer.text
