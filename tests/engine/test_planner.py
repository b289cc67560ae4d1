"""Planner and normalisation as pure functions over plain dicts (no IO, no HTTP)."""

from __future__ import annotations

import copy

import pytest

from agents_cli.cli.render.plan import plan_summary
from agents_cli.engine.normalise import (
    KNOWN_AFTER_APPLY,
    SENSITIVE,
    normalise_desired,
    normalise_remote,
    send_body,
)
from agents_cli.engine.plan import FieldChange, PlanOptions
from agents_cli.engine.planner import RemoteResource, field_changes, plan
from agents_cli.errors import ConfigError
from agents_cli.kinds.tags import env_tag, name_tag
from agents_cli.project.state import ResourceState, State, fingerprint

DECLARED = {"tool": {"lookup"}, "test": set(), "agent": {"bot"}}


def agent_config(temperature: float = 0.3, **extra: object) -> dict[str, object]:
    prompt = {"prompt": "You help.", "temperature": temperature, "tool_ids": ["@tool:lookup"]}
    return {"name": "Bot", "conversation_config": {"agent": {"prompt": prompt}}, **extra}


def desired(config: dict[str, object], ids: dict[str, dict[str, str]] | None = None, environ=None):  # type: ignore[no-untyped-def]
    return normalise_desired(
        "agent",
        "bot",
        config,
        ids={"tool": {"lookup": "tool_1"}} if ids is None else ids,
        declared=DECLARED,
        environ=environ or {},
    )


def remote_echo(body: dict[str, object], env: str = "dev") -> dict[str, object]:
    """What a server would send back: our tags, server-owned fields, the echoed prompt.tools."""
    sent = copy.deepcopy(send_body("agent", "bot", env, body))
    sent["agent_id"] = "agent_1"
    sent["metadata"] = {"created_at_unix_secs": 1}
    sent["conversation_config"]["agent"]["prompt"]["tools"] = [{"type": "client", "name": "lookup"}]  # type: ignore[index]
    return sent


def test_diff_paths_and_list_indexes() -> None:
    before = {"a": {"b": 1, "c": [1, 2]}, "d": [{"x": 1}]}
    after = {"a": {"b": 2, "c": [1, 2]}, "d": [{"x": 2}], "e": True}
    assert field_changes(before, after) == [
        FieldChange("a.b", 1, 2),
        FieldChange("d[0].x", 1, 2),
        FieldChange("e", None, True, "added"),
    ]


def test_diff_distinguishes_types() -> None:
    assert field_changes({"a": 1}, {"a": True}) == [FieldChange("a", 1, True)]
    assert field_changes({"a": 1}, {"a": 1}) == []


def test_remote_echo_normalises_to_the_desired_body() -> None:
    item = desired(agent_config())
    assert normalise_remote("agent", remote_echo(item.body)) == item.body
    assert item.body["conversation_config"]["agent"]["prompt"]["tool_ids"] == ["tool_1"]


def test_managed_tags_are_hidden_but_user_tags_kept() -> None:
    item = desired(agent_config(tags=["support"]))
    sent = send_body("agent", "bot", "prod", item.body)
    assert sent["tags"] == ["support", env_tag("prod"), name_tag("bot")]
    assert normalise_remote("agent", sent)["tags"] == ["support"]


def test_deleting_a_key_reads_as_reset_to_default() -> None:
    applied = desired(agent_config(temperature=0.9))
    config = agent_config()
    del config["conversation_config"]["agent"]["prompt"]["temperature"]  # type: ignore[index]
    now = desired(config)
    changes = field_changes(normalise_remote("agent", remote_echo(applied.body)), now.body)
    assert [(c.path, c.before) for c in changes] == [("conversation_config.agent.prompt.temperature", 0.9)]
    assert changes[0].after != 0.9  # the schema default


def test_reference_to_undeclared_resource_is_a_config_error() -> None:
    config = agent_config()
    config["conversation_config"]["agent"]["prompt"]["tool_ids"] = ["@tool:nope"]  # type: ignore[index]
    with pytest.raises(ConfigError, match="@tool:nope"):
        desired(config)


def test_reference_not_created_yet_is_known_after_apply() -> None:
    item = desired(agent_config(), ids={})
    assert item.body["conversation_config"]["agent"]["prompt"]["tool_ids"] == [KNOWN_AFTER_APPLY]
    assert item.pending == {("tool", "lookup")}


def test_placeholders_resolve_in_memory_and_are_masked() -> None:
    config = agent_config()
    config["conversation_config"]["agent"]["prompt"]["prompt"] = "Key: ${SECRET_TOKEN}"  # type: ignore[index]
    item = desired(config, environ={"SECRET_TOKEN": "hunter2"})
    assert item.body["conversation_config"]["agent"]["prompt"]["prompt"] == "Key: hunter2"
    state = State("dev")
    result = plan([item], {}, state)
    rendered = repr(result.as_dict())
    assert "hunter2" not in rendered
    assert SENSITIVE in rendered


