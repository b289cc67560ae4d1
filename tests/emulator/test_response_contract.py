"""Every implemented route is exercised over loopback HTTP and each response body fits the spec's schema."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.contract import contract_violations, route_of
from tests.support.emulator import ServedEmulator

IMPLEMENTED_ROUTES = {
    ("POST", "/v1/convai/agents/create"),
    ("GET", "/v1/convai/agents/{agent_id}"),
    ("GET", "/v1/convai/agents"),
    ("PATCH", "/v1/convai/agents/{agent_id}"),
    ("DELETE", "/v1/convai/agents/{agent_id}"),
    ("POST", "/v1/convai/agents/{agent_id}/duplicate"),
    ("GET", "/v1/convai/agents/{agent_id}/widget"),
    ("POST", "/v1/convai/tools"),
    ("GET", "/v1/convai/tools"),
    ("GET", "/v1/convai/tools/{tool_id}"),
    ("PATCH", "/v1/convai/tools/{tool_id}"),
    ("DELETE", "/v1/convai/tools/{tool_id}"),
    ("GET", "/v1/convai/tools/{tool_id}/dependent-agents"),
    ("POST", "/v1/convai/agent-testing/create"),
    ("GET", "/v1/convai/agent-testing/{test_id}"),
    ("PUT", "/v1/convai/agent-testing/{test_id}"),
    ("DELETE", "/v1/convai/agent-testing/{test_id}"),
    ("GET", "/v1/convai/agent-testing"),
    ("POST", "/v1/convai/agent-testing/summaries"),
    ("POST", "/v1/convai/agents/{agent_id}/run-tests"),
    ("GET", "/v1/convai/test-invocations/{test_invocation_id}"),
    ("GET", "/v1/convai/test-invocations"),
    ("POST", "/v1/convai/test-invocations/{test_invocation_id}/resubmit"),
    ("POST", "/v1/convai/agents/{agent_id}/simulate-conversation"),
    ("POST", "/v1/convai/knowledge-base/text"),
    ("POST", "/v1/convai/knowledge-base/url"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}"),
    ("DELETE", "/v1/convai/knowledge-base/{documentation_id}"),
    ("GET", "/v1/convai/knowledge-base"),
    ("POST", "/v1/convai/secrets"),
    ("GET", "/v1/convai/secrets"),
    ("GET", "/v1/convai/secrets/{secret_id}"),
    ("PATCH", "/v1/convai/secrets/{secret_id}"),
    ("DELETE", "/v1/convai/secrets/{secret_id}"),
    ("GET", "/v1/user"),
    ("GET", "/v1/convai/environment-variables"),
    ("POST", "/v1/convai/environment-variables"),
    ("GET", "/v1/convai/environment-variables/{env_var_id}"),
    ("PATCH", "/v1/convai/environment-variables/{env_var_id}"),
    ("GET", "/v1/convai/secrets/{secret_id}/dependencies/{resource_type}"),
    ("POST", "/v1/convai/phone-numbers"),
    ("GET", "/v1/convai/phone-numbers"),
    ("GET", "/v1/convai/phone-numbers/{phone_number_id}"),
    ("PATCH", "/v1/convai/phone-numbers/{phone_number_id}"),
    ("DELETE", "/v1/convai/phone-numbers/{phone_number_id}"),
    ("GET", "/v1/convai/settings"),
    ("PATCH", "/v1/convai/settings"),
    ("POST", "/v1/convai/agents/{agent_id}/branches"),
    ("GET", "/v1/convai/agents/{agent_id}/branches"),
    ("GET", "/v1/convai/agents/{agent_id}/branches/{branch_id}"),
    ("PATCH", "/v1/convai/agents/{agent_id}/branches/{branch_id}"),
    ("GET", "/v1/convai/agents/{agent_id}/versions/{version_id}"),
    ("GET", "/v1/convai/agents/{agent_id}/branches/{source_branch_id}/merge-preview"),
    ("POST", "/v1/convai/agents/{agent_id}/branches/{source_branch_id}/merge"),
    ("GET", "/v1/convai/agents/{agent_id}/branches/{branch_id}/rebase-preview"),
    ("POST", "/v1/convai/agents/{agent_id}/branches/{branch_id}/rebase"),
    ("POST", "/v1/convai/agents/{agent_id}/deployments"),
}

WEBHOOK_TOOL = {
    "tool_config": {
        "type": "webhook",
        "name": "lookup_order",
        "description": "Look up an order by id",
        "api_schema": {
            "url": "https://example.com/orders/{order_id}",
            "method": "GET",
            "path_params_schema": {"order_id": {"type": "string", "description": "The order id"}},
        },
    }
}


def _ok(response: httpx.Response) -> Any:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text[:500]}"
    return response.json() if response.content else None


def _create_documents_tools_and_tests(client: httpx.Client) -> dict[str, Any]:
    """The records an agent can reference, by role (``doc``, ``tool``, ``llm_test``...)."""
    doc = _ok(
        client.post("/v1/convai/knowledge-base/text", json={"text": "Opening hours: 9-17", "name": "Hours"})
    )
    url_doc = _ok(client.post("/v1/convai/knowledge-base/url", json={"url": "https://example.com/faq"}))
    _ok(client.get(f"/v1/convai/knowledge-base/{doc['id']}"))
    _ok(client.get(f"/v1/convai/knowledge-base/{url_doc['id']}"))
    tool = _ok(client.post("/v1/convai/tools", json=WEBHOOK_TOOL))
    client_tool = _ok(
        client.post(
            "/v1/convai/tools", json={"tool_config": {"type": "client", "name": "show", "description": "d"}}
        )
    )
    llm_test = _ok(
        client.post(
            "/v1/convai/agent-testing/create",
            json={
                "name": "greets",
                "type": "llm",
                "success_condition": "The agent greets the user",
                "chat_history": [{"role": "user", "message": "Hello", "time_in_call_secs": 0}],
            },
        )
    )
    tool_test = _ok(
        client.post(
            "/v1/convai/agent-testing/create",
            json={
                "name": "looks up",
                "type": "tool",
                "chat_history": [{"role": "user", "message": "Where is order 42?", "time_in_call_secs": 0}],
                "tool_call_parameters": {
                    "referenced_tool": {"id": tool["id"], "type": "webhook"},
                    "parameters": [{"path": "order_id", "eval": {"type": "anything"}}],
                },
            },
        )
    )
    simulation_test = _ok(
        client.post(
            "/v1/convai/agent-testing/create",
            json={
                "name": "simulated",
                "type": "simulation",
                "simulation_scenario": "A customer asks about opening hours",
                "success_conditions": ["The agent greets the user"],
            },
        )
    )
    return {
        "doc": doc,
        "tool": tool,
        "client_tool": client_tool,
        "llm_test": llm_test,
        "tool_test": tool_test,
        "simulation_test": simulation_test,
    }


def _create_agent(client: httpx.Client, made: dict[str, Any]) -> str:
    doc, tool, client_tool, llm_test = made["doc"], made["tool"], made["client_tool"], made["llm_test"]
    agent = _ok(
        client.post(
            "/v1/convai/agents/create",
            json={
                "name": "Support",
                "tags": ["support"],
                "conversation_config": {
                    "agent": {
                        "first_message": "Hello! How can I help?",
                        "prompt": {
                            "prompt": "You help customers with orders.",
                            "tool_ids": [tool["id"], client_tool["id"]],
                            "knowledge_base": [{"type": "text", "name": "Hours", "id": doc["id"]}],
                        },
                    }
                },
                "platform_settings": {"testing": {"attached_tests": [{"test_id": llm_test["id"]}]}},
            },
        )
    )
    agent_id: str = agent["agent_id"]
    return agent_id


def _exercise_agents(client: httpx.Client, agent_id: str) -> str:
    """Every agent route but delete; returns the id of the duplicate."""
    fetched = _ok(client.get(f"/v1/convai/agents/{agent_id}"))
    _ok(client.get(f"/v1/convai/agents/{agent_id}", params={"version_id": fetched["version_id"]}))
    _ok(client.get(f"/v1/convai/agents/{agent_id}", params={"branch_id": fetched["main_branch_id"]}))
    _ok(
        client.patch(
            f"/v1/convai/agents/{agent_id}", json={"conversation_config": {"agent": {"language": "de"}}}
        )
    )
    _ok(client.get("/v1/convai/agents", params={"search": "supp", "tags": "support"}))
    copy = _ok(client.post(f"/v1/convai/agents/{agent_id}/duplicate", json={"name": "Support copy"}))
    _ok(client.get(f"/v1/convai/agents/{agent_id}/widget"))
    copy_id: str = copy["agent_id"]
    return copy_id


def _exercise_tools_and_tests(client: httpx.Client, made: dict[str, Any]) -> None:
    tool, llm_test, tool_test = made["tool"], made["llm_test"], made["tool_test"]
    simulation_test = made["simulation_test"]
    _ok(client.get("/v1/convai/tools", params={"types": "webhook"}))
    _ok(client.get(f"/v1/convai/tools/{tool['id']}"))
    _ok(client.patch(f"/v1/convai/tools/{tool['id']}", json=WEBHOOK_TOOL))
    _ok(client.get(f"/v1/convai/tools/{tool['id']}/dependent-agents"))
    _ok(client.get(f"/v1/convai/agent-testing/{llm_test['id']}"))
    _ok(client.get(f"/v1/convai/agent-testing/{tool_test['id']}"))
    _ok(client.get(f"/v1/convai/agent-testing/{simulation_test['id']}"))
    _ok(
        client.put(
            f"/v1/convai/agent-testing/{llm_test['id']}", json={"name": "greets", "success_condition": "Hi"}
        )
    )
    _ok(client.get("/v1/convai/agent-testing", params={"page_size": 2}))
    _ok(
        client.post(
            "/v1/convai/agent-testing/summaries", json={"test_ids": [llm_test["id"], tool_test["id"]]}
        )
    )


def _exercise_runs(client: httpx.Client, agent_id: str, made: dict[str, Any]) -> None:
    llm_test, tool_test, simulation_test = made["llm_test"], made["tool_test"], made["simulation_test"]
    run = _ok(
        client.post(
            f"/v1/convai/agents/{agent_id}/run-tests",
            json={"tests": [{"test_id": t["id"]} for t in (llm_test, tool_test, simulation_test)]},
        )
    )
    invocation = _ok(client.get(f"/v1/convai/test-invocations/{run['id']}"))
    _ok(client.get("/v1/convai/test-invocations", params={"agent_id": agent_id}))
    _ok(
        client.post(
            f"/v1/convai/test-invocations/{run['id']}/resubmit",
            json={"test_run_ids": [invocation["test_runs"][0]["test_run_id"]], "agent_id": agent_id},
        )
    )
    _ok(client.get(f"/v1/convai/test-invocations/{run['id']}"))
    _ok(
        client.post(
            f"/v1/convai/agents/{agent_id}/simulate-conversation",
            json={
                "simulation_specification": {"simulated_user_config": {"first_message": "Hi"}},
                "extra_evaluation_criteria": [
                    {"id": "greet", "name": "Greets", "conversation_goal_prompt": "The agent greets the user"}
                ],
                "new_turns_limit": 4,
            },
        )
    )


def _exercise_workspace(client: httpx.Client) -> None:
    """Knowledge-base listing, secrets, the user and environment variables."""
    _ok(client.get("/v1/convai/knowledge-base"))
    secret = _ok(client.post("/v1/convai/secrets", json={"type": "new", "name": "token", "value": "s3cret"}))
    _ok(client.get("/v1/convai/secrets"))
    _ok(client.get(f"/v1/convai/secrets/{secret['secret_id']}"))
    _ok(
        client.patch(
            f"/v1/convai/secrets/{secret['secret_id']}", json={"type": "update", "name": "t", "value": "v"}
        )
    )
    _ok(client.delete(f"/v1/convai/secrets/{secret['secret_id']}"))
    _ok(client.get("/v1/user"))
    variable = _ok(
        client.post(
            "/v1/convai/environment-variables",
            json={
                "type": "string",
                "label": "API_BASE",
                "values": {"production": "https://api", "staging": "x"},
            },
        )
    )
    _ok(client.get("/v1/convai/environment-variables", params={"environment": "staging"}))
    _ok(client.get(f"/v1/convai/environment-variables/{variable['id']}"))
    _ok(
        client.patch(f"/v1/convai/environment-variables/{variable['id']}", json={"values": {"staging": None}})
    )


def _exercise_phone_numbers_and_settings(client: httpx.Client, agent_id: str) -> None:
    """Secret dependencies, phone numbers of both import providers, and the convai settings."""
    secret = _ok(client.post("/v1/convai/secrets", json={"type": "new", "name": "hook", "value": "s3cret"}))
    for resource_type in ("tools", "agents", "phone_numbers"):
        _ok(client.get(f"/v1/convai/secrets/{secret['secret_id']}/dependencies/{resource_type}"))
    twilio = _ok(
        client.post(
            "/v1/convai/phone-numbers",
            json={
                "provider": "twilio",
                "phone_number": "+15551230000",
                "label": "support",
                "sid": "AC1",
                "token": "t",
            },
        )
    )
    sip = {
        "provider": "sip_trunk",
        "phone_number": "+15551230001",
        "label": "trunk",
        "outbound_trunk_config": {
            "address": "sip.example.com",
            "credentials": {"username": "u", "password": "p"},
        },
    }
    trunk = _ok(client.post("/v1/convai/phone-numbers", json=sip))
    _ok(client.get("/v1/convai/phone-numbers"))
    _ok(client.patch(f"/v1/convai/phone-numbers/{twilio['phone_number_id']}", json={"agent_id": agent_id}))
    _ok(client.get(f"/v1/convai/phone-numbers/{twilio['phone_number_id']}"))
    _ok(client.get(f"/v1/convai/phone-numbers/{trunk['phone_number_id']}"))
    _ok(client.delete(f"/v1/convai/phone-numbers/{trunk['phone_number_id']}"))
    _ok(client.get("/v1/convai/settings"))
    webhook = {
        "url": "https://hooks.example.com/init",
        "request_headers": {"X-Token": {"secret_id": secret["secret_id"]}},
    }
    _ok(client.patch("/v1/convai/settings", json={"conversation_initiation_client_data_webhook": webhook}))


def _exercise_webhooks(client: httpx.Client) -> None:
    settings = {"auth_type": "hmac", "name": "post-call", "webhook_url": "https://hooks.example.com/call"}
    made = _ok(client.post("/v1/workspace/webhooks", json={"settings": settings}))
    one = f"/v1/workspace/webhooks/{made['webhook_id']}"
    _ok(client.patch(one, json={"name": "post-call", "is_disabled": False, "events": ["agent_qa"]}))
    point = {"webhooks": {"post_call_webhook_id": made["webhook_id"]}}
    _ok(client.patch("/v1/convai/settings", json=point))
    listed = _ok(client.get("/v1/workspace/webhooks", params={"include_usages": "true"}))["webhooks"]
    assert listed[0]["usage"] == [{"usage_type": "ConvAI Settings"}] and listed[0]["events"] == ["agent_qa"]
    assert client.delete(one).status_code == 409  # the settings use it
    _ok(client.patch("/v1/convai/settings", json={"webhooks": {"post_call_webhook_id": None}}))
    _ok(client.delete(one))
    assert client.delete(one).status_code == 404


def _exercise_branches(client: httpx.Client, agent_id: str) -> None:
    agent = f"/v1/convai/agents/{agent_id}"
    main = _ok(client.get(agent))
    made = {"parent_version_id": main["version_id"], "name": "staging", "description": "cut"}
    branch = _ok(client.post(f"{agent}/branches", json=made))["created_branch_id"]
    body = {"name": "Branched", "version_description": "on staging (abc1234)"}
    _ok(client.patch(agent, params={"branch_id": branch}, json=body))
    _ok(client.get(agent, params={"branch_id": branch}))
    _ok(client.get(agent, params={"version_id": main["version_id"]}))
    _ok(client.get(f"{agent}/branches", params={"include_archived": "true"}))
    versions = _ok(client.get(f"{agent}/branches/{branch}"))["most_recent_versions"]
    _ok(client.get(f"{agent}/versions/{versions[0]['id']}"))
    target = {"target_branch_id": main["main_branch_id"]}
    _ok(client.get(f"{agent}/branches/{branch}/merge-preview", params=target))
    _ok(client.post(f"{agent}/branches/{branch}/merge", params=target, json={"archive_source_branch": False}))
    _ok(client.get(f"{agent}/branches/{branch}/rebase-preview"))
    _ok(client.post(f"{agent}/branches/{branch}/rebase"))
    split = [
        {"branch_id": main["main_branch_id"], "deployment_strategy": {"traffic_percentage": 100}},
        {"branch_id": branch, "deployment_strategy": {"traffic_percentage": 0}},
    ]
    _ok(client.post(f"{agent}/deployments", json={"deployment_request": {"requests": split}}))
    _ok(client.patch(f"{agent}/branches/{branch}", json={"is_archived": True}))


def _exercise_every_route(client: httpx.Client) -> None:
    made = _create_documents_tools_and_tests(client)
    agent_id = _create_agent(client, made)
    copy_id = _exercise_agents(client, agent_id)
    _exercise_tools_and_tests(client, made)
    _exercise_runs(client, agent_id, made)
    _exercise_workspace(client)
    _exercise_phone_numbers_and_settings(client, agent_id)
    _exercise_webhooks(client)
    _exercise_branches(client, agent_id)
    tool, doc, tool_test = made["tool"], made["doc"], made["tool_test"]
    _ok(client.delete(f"/v1/convai/agent-testing/{tool_test['id']}"))
    _ok(client.delete(f"/v1/convai/agents/{copy_id}"))
    _ok(client.delete(f"/v1/convai/agents/{agent_id}"))
    _ok(client.delete(f"/v1/convai/tools/{tool['id']}"))
    _ok(client.delete(f"/v1/convai/knowledge-base/{doc['id']}"))
    # A validation error has a documented body too (HTTPValidationError).
    assert client.post("/v1/convai/agents/create", json={"name": 1}).status_code == 422


def test_every_implemented_route_answers_within_the_spec(served_emulator: ServedEmulator) -> None:
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers, timeout=10) as client:
        _exercise_every_route(client)
    exchanges = served_emulator.exchanges
    covered = {
        (e.method, route)
        for e in exchanges
        if 200 <= e.status < 300 and (route := route_of(e.method, e.path)) is not None
    }
    assert covered >= IMPLEMENTED_ROUTES, f"not exercised: {sorted(IMPLEMENTED_ROUTES - covered)}"
    assert contract_violations(exchanges) == []
    assert any(e.status == 422 for e in exchanges)


def test_contract_check_catches_a_response_that_does_not_fit() -> None:
    from tests.support.emulator import Exchange

    bad = Exchange("GET", "/v1/convai/agents/agent_x", 200, "application/json", b'{"agent_id": 5}')
    violations = contract_violations([bad])
    assert violations and "agent_id" in " ".join(violations)
