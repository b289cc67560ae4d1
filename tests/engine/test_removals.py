"""Removals converge or are reported, never claimed: plan and sync end to end over loopback HTTP.

The agent PATCH is a deep merge (objects merge, lists and scalars replace), so a key removed locally from a
map whose keys are user data (``data_collection``, dynamic variable placeholders…) cannot be removed by sync:
the plan marks it, sync reports it as not applied (exit 1) and a second sync makes no write for it. Removals
that a write can express — a tool's request header (the whole ``tool_config`` is sent), a list entry (lists
replace), a model key (it resets to the schema default, which is sent) — converge in one sync.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator import ServedEmulator, remote_get, remote_patch
from tests.support.project import edit, state
from tests.support.samples import cli, cli_json, sample_project

AGENT = """\
name: Order Desk
conversation_config:
  turn:
    initial_wait_time: 5
  agent:
    first_message: Hello!
    prompt:
      prompt: You help with orders.
      temperature: 0.3
    dynamic_variables:
      dynamic_variable_placeholders:
        customer_name: Guest
        region: EU
platform_settings:
  evaluation:
    criteria:
      - id: resolved
        name: Resolved
        conversation_goal_prompt: The issue was resolved.
      - id: polite
        name: Polite
        conversation_goal_prompt: The agent stayed polite.
  data_collection:
    order_number:
      type: string
      description: The order number.
    email:
      type: string
      description: The customer's e-mail address.
"""

ORDER_NUMBER_BLOCK = """\
    order_number:
      type: string
      description: The order number.
