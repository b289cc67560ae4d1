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


def test_sdk_secrets_and_environment_variables(served_emulator: ServedEmulator) -> None:
    client = _client(served_emulator)
    secrets_api = client.conversational_ai.secrets
    created = secrets_api.create(name="crm_token", value="s3cret-sdk")
    secrets_api.update(created.secret_id, name="crm_token", value="s3cret-sdk-2")
    listed = secrets_api.list()
    assert [s.name for s in listed.secrets] == ["crm_token"]
    assert secrets_api.get_dependencies(created.secret_id, "tools").dependencies == []

    variables = client.environment_variables
    variable = variables.create(
        request=elevenlabs.environment_variables.EnvironmentVariablesCreateRequestBody_String(
            label="API_BASE", values={"production": "https://api.example.com", "staging": "https://stg"}
        )
    )
    updated = variables.update(variable.id, values={"staging": None})
    assert updated.values == {"production": "https://api.example.com"}
    assert variables.get(variable.id).label == "API_BASE"
    with pytest.raises(elevenlabs.core.ApiError) as refused:
        variables.update(variable.id, values={"production": None})
    assert refused.value.status_code == 400
    variables.delete(variable.id)
    with pytest.raises(elevenlabs.core.ApiError):
        variables.get(variable.id)


def test_sdk_phone_numbers_import_assign_and_settings(served_emulator: ServedEmulator) -> None:
    client = _client(served_emulator)
    convai = client.conversational_ai
    agent_id = convai.agents.create(name="support", conversation_config={}).agent_id
    twilio = convai.phone_numbers.create(
        request=elevenlabs.conversational_ai.phone_numbers.PhoneNumbersCreateRequestBody_Twilio(
            phone_number="+15551230000", label="support", sid="AC123", token="twilio-token"
        )
    )
    trunk = convai.phone_numbers.create(
        request=elevenlabs.conversational_ai.phone_numbers.PhoneNumbersCreateRequestBody_SipTrunk(
            phone_number="+15551230001", label="trunk"
        )
    )
    convai.phone_numbers.update(twilio.phone_number_id, agent_id=agent_id)
    assigned = convai.phone_numbers.get(twilio.phone_number_id)
    assert assigned.assigned_agent is not None and assigned.assigned_agent.agent_id == agent_id
    assert {number.phone_number for number in convai.phone_numbers.list()} == {"+15551230000", "+15551230001"}
    with pytest.raises(elevenlabs.core.ApiError) as refused:
        convai.phone_numbers.update(twilio.phone_number_id, agent_id="agent_missing")
    assert refused.value.status_code == 400
    convai.phone_numbers.delete(trunk.phone_number_id)
    assert [number.label for number in convai.phone_numbers.list()] == ["support"]

    settings = convai.settings.update(
        webhooks=elevenlabs.ConvAiWebhooks(post_call_webhook_id="hook_1", send_audio=True)
    )
    assert settings.webhooks.post_call_webhook_id == "hook_1"
    assert convai.settings.get().webhooks.send_audio is True


def test_sdk_workspace_webhooks_create_list_update_delete(served_emulator: ServedEmulator) -> None:
    client = _client(served_emulator)
    made = client.webhooks.create(
        settings=elevenlabs.WebhookHmacSettings(
            auth_type="hmac", name="post-call", webhook_url="https://hooks.example.com/call"
        )
    )
    assert made.webhook_id and made.webhook_secret  # the signing secret, answered once
    client.webhooks.update(made.webhook_id, is_disabled=True, name="renamed")
    client.conversational_ai.settings.update(
        webhooks=elevenlabs.ConvAiWebhooks(post_call_webhook_id=made.webhook_id)
    )
    listed = client.webhooks.list(include_usages=True).webhooks
    assert [(hook.name, hook.is_disabled, hook.auth_type) for hook in listed] == [("renamed", True, "hmac")]
    assert [usage.usage_type for usage in listed[0].usage or []] == ["ConvAI Settings"]
    with pytest.raises(elevenlabs.core.ApiError) as in_use:
        client.webhooks.delete(made.webhook_id)
    assert in_use.value.status_code == 409
    client.conversational_ai.settings.update(webhooks=elevenlabs.ConvAiWebhooks(post_call_webhook_id=None))
    client.webhooks.delete(made.webhook_id)
    assert client.webhooks.list().webhooks == []
    with pytest.raises(elevenlabs.core.ApiError) as missing:
        client.webhooks.update(made.webhook_id, is_disabled=False, name="x")
    assert missing.value.status_code == 404


