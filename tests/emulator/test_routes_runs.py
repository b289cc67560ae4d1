"""Test runs over loopback HTTP: pending first, completion by polls or delay, overrides, repeats, resubmit,
invocation listing and simulate-conversation."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.emulator import WELCOME_TEST, ServedEmulator, expect_ok


def _setup(client: httpx.Client, first_message: str = "Hello there.") -> tuple[str, str]:
    test_id = client.post("/v1/convai/agent-testing/create", json=WELCOME_TEST).json()["id"]
    body = {"name": "greeter", "conversation_config": {"agent": {"first_message": first_message}}}
    agent_id = client.post("/v1/convai/agents/create", json=body).json()["agent_id"]
    return agent_id, test_id


def _run(client: httpx.Client, agent_id: str, test_id: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/convai/agents/{agent_id}/run-tests", json={"tests": [{"test_id": test_id}], **extra}
    )
    assert response.status_code == 200, response.text
    invocation: dict[str, Any] = response.json()
    assert all(run["status"] == "pending" for run in invocation["test_runs"])
    return invocation


def _poll(client: httpx.Client, invocation_id: str) -> dict[str, Any]:
    for _ in range(50):
        invocation: dict[str, Any] = client.get(f"/v1/convai/test-invocations/{invocation_id}").json()
        if all(run["status"] != "pending" for run in invocation["test_runs"]):
            return invocation
    raise AssertionError("runs never completed")


def test_verdict_follows_the_agent_and_the_override(client: httpx.Client) -> None:
    agent_id, test_id = _setup(client)
    failed = _poll(client, _run(client, agent_id, test_id)["id"])["test_runs"][0]
    assert failed["status"] == "failed"
    assert failed["condition_result"]["result"] == "failure"
    assert "welcome" in failed["condition_result"]["rationale"]["summary"]

    override = {
        "conversation_config": {"agent": {"first_message": "Welcome aboard!"}},
        "platform_settings": {},
    }
    passed = _poll(client, _run(client, agent_id, test_id, agent_config_override=override)["id"])[
        "test_runs"
    ][0]
    assert passed["status"] == "passed" and passed["condition_result"]["result"] == "success"
    # The override ran the test only: the stored agent is unchanged.
    stored = client.get(f"/v1/convai/agents/{agent_id}").json()
    assert stored["conversation_config"]["agent"]["first_message"] == "Hello there."


def test_runs_complete_only_once_the_configured_delay_has_passed(
    served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    # A delay no test run outlasts, so the early polls are pending whatever the machine's load; the delay
    # is read at each poll, so shortening it to one that has passed completes the runs on the next poll.
    served_emulator.configure(completion_delay=3600)
    agent_id, test_id = _setup(client, "Welcome!")
    invocation_id = _run(client, agent_id, test_id)["id"]
    early = client.get(f"/v1/convai/test-invocations/{invocation_id}").json()
    assert early["test_runs"][0]["status"] == "pending"
    again = client.get(f"/v1/convai/test-invocations/{invocation_id}").json()
    assert again["test_runs"][0]["status"] == "pending"  # polls alone do not complete it (completion_polls=1)
    served_emulator.configure(completion_delay=0.0)
    late = client.get(f"/v1/convai/test-invocations/{invocation_id}").json()
    assert late["test_runs"][0]["status"] == "passed"


def test_repeat_count_resubmit_and_listing(client: httpx.Client) -> None:
    agent_id, test_id = _setup(client)
    invocation = _poll(client, _run(client, agent_id, test_id, repeat_count=3)["id"])
    assert [run["status"] for run in invocation["test_runs"]] == ["failed"] * 3
    assert len({run["test_run_id"] for run in invocation["test_runs"]}) == 3

    patch = {"conversation_config": {"agent": {"first_message": "Welcome back!"}}}
    assert client.patch(f"/v1/convai/agents/{agent_id}", json=patch).status_code == 200
    run_id = invocation["test_runs"][0]["test_run_id"]
    body = {"test_run_ids": [run_id], "agent_id": agent_id}
    assert (
        client.post(f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json=body).status_code == 200
    )
    statuses = {run["test_run_id"]: run["status"] for run in _poll(client, invocation["id"])["test_runs"]}
    assert statuses[run_id] == "passed"
    assert sorted(statuses.values()) == ["failed", "failed", "passed"]

    listing = client.get("/v1/convai/test-invocations", params={"agent_id": agent_id}).json()
    assert [(r["id"], r["passed_count"], r["failed_count"]) for r in listing["results"]] == [
        (invocation["id"], 1, 2)
    ]
    unknown = client.post(
        f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json={**body, "test_run_ids": ["x"]}
    )
    assert unknown.status_code == 400


def test_run_tests_needs_existing_agent_and_tests(client: httpx.Client) -> None:
    agent_id, _ = _setup(client)
    missing_test = client.post(
        f"/v1/convai/agents/{agent_id}/run-tests", json={"tests": [{"test_id": "test_x"}]}
    )
    assert missing_test.status_code == 400
    assert client.post(
        "/v1/convai/agents/agent_x/run-tests", json={"tests": [{"test_id": "t"}]}
    ).status_code in (
        400,
        404,
    )
    assert client.post(f"/v1/convai/agents/{agent_id}/run-tests", json={"tests": []}).status_code == 422


def test_simulate_conversation_uses_the_agent(client: httpx.Client) -> None:
    agent_id, _ = _setup(client, "Welcome to the shop!")
    body = {
        "simulation_specification": {"simulated_user_config": {"first_message": "Hi"}},
        "extra_evaluation_criteria": [
            {"id": "w", "name": "w", "conversation_goal_prompt": "The agent says 'welcome'"}
        ],
    }
    result = client.post(f"/v1/convai/agents/{agent_id}/simulate-conversation", json=body).json()
    messages = [turn.get("message") or "" for turn in result["simulated_conversation"]]
    assert any("Welcome to the shop!" in message for message in messages)
    assert result["analysis"]["evaluation_criteria_results"]["w"]["result"] == "success"


def test_invocations_list_filters_by_agent_and_pages_newest_first(client: httpx.Client) -> None:
    test_id = expect_ok(client.post("/v1/convai/agent-testing/create", json=WELCOME_TEST))["id"]
    first, second = (
        expect_ok(client.post("/v1/convai/agents/create", json={"name": name, "conversation_config": {}}))[
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
        page = expect_ok(client.get("/v1/convai/test-invocations", params=params))
        assert all(item["agent_id"] == first for item in page["results"])
        collected += [item["id"] for item in page["results"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert collected == [runs[3], runs[2], runs[0]]
    everything = expect_ok(client.get("/v1/convai/test-invocations"))["results"]
    assert [item["id"] for item in everything] == runs[::-1]
    assert everything[0]["pending_count"] == 1 and everything[0]["test_run_count"] == 1
    assert (
        expect_ok(client.get("/v1/convai/test-invocations", params={"agent_id": "agent_none"}))["results"]
        == []
    )


def test_resubmitted_runs_use_the_new_agent_and_the_others_keep_theirs(
    served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    served_emulator.configure(completion_polls=3)  # keep the runs pending while we resubmit one
    test_id = expect_ok(client.post("/v1/convai/agent-testing/create", json=WELCOME_TEST))["id"]
    body = {"name": "greeter", "conversation_config": {"agent": {"first_message": "Hello there."}}}
    agent_id = expect_ok(client.post("/v1/convai/agents/create", json=body))["agent_id"]
    invocation = _run(client, agent_id, test_id, repeat_count=2)
    kept, resubmitted = (run["test_run_id"] for run in invocation["test_runs"])
    override = {
        "conversation_config": {"agent": {"first_message": "Welcome aboard!"}},
        "platform_settings": {},
    }
    resubmit = {"test_run_ids": [resubmitted], "agent_id": agent_id, "agent_config_override": override}
    assert (
        expect_ok(client.post(f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json=resubmit))
        == {}
    )

    for _ in range(3):
        result = expect_ok(client.get(f"/v1/convai/test-invocations/{invocation['id']}"))
    statuses = {run["test_run_id"]: run["status"] for run in result["test_runs"]}
    assert statuses == {kept: "failed", resubmitted: "passed"}
    assert all(not any(key.startswith("_") for key in run) for run in result["test_runs"])
    assert "_emulator" not in result

    # Resubmitting a finished run makes it pending again and judges it against the agent as it is now.
    expect_ok(
        client.patch(
            f"/v1/convai/agents/{agent_id}", json={"conversation_config": override["conversation_config"]}
        )
    )
    again = {"test_run_ids": [kept], "agent_id": agent_id}
    expect_ok(client.post(f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json=again))
    pending = expect_ok(client.get(f"/v1/convai/test-invocations/{invocation['id']}"))
    assert {run["test_run_id"]: run["status"] for run in pending["test_runs"]} == {
        kept: "pending",
        resubmitted: "passed",
    }
    for _ in range(2):
        result = expect_ok(client.get(f"/v1/convai/test-invocations/{invocation['id']}"))
    assert {run["status"] for run in result["test_runs"]} == {"passed"}
    unknown = client.post(
        f"/v1/convai/test-invocations/{invocation['id']}/resubmit", json={**again, "test_run_ids": ["run_x"]}
    )
    assert unknown.status_code == 400
