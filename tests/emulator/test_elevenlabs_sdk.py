"""The official ``elevenlabs`` SDK (pinned in the test extra) against the emulator served on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.emulator import ServedEmulator
from tests.support.knowledge_routes import drive_knowledge_base, drive_mcp_servers

elevenlabs = pytest.importorskip("elevenlabs")

PAGE_SIZE = 5
AGENT_COUNT = 12  # more than two pages


def _client(served: ServedEmulator) -> Any:
    return elevenlabs.ElevenLabs(api_key=served.api_key, base_url=served.url, timeout=10)


def _all_agents(client: Any) -> list[Any]:
    agents: list[Any] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = client.conversational_ai.agents.list(page_size=PAGE_SIZE, cursor=cursor)
        agents.extend(page.agents)
        pages += 1
        assert len(page.agents) <= PAGE_SIZE
        if not page.has_more:
            assert page.next_cursor is None
            break
        cursor = page.next_cursor
    assert pages == -(-AGENT_COUNT // PAGE_SIZE)
    return agents


def test_sdk_agents_create_get_list_all_pages_update_delete(served_emulator: ServedEmulator) -> None:
    client = _client(served_emulator)
    agents_api = client.conversational_ai.agents
    created = [
        agents_api.create(
            name=f"agent {index:02d}",
            tags=["sdk"],
            conversation_config={
                "agent": {"first_message": f"Hello {index}", "prompt": {"prompt": "Be brief."}}
            },
        ).agent_id
        for index in range(AGENT_COUNT)
    ]
    assert all(agent_id.startswith("agent_") and len(agent_id) == len("agent_") + 28 for agent_id in created)

    listed = _all_agents(client)
    assert sorted(a.agent_id for a in listed) == sorted(created)
    assert len({a.agent_id for a in listed}) == AGENT_COUNT  # no page repeats an agent

    agent = agents_api.get(created[0])
    assert agent.name == "agent 00"
    assert agent.conversation_config.agent.first_message == "Hello 0"
    assert agent.conversation_config.agent.prompt.llm  # a server default was filled in

    updated = agents_api.update(created[0], name="renamed", conversation_config={"agent": {"language": "de"}})
    assert updated.name == "renamed"
    assert updated.conversation_config.agent.language == "de"
    assert updated.conversation_config.agent.first_message == "Hello 0"  # PATCH merged, not replaced
    assert agents_api.get(created[0]).name == "renamed"

    agents_api.delete(created[0])
    with pytest.raises(elevenlabs.core.ApiError) as excinfo:
        agents_api.get(created[0])
    assert excinfo.value.status_code == 404


def test_sdk_tools_create_get_list_update_delete(served_emulator: ServedEmulator) -> None:
    tools_api = _client(served_emulator).conversational_ai.tools
    tool = tools_api.create(
        request={"tool_config": {"type": "client", "name": "show_map", "description": "Show a map"}}
    )
    assert tool.id.startswith("tool_")
    assert tools_api.get(tool.id).tool_config.name == "show_map"
    updated = tools_api.update(
        tool.id,
        request={"tool_config": {"type": "client", "name": "show_map", "description": "Show the map"}},
    )
    assert updated.tool_config.description == "Show the map"
    assert [t.id for t in tools_api.list().tools] == [tool.id]
    tools_api.delete(tool.id)
    assert tools_api.list().tools == []


def test_sdk_tests_crud_run_and_poll_to_completion(served_emulator: ServedEmulator) -> None:
    served_emulator.configure(completion_polls=3)
    client = _client(served_emulator)
    tests_api = client.conversational_ai.tests
    test_id = tests_api.create(
        request={
            "type": "llm",
            "name": "greets",
            "success_condition": "The agent greets the user",
            "chat_history": [{"role": "user", "message": "Hi", "time_in_call_secs": 0}],
            "success_examples": [],
            "failure_examples": [],
        }
    ).id
    assert tests_api.get(test_id).name == "greets"
    tests_api.update(
        test_id,
        request={
            "type": "llm",
            "name": "greets the user",
            "success_condition": "The agent greets the user",
            "chat_history": [{"role": "user", "message": "Hi", "time_in_call_secs": 0}],
            "success_examples": [],
            "failure_examples": [],
        },
    )
    assert tests_api.get(test_id).name == "greets the user"
    assert [t.id for t in tests_api.list().tests] == [test_id]

    agent_id = client.conversational_ai.agents.create(
        name="greeter",
        conversation_config={
            "agent": {"first_message": "Hello! Welcome.", "prompt": {"prompt": "Greet users."}}
        },
    ).agent_id
    invocation = client.conversational_ai.agents.run_tests(
        agent_id, tests=[{"test_id": test_id}], repeat_count=2
    )
    assert [run.status for run in invocation.test_runs] == ["pending", "pending"]

    polls = 0
    while True:
        polls += 1
        invocation = tests_api.invocations.get(invocation.id)
        if all(run.status != "pending" for run in invocation.test_runs):
            break
        assert polls < 50, "the runs never completed"
    assert polls == 3  # completion_polls
    assert {run.status for run in invocation.test_runs} <= {"passed", "failed"}
    assert all(run.condition_result is not None for run in invocation.test_runs)

    tests_api.delete(test_id)
    with pytest.raises(elevenlabs.core.ApiError):
        tests_api.get(test_id)


def test_sdk_drives_every_knowledge_base_route(served_emulator: ServedEmulator) -> None:
    drive_knowledge_base(_client(served_emulator))


def test_sdk_drives_every_mcp_server_route(served_emulator: ServedEmulator) -> None:
    drive_mcp_servers(_client(served_emulator))
