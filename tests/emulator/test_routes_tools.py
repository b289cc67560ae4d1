"""Tools (``routes_tools``): references to tools must exist, deleting a used tool needs ``force``, and a
transfer system tool must name existing agents. Real loopback HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.emulator import create_agent, create_tool, expect_error, expect_ok


def test_references_must_exist_and_deleting_a_used_tool_needs_force(client: httpx.Client) -> None:
    dangling = {"conversation_config": {"agent": {"prompt": {"tool_ids": ["tool_nope"]}}}}
    response = client.post("/v1/convai/agents/create", json=dangling)
    assert response.status_code == 400 and response.json()["detail"]["status"] == "tool_not_found"

    tool_id = create_tool(client)
    agent_id = create_agent(client, {"conversation_config": {"agent": {"prompt": {"tool_ids": [tool_id]}}}})
    dependents = client.get(f"/v1/convai/tools/{tool_id}/dependent-agents").json()
    assert [a["id"] for a in dependents["agents"]] == [agent_id]
    refused = client.delete(f"/v1/convai/tools/{tool_id}")
    assert refused.status_code == 409 and refused.json()["detail"]["status"] == "tool_in_use"
    assert client.delete(f"/v1/convai/tools/{tool_id}", params={"force": "true"}).status_code == 200
    prompt = client.get(f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]["prompt"]
    assert prompt["tool_ids"] == [] and prompt["tools"] == []


def test_a_transfer_system_tool_must_name_existing_agents(client: httpx.Client) -> None:
    def transfer_tool(target: str) -> dict[str, Any]:
        rule = {"agent_id": target, "condition": "The caller asks for billing."}
        params = {"system_tool_type": "transfer_to_agent", "transfers": [rule]}
        return {
            "tool_config": {
                "type": "system",
                "name": "transfer_to_agent",
                "description": "",
                "params": params,
            }
        }

    missing = client.post("/v1/convai/tools", json=transfer_tool("agent_missing"))
    assert "agent_missing" in expect_error(missing, 400, "agent_not_found")
    target = expect_ok(
        client.post("/v1/convai/agents/create", json={"name": "billing", "conversation_config": {}})
    )
    tool = expect_ok(client.post("/v1/convai/tools", json=transfer_tool(target["agent_id"])))
    patched = client.patch(f"/v1/convai/tools/{tool['id']}", json=transfer_tool("agent_gone"))
    assert "agent_gone" in expect_error(patched, 400, "agent_not_found")