"""
DATA_COLLECTION = "platform_settings.data_collection"


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    root = sample_project(tmp_path / "proj", served_emulator.url, agents={"desk": AGENT})
    cli_json(root, "sync")
    return root


def remote_agent(project: Path, url: str) -> dict[str, Any]:
    agent_id = state(project, "staging")["agents"]["desk"]["id"]
    data: dict[str, Any] = remote_get(url, f"/v1/convai/agents/{agent_id}").json()
    return data


def test_removed_map_key_is_reported_not_claimed_and_a_rerun_writes_nothing(
    project: Path, served_emulator: ServedEmulator
) -> None:
    config = project / "agents" / "desk.yaml"
    edit(config, ORDER_NUMBER_BLOCK, "")
    path = f"{DATA_COLLECTION}.order_number"

    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert f"{path}: " in stdout and "→ (removed — sync cannot remove this key ✗)" in stdout
    assert "the API's agent PATCH merges maps" in stdout
    assert "1 field sync cannot apply (✗)." in stdout
    planned = cli_json(project, "plan")
    assert planned["summary"]["cannot_apply"] == 1
    [change] = planned["resources"][0]["changes"]
    assert change["path"] == path and change["change"] == "removed" and change["cannot_apply"]

    first = cli_json(project, "sync", expect=1)
    assert first["requests"]["writes"] == 0  # nothing else to apply: no write at all
    [outcome] = first["results"]
    assert outcome["result"] == "not-applied" and outcome["not_applied"] == [path]
    assert "dashboard" in outcome["hint"]
    assert outcome["not_applied_because"] == "merge_patch"
    assert first["fields_not_applied"] == 1
    collected = remote_agent(project, served_emulator.url)["platform_settings"]["data_collection"]
    assert "order_number" in collected

    # The human summary names it and what to do; the rerun writes nothing and fails the same way.
    stdout, _ = cli(project, "sync", expect=1)
    assert "1 field not applied" in stdout and f"      {path}" in stdout and "hint: delete them" in stdout
    assert "0 updated" in stdout
    again = cli_json(project, "sync", expect=1)
    assert again["requests"]["writes"] == 0 and again["results"][0]["not_applied"] == [path]

    # Other changes of the same agent are applied; the removal is still reported, and the rerun is quiet.
    edit(config, "temperature: 0.3", "temperature: 0.2")
    mixed = cli_json(project, "sync", expect=1)
    assert mixed["requests"]["writes"] == 1
    assert mixed["results"][0]["result"] == "updated" and mixed["results"][0]["not_applied"] == [path]
    remote = remote_agent(project, served_emulator.url)
    assert remote["conversation_config"]["agent"]["prompt"]["temperature"] == 0.2
    assert cli_json(project, "sync", expect=1)["requests"]["writes"] == 0

    # Putting the key back converges: nothing to write, nothing to report.
    edit(config, "  data_collection:\n", "  data_collection:\n" + ORDER_NUMBER_BLOCK)
    assert cli_json(project, "plan")["has_changes"] is False
    final = cli_json(project, "sync")
    assert final["requests"]["writes"] == 0 and final["fields_not_applied"] == 0


def test_whole_user_maps_removed_list_each_key(project: Path, served_emulator: ServedEmulator) -> None:
    config = project / "agents" / "desk.yaml"
    edit(
        config,
        "    dynamic_variables:\n      dynamic_variable_placeholders:\n"
        "        customer_name: Guest\n        region: EU\n",
        "    dynamic_variables:\n      dynamic_variable_placeholders:\n        customer_name: Guest\n",
    )
    text = config.read_text()
    config.write_text(text[: text.index("  data_collection:")])
    planned = cli_json(project, "plan")
    blocked = sorted(c["path"] for c in planned["resources"][0]["changes"] if c.get("cannot_apply"))
    assert blocked == [
        "conversation_config.agent.dynamic_variables.dynamic_variable_placeholders.region",
        f"{DATA_COLLECTION}.email",
        f"{DATA_COLLECTION}.order_number",
    ]
    result = cli_json(project, "sync", expect=1)
    assert sorted(result["results"][0]["not_applied"]) == blocked
    assert cli_json(project, "sync", expect=1)["requests"]["writes"] == 0


def test_a_map_key_added_remotely_is_drift_and_not_even_force_removes_it(
    project: Path, served_emulator: ServedEmulator
) -> None:
    agent_id = state(project, "staging")["agents"]["desk"]["id"]
    added = {"type": "boolean", "description": "Asked for a refund."}
    response = remote_patch(
        served_emulator.url,
        f"/v1/convai/agents/{agent_id}",
        {"platform_settings": {"data_collection": {"refund": added}}},
    )
    assert response.status_code == 200
    path = f"{DATA_COLLECTION}.refund"
    stdout, _ = cli(project, "plan")
    assert f"{path}: remote: " in stdout and "local: (absent)  (✗ not even --force can remove it)" in stdout

    kept = cli_json(project, "sync", expect=1)
    assert kept["results"][0]["result"] == "kept" and kept["results"][0]["kept"] == [path]
    forced = cli_json(project, "sync", "--force", expect=1)
    assert forced["requests"]["writes"] == 0
    assert forced["results"][0]["result"] == "not-applied" and forced["results"][0]["not_applied"] == [path]
    assert "refund" in remote_agent(project, served_emulator.url)["platform_settings"]["data_collection"]


def test_removed_tool_request_header_converges(project: Path, served_emulator: ServedEmulator) -> None:
    tool = project / "tools" / "lookup.yaml"
    edit(tool, "  request_headers:\n", "  request_headers:\n    X-Trace: on\n")
    assert cli_json(project, "sync")["requests"]["writes"] == 1
    edit(tool, "    X-Trace: on\n", "")
    planned = cli_json(project, "plan")
    [change] = planned["resources"][0]["changes"]
    assert change["path"] == "tool_config.api_schema.request_headers.X-Trace"
    assert change["change"] == "removed" and "cannot_apply" not in change
    result = cli_json(project, "sync")
    assert result["results"][0]["result"] == "updated" and "not_applied" not in result["results"][0]
    tool_id = state(project, "staging")["tools"]["lookup"]["id"]
    remote = remote_get(served_emulator.url, f"/v1/convai/tools/{tool_id}").json()
    assert set(remote["tool_config"]["api_schema"]["request_headers"]) == {"Authorization"}
    assert cli_json(project, "plan")["has_changes"] is False
    assert cli_json(project, "sync")["requests"]["writes"] == 0


def test_removed_list_entry_and_model_keys_converge(project: Path, served_emulator: ServedEmulator) -> None:
    config = project / "agents" / "desk.yaml"
    edit(
        config,
        "      - id: polite\n        name: Polite\n"
        "        conversation_goal_prompt: The agent stayed polite.\n",
        "",
    )
    # Model keys (not user data): removing them resets them to the schema default, which a PATCH can send.
    edit(config, "      temperature: 0.3\n", "")
    edit(config, "    first_message: Hello!\n", "")
    edit(config, "  turn:\n    initial_wait_time: 5\n", "")  # nullable without a default: reset to null
    planned = cli_json(project, "plan")
    changes = {c["path"]: c for c in planned["resources"][0]["changes"]}
    assert planned["summary"]["cannot_apply"] == 0
    assert changes["platform_settings.evaluation.criteria[id=polite]"]["change"] == "removed"
    assert changes["conversation_config.agent.prompt.temperature"]["remote"] == 0.3
    assert changes["conversation_config.agent.first_message"]["remote"] == "Hello!"
    waited = changes["conversation_config.turn.initial_wait_time"]
    assert (waited["change"], waited["remote"], waited["local"]) == ("changed", 5, None)
    result = cli_json(project, "sync")
    assert result["results"][0]["result"] == "updated" and result["fields_not_applied"] == 0
    remote = remote_agent(project, served_emulator.url)
    assert [c["id"] for c in remote["platform_settings"]["evaluation"]["criteria"]] == ["resolved"]
    assert remote["conversation_config"]["turn"]["initial_wait_time"] is None
    assert (
        remote["conversation_config"]["agent"]["first_message"]
        == changes["conversation_config.agent.first_message"]["local"]
    )
    assert cli_json(project, "plan")["has_changes"] is False
    assert cli_json(project, "sync")["requests"]["writes"] == 0


def test_the_emulator_refuses_null_for_a_map_entry_as_pydantic_would(
    project: Path, served_emulator: ServedEmulator
) -> None:
    """Why sync does not send ``{"order_number": null}`` (JSON merge-patch): a ``dict[str, Model]`` field
    given ``None`` is a 422 on a Pydantic server, and the emulator answers the same."""
    agent_id = state(project, "staging")["agents"]["desk"]["id"]
    response = remote_patch(
        served_emulator.url,
        f"/v1/convai/agents/{agent_id}",
        {"platform_settings": {"data_collection": {"order_number": None}}},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == [
        "body",
        "platform_settings",
        "data_collection",
        "order_number",
    ]


def test_planner_marks_only_removals_a_merge_cannot_express() -> None:
    from agents_cli.engine.normalise import normalise_desired, normalise_remote
    from agents_cli.engine.planner import RemoteResource, plan_resource
    from agents_cli.project.state import State

    declared: dict[str, set[str]] = {"tool": {"t"}, "test": set(), "agent": {"a"}}
    local = {"name": "A", "conversation_config": {}, "platform_settings": {"evaluation": {"criteria": []}}}
    remote = {
        **local,
        "platform_settings": {
            "data_collection": {"x": {"type": "string", "description": "d"}},
            "evaluation": {"criteria": [{"id": "c", "name": "C", "conversation_goal_prompt": "g"}]},
        },
    }
    desired = normalise_desired("agent", "a", local, ids={}, declared=declared, environ={})
    item = plan_resource(desired, RemoteResource("agent_1", normalise_remote("agent", remote)), State("dev"))
    marked = {change.path: bool(change.cannot_apply) for change in item.changes}
    assert marked == {f"{DATA_COLLECTION}.x": True, "platform_settings.evaluation.criteria[id=c]": False}

    tool = {"type": "webhook", "name": "t", "description": "d", "api_schema": {"url": "https://e.x/"}}
    with_header = {**tool, "api_schema": {**tool["api_schema"], "request_headers": {"X-Trace": "on"}}}
    desired = normalise_desired("tool", "t", tool, ids={}, declared=declared, environ={})
    found = RemoteResource("tool_1", normalise_remote("tool", {"tool_config": with_header}))
    item = plan_resource(desired, found, State("dev"))
    assert [(c.path, c.cannot_apply) for c in item.changes] == [
        ("tool_config.api_schema.request_headers.X-Trace", None)
    ]


def test_replace_recreates_the_agent_so_removed_map_keys_converge(
    project: Path, served_emulator: ServedEmulator
) -> None:
    old_id = state(project, "staging")["agents"]["desk"]["id"]
    edit(project / "agents" / "desk.yaml", ORDER_NUMBER_BLOCK, "")

    stdout, _ = cli(project, "plan", "--replace", "desk")
    assert f"± agent desk (replace: a new agent from the config, then {old_id} deleted)" in stdout
    assert "→ (removed)" in stdout and "✗" not in stdout
    assert "Plan: 0 to create, 0 to update, 0 to delete, 1 to replace (new id)." in stdout

    result = cli_json(project, "sync", "--replace", "desk", "--yes")
    [outcome] = result["results"]
    assert outcome["result"] == "replaced" and outcome["previous_id"] == old_id
    new_id = state(project, "staging")["agents"]["desk"]["id"]
    assert new_id == outcome["id"] != old_id
    assert remote_get(served_emulator.url, f"/v1/convai/agents/{old_id}").status_code == 404
    remote = remote_agent(project, served_emulator.url)
    assert set(remote["platform_settings"]["data_collection"]) == {"email"}
    assert "agents-cli:name=desk" in remote["tags"]
    assert cli_json(project, "plan")["has_changes"] is False
    again = cli_json(project, "sync")
    assert again["requests"]["writes"] == 0 and again["fields_not_applied"] == 0


def test_replace_refuses_what_it_would_break(project: Path, served_emulator: ServedEmulator) -> None:
    _, stderr = cli(project, "sync", "--replace", "lookup", expect=1)
    assert "--replace lookup: no agent of that name in agents.json (agents: desk)" in stderr

    # A map key added in the dashboard is drift: a replace would drop it, so it needs --force.
    agent_id = state(project, "staging")["agents"]["desk"]["id"]
    added = {"platform_settings": {"data_collection": {"refund": {"type": "boolean", "description": "r"}}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{agent_id}", added).status_code == 200
    _, stderr = cli(project, "sync", "--replace", "desk", expect=1)
    assert "--replace desk: 1 field(s) changed remotely since the last sync" in stderr
    assert "'agents sync --replace desk --force'" in stderr
    assert state(project, "staging")["agents"]["desk"]["id"] == agent_id  # nothing was written
    forced = cli_json(project, "sync", "--replace", "desk", "--force", "--yes")
    assert forced["results"][0]["result"] == "replaced"
    assert "refund" not in remote_agent(project, served_emulator.url)["platform_settings"]["data_collection"]


def test_replace_of_an_agent_another_one_transfers_to_updates_that_one_in_the_same_run(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # 'sync --replace desk' was refused while agent front transferred to desk: the reference now waits for
    # desk's new id and front is updated in the same run.
    caller = "name: Front Desk\nconversation_config:\n  agent:\n    first_message: Hi\n"
    caller += (
        "    prompt:\n      prompt: Transfer order questions.\n      built_in_tools:\n"
        "        transfer_to_agent:\n          name: transfer_to_agent\n          description: ''\n"
        "          params:\n            system_tool_type: transfer_to_agent\n            transfers:\n"
        "              - agent_id: '@agent:desk'\n"
        "                condition: The caller asks about an order.\n"
    )
    root = sample_project(tmp_path / "two", served_emulator.url, agents={"desk": AGENT, "front": caller})
    cli(root, "sync")
    old = state(root, "staging")["agents"]["desk"]["id"]
    planned, _ = cli(root, "plan", "--replace", "desk")
    assert "± agent desk (replace" in planned and "~ agent front (update" in planned
    assert '"(known after apply)"' in planned
    result = cli_json(root, "sync", "--replace", "desk", "--yes")
    assert sorted((r["name"], r["result"]) for r in result["results"]) == [
        ("desk", "replaced"),
        ("front", "updated"),
    ]
    new = state(root, "staging")["agents"]["desk"]["id"]
    front = state(root, "staging")["agents"]["front"]["id"]
    assert new != old
    body = remote_get(served_emulator.url, f"/v1/convai/agents/{front}").json()
    transfers = body["conversation_config"]["agent"]["prompt"]["built_in_tools"]["transfer_to_agent"]
    assert [rule["agent_id"] for rule in transfers["params"]["transfers"]] == [new]
    assert remote_get(served_emulator.url, f"/v1/convai/agents/{old}").status_code == 404
    stdout, _ = cli(root, "plan", "--detailed-exitcode")
    assert stdout.startswith("No changes.")
