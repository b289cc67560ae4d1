"""Drift (fields changed remotely since the last sync), end to end over loopback HTTP: per field, kept without
--force and overwritten with it, said so either way; a remote edit equal to the local one is no conflict,
and state without per-field hashes keeps the whole resource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import (
    ServedEmulator,
    remote_get,
    remote_patch,
)
from tests.support.project import state
from tests.support.samples import KEYS, SECRET, cli, cli_json, sample_project, synced_then_edited_remotely


@pytest.fixture
def project(tmp_path: Path, emulator_url: str) -> Path:
    return sample_project(tmp_path / "proj", emulator_url)


def edit_both_sides(project: Path, emulator_url: str) -> tuple[str, str]:
    """After a sync, the dashboard edits the agent's first message and temperature and the tool's description;
    locally the temperature changes too (a conflict), with the prompt text and the tool's timeout. Returns
    the agent's and the tool's API paths."""
    cli(project, "sync")
    ids = state(project, "staging")
    agent_path = f"/v1/convai/agents/{ids['agents']['bot']['id']}"
    tool_path = f"/v1/convai/tools/{ids['tools']['lookup']['id']}"
    edit = {
        "conversation_config": {
            "agent": {"first_message": "Hi from the dashboard", "prompt": {"temperature": 0.5}}
        }
    }
    assert remote_patch(emulator_url, agent_path, edit).status_code == 200
    tool_config = remote_get(emulator_url, tool_path).json()["tool_config"]
    tool_config["description"] = "Edited in the dashboard."
    assert remote_patch(emulator_url, tool_path, {"tool_config": tool_config}).status_code == 200
    agent_file, tool_file = project / "agents" / "bot.yaml", project / "tools" / "lookup.yaml"
    agent_file.write_text(
        agent_file.read_text()
        .replace("temperature: 0.3", "temperature: 0.1")
        .replace("Be brief.", "Be terse.")
    )
    tool_file.write_text(tool_file.read_text() + "response_timeout_secs: 30\n")
    return agent_path, tool_path


def assert_plan_shows_drift_apart_from_local_changes(project: Path) -> None:
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "! agent bot (drift: changed remotely since the last sync" in stdout
    assert "-Be brief." in stdout and "+Be terse." in stdout  # a local change, shown as such
    assert "drifted (changed remotely since the last sync; kept unless --force):" in stdout
    assert (
        'conversation_config.agent.first_message: remote: "Hi from the dashboard", local: "Hello!"' in stdout
    )
    assert (
        "conversation_config.agent.prompt.temperature: remote: 0.5, local: 0.1"
        "  (conflict: changed locally too)" in stdout
    )
    assert "tool_config.response_timeout_secs: 20 → 30" in stdout
    assert 'tool_config.description: remote: "Edited in the dashboard.", local: "Look up' in stdout
    assert "2 drifted (3 fields changed remotely; sync keeps them without --force)." in stdout
    planned = cli_json(project, "plan")
    bot = next(item for item in planned["resources"] if item["name"] == "bot")
    assert [change["path"] for change in bot["changes"]] == ["conversation_config.agent.prompt.prompt"]
    assert [(d["path"], d.get("conflict", False)) for d in bot["drifted"]] == [
        ("conversation_config.agent.first_message", False),
        ("conversation_config.agent.prompt.temperature", True),
    ]


def test_drift_is_per_field_kept_without_force_and_overwritten_with_it(
    project: Path, emulator_url: str
) -> None:
    agent_path, tool_path = edit_both_sides(project, emulator_url)
    assert_plan_shows_drift_apart_from_local_changes(project)

    stdout, _ = cli(project, "sync", expect=1)
    assert "3 drifted fields not overwritten" in stdout
    assert "--force" in stdout and "0 failed" in stdout
    # A plain 'agents pull' imports only what is new: the hint names the command that takes the drift.
    assert "run 'agents pull --env staging --update' to take the remote values" in stdout
    agent = remote_get(emulator_url, agent_path).json()["conversation_config"]["agent"]
    assert agent["first_message"] == "Hi from the dashboard" and agent["prompt"]["temperature"] == 0.5
    assert agent["prompt"]["prompt"].endswith("Be terse.\n")  # the local change went through
    tool = remote_get(emulator_url, tool_path).json()["tool_config"]
    assert tool["description"] == "Edited in the dashboard." and tool["response_timeout_secs"] == 30
    assert tool["api_schema"]["request_headers"]["Authorization"] == f"Bearer {SECRET}"

    # The kept fields still read as drifted (not as local updates a later sync would push).
    result = cli_json(project, "sync", expect=1)
    assert result["requests"]["writes"] == 0 and result["drifted_fields_kept"] == 3
    assert sorted((r["name"], r["result"]) for r in result["results"]) == [
        ("bot", "kept"),
        ("lookup", "kept"),
    ]
    for path in project.rglob("*.json"):
        assert b"dashboard" not in path.read_bytes() and SECRET.encode() not in path.read_bytes()

    cli(project, "sync", "--force")
    agent = remote_get(emulator_url, agent_path).json()["conversation_config"]["agent"]
    assert agent["first_message"] == "Hello!" and agent["prompt"]["temperature"] == 0.1
    assert remote_get(emulator_url, tool_path).json()["tool_config"]["description"].startswith("Look up")
    cli(project, "plan", "--detailed-exitcode")


def test_remote_edit_matching_local_is_no_conflict_and_old_state_still_loads(
    project: Path, emulator_url: str
) -> None:
    cli(project, "sync")
    path = project / "state" / "staging.json"
    legacy = json.loads(path.read_text())
    for section in ("agents", "tools", "tests"):
        for entry in legacy[section].values():
            del entry["fields"]
    path.write_text(json.dumps(legacy, indent=2))
    cli(project, "plan", "--detailed-exitcode")  # no field map: the resource fingerprints still say "in sync"
    result = cli_json(project, "sync")
    assert result["requests"]["writes"] == 0
    assert sorted(r["result"] for r in result["results"]) == ["recorded"] * 3
    assert all("fields" in entry for entry in state(project, "staging")["agents"].values())

    # The same edit in the dashboard and locally: nothing differs, nothing to sync.
    agent_path = f"/v1/convai/agents/{state(project, 'staging')['agents']['bot']['id']}"
    edit = {"conversation_config": {"agent": {"first_message": "Welcome!"}}}
    assert remote_patch(emulator_url, agent_path, edit).status_code == 200
    config = project / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("first_message: Hello!", "first_message: Welcome!"))
    stdout, _ = cli(project, "plan", "--detailed-exitcode")
    assert "No changes." in stdout
    assert cli_json(project, "sync")["requests"]["writes"] == 0


def test_old_state_with_a_remote_edit_keeps_the_whole_resource(project: Path, emulator_url: str) -> None:
    cli(project, "sync")
    path = project / "state" / "staging.json"
    legacy = json.loads(path.read_text())
    del legacy["agents"]["bot"]["fields"]
    path.write_text(json.dumps(legacy, indent=2))
    agent_path = f"/v1/convai/agents/{legacy['agents']['bot']['id']}"
    edit = {"conversation_config": {"agent": {"first_message": "Hi from the dashboard"}}}
    assert remote_patch(emulator_url, agent_path, edit).status_code == 200
    config = project / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.1"))
    stdout, _ = cli(project, "sync", expect=1)
    # Without per-field hashes nothing tells which side changed what: every difference is kept.
    assert "2 drifted fields not overwritten" in stdout
    agent = remote_get(emulator_url, agent_path).json()["conversation_config"]["agent"]
    assert agent["first_message"] == "Hi from the dashboard" and agent["prompt"]["temperature"] == 0.3
    cli(project, "sync", "--force")
    assert "fields" in state(project, "staging")["agents"]["bot"]
    cli(project, "plan", "--detailed-exitcode")


def test_sync_force_says_drift_is_overwritten_not_kept(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # 'sync --force' printed "kept unless --force" / "sync keeps them without --force" for the very fields it
    # then overwrote.
    root = sample_project(tmp_path / "p", served_emulator.url)
    synced_then_edited_remotely(root, served_emulator.url)
    planned = run_cli(["sync", "--dry-run", "--force"], cwd=root, env=KEYS).stdout
    forced = run_cli(["sync", "--force", "--yes"], cwd=root, env=KEYS).stdout
    for output in (planned, forced):
        assert (
            "drifted (changed remotely since the last sync; --force overwrites them with the local values):"
            in (output)
        )
        assert "1 drifted (1 field changed remotely; --force overwrites them)." in output
        assert "kept unless --force" not in output and "keeps them" not in output
    assert "Sync staging: 0 created, 1 updated" in forced


def test_a_drifted_resource_with_a_local_change_counts_as_an_update(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # A dashboard edit plus a local edit to another field planned as "0 to update … 1 drifted" and then
    # synced as "1 updated": the plan's summary must count the update sync makes.
    root = sample_project(tmp_path / "p", served_emulator.url)
    synced_then_edited_remotely(root, served_emulator.url)
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.1"))
    planned = run_cli(["plan"], cwd=root, env=KEYS).stdout
    assert "Plan: 0 to create, 1 to update, 0 to delete. 1 drifted" in planned
    summary = json.loads(run_cli(["plan", "--json"], cwd=root, env=KEYS).stdout)["summary"]
    assert (summary["update"], summary["drift"]) == (1, 1)
    synced = run_cli(["sync", "--yes"], cwd=root, env=KEYS, expect=1).stdout
    assert "Sync staging: 0 created, 1 updated" in synced
