"""Behaviour of the emulator like the real server: validation, auth, errors, server-owned fields, PATCH,
pagination limits, references between resources. Real loopback HTTP against ``served_emulator``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ServedEmulator

AGENT_BODY: dict[str, Any] = {
    "name": "Support",
    "conversation_config": {"agent": {"first_message": "Hi", "prompt": {"prompt": "Help."}}},
}


@pytest.fixture
def client(served_emulator: ServedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers, timeout=10) as http:
        yield http


def _create_agent(client: httpx.Client, body: dict[str, Any] | None = None) -> str:
    response = client.post("/v1/convai/agents/create", json=body or AGENT_BODY)
    assert response.status_code == 200, response.text
    agent_id: str = response.json()["agent_id"]
    return agent_id


def _create_tool(client: httpx.Client, name: str = "show") -> str:
    body = {"tool_config": {"type": "client", "name": name, "description": "d"}}
    response = client.post("/v1/convai/tools", json=body)
    assert response.status_code == 200, response.text
    tool_id: str = response.json()["id"]
    return tool_id


def test_typo_key_is_dropped_by_default_and_rejected_in_strict_mode(
    served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    body = {"conversation_config": {"agent": {"prompt": {"prompt": "x", "temprature": 0.3}}}}
    agent_id = _create_agent(client, body)
    prompt = client.get(f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]["prompt"]
    assert "temprature" not in prompt and prompt["temperature"] == 0.0

    served_emulator.configure(strict=True)
    response = client.post("/v1/convai/agents/create", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "extra_forbidden",
            "loc": ["body", "conversation_config", "agent", "prompt", "temprature"],
            "msg": "Extra inputs are not permitted",
            "input": 0.3,
        }
    ]


def test_wrong_type_is_422_pointing_at_the_field(client: httpx.Client) -> None:
    body = {"conversation_config": {"agent": {"prompt": {"temperature": "warm"}}}, "tags": ["a", 3]}
    response = client.post("/v1/convai/agents/create", json=body)
    assert response.status_code == 422
    locs = {tuple(error["loc"]): error["type"] for error in response.json()["detail"]}
    assert locs == {
        ("body", "conversation_config", "agent", "prompt", "temperature"): "float_parsing",
        ("body", "tags", 1): "string_type",
    }
    missing = client.post("/v1/convai/agents/create", json={"name": "no config"})
    assert missing.json()["detail"][0]["loc"] == ["body", "conversation_config"]
    invalid_json = client.post(
        "/v1/convai/agents/create", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert invalid_json.status_code == 422 and invalid_json.json()["detail"][0]["type"] == "json_invalid"


def test_api_key_is_required_and_configurable(served_emulator: ServedEmulator) -> None:
    url = served_emulator.url + "/v1/user"
    missing = httpx.get(url)
    assert missing.status_code == 401
    assert missing.json() == {
        "detail": {"status": "needs_authorization", "message": "Missing xi-api-key header."}
    }
    assert httpx.get(url, headers={"xi-api-key": "anything"}).status_code == 200
    served_emulator.configure(api_keys=("right",))
    wrong = httpx.get(url, headers={"xi-api-key": "anything"})
    assert wrong.status_code == 401 and wrong.json()["detail"]["status"] == "invalid_api_key"
    assert httpx.get(url, headers={"xi-api-key": "right"}).status_code == 200


def test_unknown_route_and_method_use_the_api_error_shape(client: httpx.Client) -> None:
    unknown = client.get("/v1/convai/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["detail"]["status"] == "not_found"
    wrong_method = client.put("/v1/convai/agents/create", json={})
    assert wrong_method.status_code == 405 and "detail" in wrong_method.json()
    absent = client.get("/v1/convai/agents/agent_missing")
    assert absent.status_code == 404 and absent.json()["detail"]["status"] == "agent_not_found"


def test_server_owned_fields_versions_and_tools_echo(client: httpx.Client) -> None:
    tool_id = _create_tool(client)
    body = {"conversation_config": {"agent": {"prompt": {"prompt": "p", "tool_ids": [tool_id]}}}}
    agent_id = _create_agent(client, body)
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
    agent_id = _create_agent(client, body)
    patch = {"tags": ["c"], "conversation_config": {"agent": {"prompt": {"prompt": "q"}}}}
    patched = client.patch(f"/v1/convai/agents/{agent_id}", json=patch).json()
    assert patched["tags"] == ["c"]
    agent = patched["conversation_config"]["agent"]
    assert agent["first_message"] == "Hi"
    assert agent["prompt"]["prompt"] == "q" and agent["prompt"]["temperature"] == 0.5


def test_page_size_limit_and_cursor(client: httpx.Client) -> None:
    for index in range(3):
        _create_agent(client, {**AGENT_BODY, "name": f"n{index}"})
    too_big = client.get("/v1/convai/agents", params={"page_size": 101})
    assert too_big.status_code == 422 and too_big.json()["detail"][0]["loc"] == ["query", "page_size"]
    first = client.get("/v1/convai/agents", params={"page_size": 2}).json()
    assert [a["name"] for a in first["agents"]] == ["n2", "n1"] and first["has_more"]
    second = client.get("/v1/convai/agents", params={"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert [a["name"] for a in second["agents"]] == ["n0"] and not second["has_more"]
    assert client.get("/v1/convai/agents", params={"cursor": "garbage"}).status_code == 400
    assert [a["name"] for a in client.get("/v1/convai/agents", params={"search": "N1"}).json()["agents"]] == [
        "n1"
    ]


def test_references_must_exist_and_deleting_a_used_tool_needs_force(client: httpx.Client) -> None:
    dangling = {"conversation_config": {"agent": {"prompt": {"tool_ids": ["tool_nope"]}}}}
    response = client.post("/v1/convai/agents/create", json=dangling)
    assert response.status_code == 400 and response.json()["detail"]["status"] == "tool_not_found"

    tool_id = _create_tool(client)
    agent_id = _create_agent(client, {"conversation_config": {"agent": {"prompt": {"tool_ids": [tool_id]}}}})
    dependents = client.get(f"/v1/convai/tools/{tool_id}/dependent-agents").json()
    assert [a["id"] for a in dependents["agents"]] == [agent_id]
    refused = client.delete(f"/v1/convai/tools/{tool_id}")
    assert refused.status_code == 409 and refused.json()["detail"]["status"] == "tool_in_use"
    assert client.delete(f"/v1/convai/tools/{tool_id}", params={"force": "true"}).status_code == 200
    prompt = client.get(f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]["prompt"]
    assert prompt["tool_ids"] == [] and prompt["tools"] == []


def test_deleting_an_attached_test_detaches_it(client: httpx.Client) -> None:
    test_id = client.post("/v1/convai/agent-testing/create", json={"name": "t"}).json()["id"]
    body = {**AGENT_BODY, "platform_settings": {"testing": {"attached_tests": [{"test_id": test_id}]}}}
    agent_id = _create_agent(client, body)
    assert client.delete(f"/v1/convai/agent-testing/{test_id}").status_code == 200
    testing = client.get(f"/v1/convai/agents/{agent_id}").json()["platform_settings"]["testing"]
    assert testing["attached_tests"] == []


def test_secret_values_are_write_only_and_env_vars_need_production(client: httpx.Client) -> None:
    created = client.post("/v1/convai/secrets", json={"type": "new", "name": "k", "value": "s3cret"})
    assert "s3cret" not in created.text
    assert "s3cret" not in client.get("/v1/convai/secrets").text
    no_production = {"type": "string", "label": "X", "values": {"staging": "v"}}
    assert client.post("/v1/convai/environment-variables", json=no_production).status_code == 400
    good = {"type": "string", "label": "X", "values": {"production": "v"}}
    assert client.post("/v1/convai/environment-variables", json=good).status_code == 200
    assert client.post("/v1/convai/environment-variables", json=good).status_code == 409


def test_seeded_faults_repeat_for_the_same_request_sequence(served_emulator: ServedEmulator) -> None:
    from agents_cli.emulator.faults import FaultSettings

    def statuses() -> list[int]:
        served_emulator.configure(faults=FaultSettings(seed=7, fault_rate=0.2, kinds=("429", "500", "503")))
        with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as http:
            return [http.get("/v1/convai/agents").status_code for _ in range(40)]

    first, second = statuses(), statuses()
    assert first == second
    assert 0 < sum(status != 200 for status in first) < 40
    served_emulator.configure(faults=None)


def test_dropped_connection_over_http_is_a_protocol_error_not_an_app_error(
    served_emulator: ServedEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    from agents_cli.emulator.faults import FaultSettings

    served_emulator.configure(faults=FaultSettings(seed=3, fault_rate=1.0, kinds=("drop",)))
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers)
    served_emulator.configure(faults=None)
    assert httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers).status_code == 200
    assert not [r for r in caplog.records if r.levelname == "ERROR" and "ASGI" in r.getMessage() + r.name]
    assert not [r for r in caplog.records if r.name == "agents_cli.emulator"]


def test_lists_sort_by_name_or_creation_in_both_directions(client: httpx.Client) -> None:
    for name in ("bravo", "Alpha", "charlie"):
        _create_agent(client, {**AGENT_BODY, "name": name})

    def names(**params: str | int) -> list[str]:
        collected: list[str] = []
        cursor = None
        while True:
            query: dict[str, str | int] = {"page_size": 2, **params}
            if cursor:
                query["cursor"] = cursor
            page = client.get("/v1/convai/agents", params=query).json()
            collected += [agent["name"] for agent in page["agents"]]
            if not page["has_more"]:
                return collected
            cursor = page["next_cursor"]

    assert names() == ["charlie", "Alpha", "bravo"]
    assert names(sort_direction="asc") == ["bravo", "Alpha", "charlie"]
    assert names(sort_by="name", sort_direction="asc") == ["Alpha", "bravo", "charlie"]
    assert names(sort_by="name") == ["charlie", "bravo", "Alpha"]
    bad = client.get("/v1/convai/agents", params={"sort_by": "size"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "sort_by"]