def _prompt(agent: Any) -> str:
    return str(agent.conversation_config.agent.prompt.prompt)


def test_sdk_branches_versions_merge_rebase_and_deployments(served_emulator: ServedEmulator) -> None:
    """Every branch route as the official client calls it: a branch cut from main's version, written with
    ``branch_id``, read with and without it, merged back (a real conflict refused, then forced), rebased,
    archived, and a traffic split deployed."""
    client = _client(served_emulator)
    agents_api = client.conversational_ai.agents
    config = {"agent": {"first_message": "Hi", "prompt": {"prompt": "v1"}}}
    agent_id = agents_api.create(name="branched", conversation_config=config).agent_id
    main = agents_api.get(agent_id)
    created = agents_api.branches.create(
        agent_id, parent_version_id=main.version_id, name="staging", description="cut from main"
    )
    staging = created.created_branch_id
    agents_api.update(
        agent_id,
        branch_id=staging,
        conversation_config={"agent": {"prompt": {"prompt": "v2"}}},
        version_description="staging prompt (abc1234)",
    )
    assert _prompt(agents_api.get(agent_id, branch_id=staging)) == "v2"
    assert _prompt(agents_api.get(agent_id)) == "v1"  # main untouched
    assert _prompt(agents_api.get(agent_id, version_id=main.version_id)) == "v1"

    detail = agents_api.branches.get(agent_id, staging)
    assert detail.name == "staging"
    assert detail.most_recent_versions[0].version_description == "staging prompt (abc1234)"
    version = agents_api.versions.get(agent_id, detail.most_recent_versions[0].id)
    assert version.branch_id == staging
    listed = agents_api.branches.list(agent_id)
    assert {b.name for b in listed.results} == {"Main", "staging"}

    preview = agents_api.branches.preview_merge(agent_id, staging, target_branch_id=main.main_branch_id)
    assert not preview.conflicts
    assert preview.conversation_config.agent.prompt.prompt == "v2"
    # A dashboard edit of the same field on main: a conflict, refused without force.
    agents_api.update(agent_id, conversation_config={"agent": {"prompt": {"prompt": "hotfix"}}})
    preview = agents_api.branches.preview_merge(agent_id, staging, target_branch_id=main.main_branch_id)
    assert [(c.section, c.path) for c in preview.conflicts] == [
        ("conversation_config", "agent.prompt.prompt")
    ]
    with pytest.raises(elevenlabs.core.ApiError) as refused:
        agents_api.branches.merge(agent_id, staging, target_branch_id=main.main_branch_id)
    assert refused.value.status_code == 409
    agents_api.branches.merge(
        agent_id, staging, target_branch_id=main.main_branch_id, force=True, archive_source_branch=False
    )
    assert _prompt(agents_api.get(agent_id)) == "v2"

    agents_api.update(agent_id, conversation_config={"agent": {"first_message": "Hello"}})
    rebase = agents_api.branches.preview_rebase(agent_id, staging)
    assert not rebase.conflicts and rebase.conversation_config.agent.first_message == "Hello"
    agents_api.branches.rebase(agent_id, staging)
    assert agents_api.get(agent_id, branch_id=staging).conversation_config.agent.first_message == "Hello"

    deployed = agents_api.deployments.create(
        agent_id,
        deployment_request={
            "requests": [
                {"branch_id": main.main_branch_id, "deployment_strategy": {"traffic_percentage": 90}},
                {"branch_id": staging, "deployment_strategy": {"traffic_percentage": 10}},
            ]
        },
    )
    assert deployed.traffic_percentage_branch_id_map == {main.main_branch_id: 90, staging: 10}
    live = {b.name: b.current_live_percentage for b in agents_api.branches.list(agent_id).results}
    assert live == {"Main": 90, "staging": 10}
    with pytest.raises(elevenlabs.core.ApiError):  # still serving 10 %
        agents_api.branches.update(agent_id, staging, is_archived=True)
    agents_api.deployments.create(
        agent_id,
        deployment_request={
            "requests": [
                {"branch_id": main.main_branch_id, "deployment_strategy": {"traffic_percentage": 100}}
            ]
        },
    )
    assert agents_api.branches.update(agent_id, staging, is_archived=True).is_archived
    assert [b.name for b in agents_api.branches.list(agent_id).results] == ["Main"]
    assert len(agents_api.branches.list(agent_id, include_archived=True).results) == 2
