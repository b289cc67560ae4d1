"""Behaviour a user of plan/sync/test would hit where the emulator must answer like the spec says: page
sizes, deleted agents and the transfer rules that name them, secrets in use, invocation listing, resubmit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ServedEmulator

LISTS = [
    "/v1/convai/agents",
    "/v1/convai/tools",
    "/v1/convai/agent-testing",
    "/v1/convai/test-invocations",
    "/v1/convai/knowledge-base",
    "/v1/convai/secrets",
    "/v1/convai/environment-variables",
]
WELCOME_TEST = {"type": "llm", "name": "welcomes", "success_condition": "The agent says 'welcome'"}


@pytest.fixture
def client(served_emulator: ServedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers, timeout=10) as http:
        yield http


def _ok(response: httpx.Response) -> Any:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text[:300]}"
    return response.json() if response.content else None


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert detail["status"] == code, detail
    message: str = detail["message"]
    return message


def _transfer_agent(name: str, *targets: str) -> dict[str, Any]:
    rules = [{"agent_id": target, "condition": f"The caller asks for {target}."} for target in targets]
    transfer = {
        "name": "transfer_to_agent",
        "description": "",
        "params": {"system_tool_type": "transfer_to_agent", "transfers": rules},
    }
    return {
        "name": name,
        "conversation_config": {"agent": {"prompt": {"built_in_tools": {"transfer_to_agent": transfer}}}},
    }


def _transfers(agent: dict[str, Any]) -> list[str]:
    tool = agent["conversation_config"]["agent"]["prompt"]["built_in_tools"]["transfer_to_agent"]
    return [rule["agent_id"] for rule in tool["params"]["transfers"]]


# -- page sizes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [*LISTS, "/v1/convai/tools/{tool}/dependent-agents"])
def test_page_size_outside_1_to_100_is_a_query_validation_error(client: httpx.Client, path: str) -> None:
    if "{tool}" in path:
        tool = _ok(
            client.post(
                "/v1/convai/tools", json={"tool_config": {"type": "client", "name": "t", "description": "d"}}
            )
        )
        path = path.format(tool=tool["id"])
    too_big = client.get(path, params={"page_size": 101})
    assert too_big.status_code == 422, too_big.text
    assert too_big.json()["detail"] == [
        {
            "type": "less_than_equal",
            "loc": ["query", "page_size"],
            "msg": "Input should be less than or equal to 100",
            "input": "101",
            "ctx": {"le": 100},
        }
    ]
    assert client.get(path, params={"page_size": 0}).json()["detail"][0]["type"] == "greater_than_equal"
    assert client.get(path, params={"page_size": 100}).status_code == 200


def test_default_page_sizes_follow_each_route(client: httpx.Client) -> None:
    for index in range(31):
        _ok(client.post("/v1/convai/secrets", json={"type": "new", "name": f"s{index}", "value": "v"}))
        body = {"label": f"VAR_{index}", "type": "string", "values": {"production": "x"}}
        _ok(client.post("/v1/convai/environment-variables", json=body))
        _ok(client.post("/v1/convai/agent-testing/create", json={**WELCOME_TEST, "name": f"t{index}"}))
    # Tests: 30 by default. Environment variables: 100 by default. Secrets: all when page_size is unset.
    tests = _ok(client.get("/v1/convai/agent-testing"))
    assert len(tests["tests"]) == 30 and tests["has_more"] is True
    variables = _ok(client.get("/v1/convai/environment-variables"))
    assert len(variables["environment_variables"]) == 31 and variables["has_more"] is False
    secrets = _ok(client.get("/v1/convai/secrets"))
    assert len(secrets["secrets"]) == 31 and secrets["next_cursor"] is None
    first = _ok(client.get("/v1/convai/secrets", params={"page_size": 20}))
    rest = _ok(client.get("/v1/convai/secrets", params={"page_size": 20, "cursor": first["next_cursor"]}))
    names = [s["name"] for s in first["secrets"] + rest["secrets"]]
    assert len(first["secrets"]) == 20 and rest["next_cursor"] is None
    assert sorted(names) == sorted(f"s{index}" for index in range(31))
    assert [s["name"] for s in _ok(client.get("/v1/convai/secrets", params={"search": "s3"}))["secrets"]] == [
        "s30",
        "s3",
    ]


# -- deleted agents and transfer rules -------------------------------------------------------------------
def test_a_deleted_agent_is_404_everywhere_and_transfers_to_it_are_left_alone(client: httpx.Client) -> None:
    target = _ok(client.post("/v1/convai/agents/create", json={"name": "back", "conversation_config": {}}))[
        "agent_id"
    ]
    version = _ok(client.get(f"/v1/convai/agents/{target}"))["version_id"]
    front = _ok(client.post("/v1/convai/agents/create", json=_transfer_agent("front", target)))["agent_id"]

    assert client.delete(f"/v1/convai/agents/{target}").status_code == 204
    for response in (
        client.get(f"/v1/convai/agents/{target}"),
        client.get(f"/v1/convai/agents/{target}", params={"version_id": version}),
        client.patch(f"/v1/convai/agents/{target}", json={"name": "again"}),
        client.delete(f"/v1/convai/agents/{target}"),
        client.get(f"/v1/convai/agents/{target}/widget"),
        client.post(f"/v1/convai/agents/{target}/duplicate", json={}),
    ):
        assert _error(response, 404, "agent_not_found") == f"Agent with id {target} not found."
    assert [a["agent_id"] for a in _ok(client.get("/v1/convai/agents"))["agents"]] == [front]

    # The referring agent keeps its rule (nothing rewrites another agent's config) and stays updatable...
    assert _transfers(_ok(client.get(f"/v1/convai/agents/{front}"))) == [target]
    renamed = _ok(client.patch(f"/v1/convai/agents/{front}", json={"name": "front desk"}))
    assert renamed["name"] == "front desk" and _transfers(renamed) == [target]
    # ...but a request that names a missing agent in a transfer rule is refused, on update as on create.
    resend = client.patch(f"/v1/convai/agents/{front}", json=_transfer_agent("front", target))
    assert target in _error(resend, 400, "agent_not_found")
    create = client.post("/v1/convai/agents/create", json=_transfer_agent("other", front, target))
    assert target in _error(create, 400, "agent_not_found")
    self_transfer = client.patch(f"/v1/convai/agents/{front}", json=_transfer_agent("front", front))
    assert _transfers(_ok(self_transfer)) == [front]


# -- secrets ---------------------------------------------------------------------------------------------
def test_secrets_report_who_uses_them_and_cannot_be_deleted_while_used(client: httpx.Client) -> None:
    secret = _ok(client.post("/v1/convai/secrets", json={"type": "new", "name": "crm", "value": "k"}))
    locator = {"secret_id": secret["secret_id"]}
    webhook = {
        "type": "webhook",
        "name": "crm_lookup",
        "description": "Look up a customer",
        "api_schema": {
            "url": "https://crm.example.com/lookup",
            "request_headers": {"Authorization": locator},
        },
    }
    tool = _ok(client.post("/v1/convai/tools", json={"tool_config": webhook}))["id"]
    prompt_with_tool = {"prompt": {"tool_ids": [tool]}}
    via_tool = _ok(
        client.post(
            "/v1/convai/agents/create",
            json={"name": "via tool", "conversation_config": {"agent": prompt_with_tool}},
        )
    )["agent_id"]
    custom_llm = {"llm": "custom-llm", "custom_llm": {"url": "https://llm.example.com", "api_key": locator}}
    direct = _ok(
        client.post(
            "/v1/convai/agents/create",
            json={"name": "direct", "conversation_config": {"agent": {"prompt": custom_llm}}},
        )
    )["agent_id"]

    used_by = _ok(client.get(f"/v1/convai/secrets/{secret['secret_id']}"))["used_by"]
    assert [(t["id"], t["name"]) for t in used_by["tools"]] == [(tool, "crm_lookup")]
    agents = {a["id"]: a["referenced_resource_ids"] for a in used_by["agents"]}
    assert agents == {via_tool: [tool], direct: []}
    listed = _ok(client.get("/v1/convai/secrets", params={"dependency_limit": 1}))["secrets"][0]["used_by"]
    assert len(listed["agents"]) == 1 and listed["agents_has_more"] is True
    assert listed["tools_has_more"] is False

    refused = client.delete(f"/v1/convai/secrets/{secret['secret_id']}")
    assert tool in _error(refused, 409, "secret_in_use")
    assert client.delete(f"/v1/convai/agents/{direct}").status_code == 204
    assert client.delete(f"/v1/convai/tools/{tool}", params={"force": "true"}).status_code == 200
    assert client.delete(f"/v1/convai/secrets/{secret['secret_id']}").status_code == 204
    _error(client.get(f"/v1/convai/secrets/{secret['secret_id']}"), 404, "secret_not_found")


# -- test invocations ------------------------------------------------------------------------------------
def _run(client: httpx.Client, agent_id: str, test_id: str, **extra: Any) -> dict[str, Any]:
    body = {"tests": [{"test_id": test_id}], **extra}
    invocation: dict[str, Any] = _ok(client.post(f"/v1/convai/agents/{agent_id}/run-tests", json=body))
    return invocation


def test_invocations_list_filters_by_agent_and_pages_newest_first(client: httpx.Client) -> None:
    test_id = _ok(client.post("/v1/convai/agent-testing/create", json=WELCOME_TEST))["id"]
    first, second = (
        _ok(client.post("/v1/convai/agents/create", json={"name": name, "conversation_config": {}}))[
            "agent_id"
        ]
        for name in "ab"
    )
    runs = [_run(client, agent, test_id)["id"] for agent in (first, second, first, first)]

    collected: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"agent_id": first, "page_size": 2}
        if cursor:
            params["cursor"] = cursor
        page = _ok(client.get("/v1/convai/test-invocations", params=params))
        assert all(item["agent_id"] == first for item in page["results"])
        collected += [item["id"] for item in page["results"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert collected == [runs[3], runs[2], runs[0]]
    everything = _ok(client.get("/v1/convai/test-invocations"))["results"]
    assert [item["id"] for item in everything] == runs[::-1]
    assert everything[0]["pending_count"] == 1 and everything[0]["test_run_count"] == 1
    assert _ok(client.get("/v1/convai/test-invocations", params={"agent_id": "agent_none"}))["results"] == []


def test_resubmitted_runs_use_the_new_agent_and_the_others_keep_theirs(
    served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    served_emulator.configure(completion_polls=3)  # keep the runs pending while we resubmit one
    test_id = _ok(client.post("/v1/convai/agent-testing/create", json=WELCOME_TEST))["id"]
    body = {"name": "greeter", "conversation_config": {"agent": {"first_message": "Hello there."}}}
    agent_id = _ok(client.post("/v1/convai/agents/create", json=body))["agent_id"]
    invocation = _run(client, agent_id, test_id, repeat_count=2)
    kept, resubmitted = (run["test_run_id"] for run in invocation["test_runs"])
    override = {
        "conversation_config": {"agent": {"first_message": "Welcome aboard!"}},
        "platform_settings": {},
    }
    resubmit = {"test_run_ids": [resubmitted], "agent_id": agent_id, "agent_config_override": override}
    assert _ok(client.post(f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json=resubmit)) == {}

    for _ in range(3):
        result = _ok(client.get(f"/v1/convai/test-invocations/{invocation['id']}"))
    statuses = {run["test_run_id"]: run["status"] for run in result["test_runs"]}
    assert statuses == {kept: "failed", resubmitted: "passed"}
    assert all(not any(key.startswith("_") for key in run) for run in result["test_runs"])
    assert "_emulator" not in result

    # Resubmitting a finished run makes it pending again and judges it against the agent as it is now.
    _ok(
        client.patch(
            f"/v1/convai/agents/{agent_id}", json={"conversation_config": override["conversation_config"]}
        )
    )
    again = {"test_run_ids": [kept], "agent_id": agent_id}
    _ok(client.post(f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json=again))
    pending = _ok(client.get(f"/v1/convai/test-invocations/{invocation['id']}"))
    assert {run["test_run_id"]: run["status"] for run in pending["test_runs"]} == {
        kept: "pending",
        resubmitted: "passed",
    }
    for _ in range(2):
        result = _ok(client.get(f"/v1/convai/test-invocations/{invocation['id']}"))
    assert {run["status"] for run in result["test_runs"]} == {"passed"}
    unknown = client.post(
        f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json={**again, "test_run_ids": ["run_x"]}
    )
    assert unknown.status_code == 400


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
    assert "agent_missing" in _error(missing, 400, "agent_not_found")
    target = _ok(client.post("/v1/convai/agents/create", json={"name": "billing", "conversation_config": {}}))
    tool = _ok(client.post("/v1/convai/tools", json=transfer_tool(target["agent_id"])))
    patched = client.patch(f"/v1/convai/tools/{tool['id']}", json=transfer_tool("agent_gone"))
    assert "agent_gone" in _error(patched, 400, "agent_not_found")


def test_archived_agents_are_listed_only_when_asked_for(client: httpx.Client) -> None:
    def create(name: str, archived: bool) -> str:
        body = {"name": name, "conversation_config": {}, "platform_settings": {"archived": archived}}
        agent_id: str = _ok(client.post("/v1/convai/agents/create", json=body))["agent_id"]
        return agent_id

    active, archived = create("active", False), create("old", True)

    def listed(**params: str) -> list[tuple[str, bool]]:
        agents = _ok(client.get("/v1/convai/agents", params=params))["agents"]
        return [(agent["agent_id"], agent["archived"]) for agent in agents]

    assert listed() == [(active, False)]  # the spec's default is archived=false
    assert listed(archived="false") == [(active, False)]
    assert listed(archived="true") == [(archived, True)]
    assert client.get("/v1/convai/agents", params={"archived": "maybe"}).status_code == 422