def test_missing_placeholder_variable_names_it() -> None:
    config = agent_config(name="${NOPE_VAR}")
    with pytest.raises(ConfigError, match="NOPE_VAR"):
        desired(config)


def test_plan_create_update_noop_drift_delete() -> None:
    applied = desired(agent_config())
    remote_body = normalise_remote("agent", remote_echo(applied.body))
    state = State("dev")
    state.set("agent", "bot", ResourceState("agent_1", fingerprint(applied.body), fingerprint(remote_body)))

    no_op = plan([applied], {("agent", "bot"): RemoteResource("agent_1", remote_body)}, state)
    assert [r.action for r in no_op.resources] == ["no-op"]
    assert not no_op.has_changes

    changed = desired(agent_config(temperature=0.1))
    update = plan([changed], {("agent", "bot"): RemoteResource("agent_1", remote_body)}, state)
    assert update.resources[0].action == "update"
    assert list(update.resources[0].changes) == [
        FieldChange("conversation_config.agent.prompt.temperature", 0.3, 0.1)
    ]
    assert plan_summary(update) == "Plan: 0 to create, 1 to update, 0 to delete."

    edited = normalise_remote("agent", remote_echo(desired(agent_config(temperature=0.7)).body))
    drift = plan([applied], {("agent", "bot"): RemoteResource("agent_1", edited)}, state)
    assert drift.resources[0].action == "drift"
    assert drift.resources[0].drifted[0].before == 0.7  # legacy entry: every difference is drifted
    assert drift.resources[0].changes == ()

    create = plan([applied], {}, State("dev"))
    assert create.resources[0].action == "create"
    assert plan_summary(create) == "Plan: 1 to create, 0 to update, 0 to delete."

    orphan = {("tool", "old"): RemoteResource("tool_9", {})}
    without_prune = plan(
        [applied], {("agent", "bot"): RemoteResource("agent_1", remote_body)}, state, orphans=orphan
    )
    assert [r.action for r in without_prune.resources] == ["no-op"]
    pruned = plan(
        [applied],
        {("agent", "bot"): RemoteResource("agent_1", remote_body)},
        state,
        orphans=orphan,
        options=PlanOptions(prune=True),
    )
    assert [r.action for r in pruned.resources] == ["no-op", "delete"]
    assert plan_summary(pruned) == "Plan: 0 to create, 0 to update, 1 to delete."


def test_adopted_resource_equal_to_desired_only_refreshes_state() -> None:
    applied = desired(agent_config())
    remote_body = normalise_remote("agent", remote_echo(applied.body))
    result = plan(
        [applied], {("agent", "bot"): RemoteResource("agent_1", remote_body, adopted=True)}, State("dev")
    )
    assert result.resources[0].action == "no-op"
    assert result.resources[0].refresh_state
    assert not result.has_changes


def test_tool_files_may_hold_only_the_tool_config() -> None:
    bare = normalise_desired(
        "tool",
        "lookup",
        {"type": "client", "name": "lookup", "description": "d"},
        ids={},
        declared=DECLARED,
        environ={},
    )
    wrapped = normalise_desired(
        "tool",
        "lookup",
        {"tool_config": {"type": "client", "name": "lookup", "description": "d"}},
        ids={},
        declared=DECLARED,
        environ={},
    )
    assert bare.body == wrapped.body
    server = {"id": "tool_1", "tool_config": bare.body["tool_config"], "access_info": {}, "usage_stats": {}}
    assert normalise_remote("tool", server) == bare.body


def test_omitted_platform_settings_equal_the_server_filled_defaults() -> None:
    config = agent_config()
    item = desired(config)
    assert item.body["platform_settings"]  # the model's defaults, as the server fills them
    echoed = remote_echo({**item.body, "platform_settings": None})
    echoed["platform_settings"] = item.body["platform_settings"]
    assert normalise_remote("agent", echoed) == item.body


def test_only_agents_tagged_for_this_environment_get_their_tags_refreshed() -> None:
    from agents_cli.engine.normalise import normalise_desired
    from agents_cli.engine.planner import RemoteResource, plan_resource
    from agents_cli.project.state import State

    config = {"name": "Bot", "conversation_config": {"agent": {"first_message": "Hi"}}}
    desired = normalise_desired("agent", "bot", config, ids={}, declared={"agent": {"bot"}}, environ={})

    def planned(tags: list[str]) -> tuple[str, list[str | None]]:
        remote = RemoteResource(id="agent_1", body=desired.body, managed_tags=tags)
        item = plan_resource(desired, remote, State(environment="dev"))
        return item.action, [change.note for change in item.changes]

    assert planned(["agents-cli:env=dev", "agents-cli:name=bot"]) == ("no-op", [])
    assert planned(["agents-cli:env=dev", "agents-cli:name=old"]) == ("update", ["agents-cli tags refreshed"])
    assert planned(["agents-cli:env=dev"]) == ("update", ["agents-cli tags refreshed"])
    assert planned([]) == ("no-op", [])  # made in the dashboard and pulled: pull → plan stays clean
    assert planned(["agents-cli:env=prod", "agents-cli:name=bot"]) == ("no-op", [])  # another env's agent
