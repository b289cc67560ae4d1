"""``--only`` on plan and sync, over loopback HTTP against the served emulator: only the named resources, plus
what they reference that does not exist yet (or whose state id is stale); existing references lend their
ids from state and are not updated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.emulator import (
    ServedEmulator,
    remote_delete,
    remote_get,
)
from tests.support.project import edit, state
from tests.support.samples import OTHER_AGENT, cli, cli_json, sample_project


@pytest.fixture
def project(served_project: Path) -> Path:
    return served_project


def test_only_includes_references_not_created_yet_and_nothing_unrelated(
    project: Path, served_emulator: ServedEmulator
) -> None:
    from tests.support.samples import AGENT

    sample_project(project, served_emulator.url, agents={"bot": AGENT, "other": OTHER_AGENT})
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "+ tool lookup (create, included because bot references it)" in stdout
    assert "+ test greets (create, included because bot references it)" in stdout
    assert "+ agent bot (create)" in stdout and "agent other" not in stdout
    assert "Plan: 3 to create, 0 to update, 0 to delete." in stdout
    planned = cli_json(project, "plan", "--only", "bot")["resources"]
    assert [(item["name"], item.get("included_because")) for item in planned] == [
        ("lookup", "bot"),
        ("greets", "bot"),
        ("bot", None),
    ]
    result = cli_json(project, "sync", "--only", "bot")
    assert sorted(item["result"] for item in result["results"]) == ["created"] * 3
    ids = state(project, "staging")
    assert (
        set(ids["agents"]) == {"bot"} and set(ids["tools"]) == {"lookup"} and set(ids["tests"]) == {"greets"}
    )
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode")
    assert "No changes." in stdout

    # Existing referenced resources lend their ids and are not updated, even with local changes.
    edit(project / "tools" / "lookup.yaml", "Look up an order", "Find an order")
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.2")
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "tool lookup" not in stdout and "Plan: 0 to create, 1 to update, 0 to delete." in stdout
    result = cli_json(project, "sync", "--only", "bot")
    assert [(item["name"], item["result"]) for item in result["results"]] == [("bot", "updated")]
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "~ tool lookup (update" in stdout and "+ agent other (create)" in stdout


def test_only_creates_a_reference_whose_state_id_is_stale_and_adopts_one_missing_from_state(
    project: Path, served_emulator: ServedEmulator
) -> None:
    cli(project, "sync", "--only", "lookup", "--only", "greets")
    recorded = state(project, "staging")
    remote_delete(served_emulator.url, f"/v1/convai/tools/{recorded['tools']['lookup']['id']}")  # stale id
    test_id = recorded["tests"].pop("greets")["id"]  # lost from state: found again by name
    (project / "state" / "staging.json").write_text(json.dumps(recorded))
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "+ tool lookup (create, included because bot references it)" in stdout
    assert "test greets" not in stdout and "Plan: 2 to create, 0 to update, 0 to delete." in stdout
    result = cli_json(project, "sync", "--only", "bot")
    assert sorted((item["name"], item["result"]) for item in result["results"]) == [
        ("bot", "created"),
        ("lookup", "created"),
    ]
    after = state(project, "staging")
    agent = remote_get(served_emulator.url, f"/v1/convai/agents/{after['agents']['bot']['id']}").json()
    assert agent["conversation_config"]["agent"]["prompt"]["tool_ids"] == [after["tools"]["lookup"]["id"]]
    assert [item["test_id"] for item in agent["platform_settings"]["testing"]["attached_tests"]] == [test_id]


def test_only_limits_plan_and_sync_and_resolves_references_from_state(project: Path) -> None:
    cli(project, "sync", "--only", "lookup", "--only", "greets")
    assert set(state(project, "staging")["tools"]) == {"lookup"}
    assert state(project, "staging")["agents"] == {}
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "Plan: 1 to create, 0 to update, 0 to delete." in stdout
    cli(project, "sync", "--only", "bot")
    cli(project, "plan", "--detailed-exitcode")
    _, stderr = cli(project, "plan", "--only", "nope", expect=1)
    assert "--only: no resource named 'nope' in agents.json" in stderr


def test_only_takes_several_names_after_one_flag(project: Path, served_emulator: ServedEmulator) -> None:
    # `--only A B`, as the README writes it, was rejected ("Got unexpected extra argument"); the repeated
    # flag worked.
    from tests.support.samples import AGENT

    sample_project(project, served_emulator.url, agents={"bot": AGENT, "other": OTHER_AGENT})
    repeated = cli_json(project, "plan", "--only", "lookup", "--only", "other")["resources"]
    listed = cli_json(project, "plan", "--only", "lookup", "other")["resources"]
    assert [item["name"] for item in listed] == [item["name"] for item in repeated] == ["lookup", "other"]
    stdout, _ = cli(project, "sync", "--only", "lookup", "other", "--yes")
    assert "2 created" in stdout and "greets" not in stdout
