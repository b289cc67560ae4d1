"""Agent tests (``routes_tests``): deleting a test that agents attach detaches it. Real loopback HTTP."""

from __future__ import annotations

import httpx

from tests.support.emulator import AGENT_BODY, create_agent


def test_deleting_an_attached_test_detaches_it(client: httpx.Client) -> None:
    test_id = client.post("/v1/convai/agent-testing/create", json={"name": "t"}).json()["id"]
    body = {**AGENT_BODY, "platform_settings": {"testing": {"attached_tests": [{"test_id": test_id}]}}}
    agent_id = create_agent(client, body)
    assert client.delete(f"/v1/convai/agent-testing/{test_id}").status_code == 200
    testing = client.get(f"/v1/convai/agents/{agent_id}").json()["platform_settings"]["testing"]
    assert testing["attached_tests"] == []
