"""Agents (``routes_agents``): server-owned fields and versions, PATCH merging, deletion and the transfer
rules that name agents, archived agents in lists. Real loopback HTTP."""

from __future__ import annotations

import httpx

from tests.support.emulator import (
    create_agent,
    create_tool,
    expect_error,
    expect_ok,
    transfer_agent,
    transfers,
)


def test_server_owned_fields_versions_and_tools_echo(client: httpx.Client) -> None:
    tool_id = create_tool(client)
    body = {"conversation_config": {"agent": {"prompt": {"prompt": "p", "tool_ids": [tool_id]}}}}
    agent_id = create_agent(client, body)
    first = client.get(f"/v1/convai/agents/{agent_id}").json()
    assert first["agent_id"] == agent_id
    assert first["metadata"]["created_at_unix_secs"] > 0
    assert first["access_info"]["role"] == "admin"
    assert first["version_id"].startswith("agtvrsn_")
    assert [t["name"] for t in first["conversation_config"]["agent"]["prompt"]["tools"]] == ["show"]

    both = {"conversation_config": {"agent": {"prompt": first["conversation_config"]["agent"]["prompt"]}}}
    rejected = client.patch(f"/v1/convai/agents/{agent_id}", json=both)
    assert rejected.status_code == 422 and rejected.json()["detail"][0]["type"] == "value_error"

    patched = client.patch(f"/v1/convai/agents/{agent_id}", json={"name": "v2"}).json()
    assert patched["version_id"] != first["version_id"]
    old = client.get(f"/v1/convai/agents/{agent_id}", params={"version_id": first["version_id"]}).json()
    assert old["name"] == "" and old["version_id"] == first["version_id"]
    assert client.get(f"/v1/convai/agents/{agent_id}", params={"branch_id": "agtbranch_x"}).status_code == 404


def test_patch_merges_objects_and_replaces_lists(client: httpx.Client) -> None:
    body = {
        "tags": ["a", "b"],
        "conversation_config": {
            "agent": {"first_message": "Hi", "prompt": {"prompt": "p", "temperature": 0.5}}
        },
    }
    agent_id = create_agent(client, body)
    patch = {"tags": ["c"], "conversation_config": {"agent": {"prompt": {"prompt": "q"}}}}
    patched = client.patch(f"/v1/convai/agents/{agent_id}", json=patch).json()
    assert patched["tags"] == ["c"]
    agent = patched["conversation_config"]["agent"]
    assert agent["first_message"] == "Hi"
    assert agent["prompt"]["prompt"] == "q" and agent["prompt"]["temperature"] == 0.5


def test_a_deleted_agent_is_404_everywhere_and_transfers_to_it_are_left_alone(client: httpx.Client) -> None:
    target = expect_ok(
        client.post("/v1/convai/agents/create", json={"name": "back", "conversation_config": {}})
    )["agent_id"]
    version = expect_ok(client.get(f"/v1/convai/agents/{target}"))["version_id"]
    front = expect_ok(client.post("/v1/convai/agents/create", json=transfer_agent("front", target)))[
        "agent_id"
    ]

    assert client.delete(f"/v1/convai/agents/{target}").status_code == 204
    for response in (
        client.get(f"/v1/convai/agents/{target}"),
        client.get(f"/v1/convai/agents/{target}", params={"version_id": version}),
        client.patch(f"/v1/convai/agents/{target}", json={"name": "again"}),
        client.delete(f"/v1/convai/agents/{target}"),
        client.get(f"/v1/convai/agents/{target}/widget"),
        client.post(f"/v1/convai/agents/{target}/duplicate", json={}),
    ):
        assert expect_error(response, 404, "agent_not_found") == f"Agent with id {target} not found."
    assert [a["agent_id"] for a in expect_ok(client.get("/v1/convai/agents"))["agents"]] == [front]

    # The referring agent keeps its rule (nothing rewrites another agent's config) and stays updatable...
    assert transfers(expect_ok(client.get(f"/v1/convai/agents/{front}"))) == [target]
    renamed = expect_ok(client.patch(f"/v1/convai/agents/{front}", json={"name": "front desk"}))
    assert renamed["name"] == "front desk" and transfers(renamed) == [target]
    # ...but a request that names a missing agent in a transfer rule is refused, on update as on create.
    resend = client.patch(f"/v1/convai/agents/{front}", json=transfer_agent("front", target))
    assert target in expect_error(resend, 400, "agent_not_found")
    create = client.post("/v1/convai/agents/create", json=transfer_agent("other", front, target))
    assert target in expect_error(create, 400, "agent_not_found")
    self_transfer = client.patch(f"/v1/convai/agents/{front}", json=transfer_agent("front", front))
    assert transfers(expect_ok(self_transfer)) == [front]


def test_archived_agents_are_listed_only_when_asked_for(client: httpx.Client) -> None:
    def create(name: str, archived: bool) -> str:
        body = {"name": name, "conversation_config": {}, "platform_settings": {"archived": archived}}
        agent_id: str = expect_ok(client.post("/v1/convai/agents/create", json=body))["agent_id"]
        return agent_id

    active, archived = create("active", False), create("old", True)

    def listed(**params: str) -> list[tuple[str, bool]]:
        agents = expect_ok(client.get("/v1/convai/agents", params=params))["agents"]
        return [(agent["agent_id"], agent["archived"]) for agent in agents]

    assert listed() == [(active, False)]  # the spec's default is archived=false
    assert listed(archived="false") == [(active, False)]
    assert listed(archived="true") == [(archived, True)]
    assert client.get("/v1/convai/agents", params={"archived": "maybe"}).status_code == 422
