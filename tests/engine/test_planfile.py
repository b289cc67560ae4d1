"""Saved plans end to end over loopback HTTP: ``agents plan --out FILE`` then ``agents sync FILE`` applies
exactly that plan, and refuses (exit 1, naming what moved, nothing applied) when a config, the state, the
remote or a placeholder's value changed in between."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.emulator import remote_get, remote_patch
from tests.support.project import edit, state
from tests.support.samples import SECRET, cli, sample_project


@pytest.fixture
def project(tmp_path: Path, emulator_url: str) -> Path:
    return sample_project(tmp_path / "proj", emulator_url)


def test_a_saved_plan_is_applied_exactly_and_holds_no_secret(project: Path, emulator_url: str) -> None:
    cli(project, "plan", "--out", "plan.json")
    saved = (project / "plan.json").read_text()
    assert SECRET not in saved and "${E2E_ORDERS_TOKEN}" in saved
    document = json.loads(saved)
    assert document["environment"] == "staging" and document["summary"]["create"] == 3
    assert not (project / "state" / "staging.json").exists()  # planning wrote nothing

    stdout, stderr = cli(project, "sync", "plan.json")
    assert "Plan: 3 to create, 0 to update, 0 to delete." in stdout
    assert "Sync staging: 3 created, 0 updated, 0 deleted, 0 failed." in stdout
    tool_id = state(project, "staging")["tools"]["lookup"]["id"]
    tool = remote_get(emulator_url, f"/v1/convai/tools/{tool_id}").json()
    assert tool["tool_config"]["api_schema"]["request_headers"]["Authorization"] == f"Bearer {SECRET}"
    assert SECRET not in stdout + stderr
    stdout, _ = cli(project, "plan", "--detailed-exitcode")
    assert "No changes." in stdout


def test_the_written_requests_are_the_plans_writes(project: Path) -> None:
    cli(project, "sync", "--yes")
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.1")
    cli(project, "plan", "--out", "plan.json")
    planned = json.loads((project / "plan.json").read_text())
    [resource] = [item for item in planned["resources"] if item["write"] is not None]
    assert resource["write"]["operation"] == "update"
    # A deep-merge PATCH of exactly the changed field.
    assert resource["write"]["body"] == {"conversation_config": {"agent": {"prompt": {"temperature": 0.1}}}}
    result = json.loads(cli(project, "sync", "plan.json", "--json")[0])
    assert [(r["kind"], r["name"], r["result"]) for r in result["results"]] == [("agent", "bot", "updated")]
    assert result["requests"]["writes"] == 1


def test_a_config_edited_after_planning_is_refused_naming_it(project: Path) -> None:
    cli(project, "plan", "--out", "plan.json")
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.2")
    _, stderr = cli(project, "sync", "plan.json", expect=1)
    assert "plan.json is out of date, nothing was applied" in stderr
    assert "agents/bot.yaml changed since the plan was made (agent bot)" in stderr
    assert not (project / "state" / "staging.json").exists()


def test_a_remote_edit_after_planning_is_refused_naming_the_resource(
    project: Path, emulator_url: str
) -> None:
    cli(project, "sync", "--yes")
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.1")
    cli(project, "plan", "--out", "plan.json")
    agent_id = state(project, "staging")["agents"]["bot"]["id"]
    before = (project / "state" / "staging.json").read_text()
    dashboard = {"conversation_config": {"agent": {"first_message": "Edited in the dashboard"}}}
    assert remote_patch(emulator_url, f"/v1/convai/agents/{agent_id}", dashboard).status_code == 200
    _, stderr = cli(project, "sync", "plan.json", expect=1)
    assert f"agent bot ({agent_id}) changed remotely since the plan was made" in stderr
    assert (project / "state" / "staging.json").read_text() == before
    remote = remote_get(emulator_url, f"/v1/convai/agents/{agent_id}").json()
    assert remote["conversation_config"]["agent"]["prompt"]["temperature"] == 0.3  # nothing applied


def test_a_sync_in_between_moves_the_state_and_the_plan_is_refused(project: Path) -> None:
    cli(project, "plan", "--out", "plan.json")
    cli(project, "sync", "--yes")
    _, stderr = cli(project, "sync", "plan.json", expect=1)
    assert "state/staging.json changed since the plan was made" in stderr


def test_a_placeholder_that_resolves_to_another_value_is_refused(project: Path) -> None:
    cli(project, "plan", "--out", "plan.json")
    _, stderr = cli(project, "sync", "plan.json", expect=1, env={"E2E_ORDERS_TOKEN": "rotated-token"})
    assert "tool lookup: ${E2E_ORDERS_TOKEN} resolve to other values now" in stderr
    assert "rotated-token" not in stderr and SECRET not in stderr


def test_a_plan_file_is_applied_with_its_own_options_and_environment(project: Path) -> None:
    cli(project, "plan", "--out", "plan.json")
    _, stderr = cli(project, "sync", "plan.json", "--prune", expect=1)
    assert "a saved plan is applied with the options it was made with" in stderr
    _, stderr = cli(project, "sync", "plan.json", "--env", "prod", expect=1)
    assert "is a plan for environment 'staging', not 'prod'" in stderr


def test_a_file_that_is_no_plan_is_refused(project: Path) -> None:
    (project / "notes.json").write_text('{"hello": 1}')
    _, stderr = cli(project, "sync", "notes.json", expect=1)
    assert "notes.json is not a plan file" in stderr
    (project / "broken.json").write_text("{")
    _, stderr = cli(project, "sync", "broken.json", expect=1)
    assert "broken.json:1:2: invalid JSON" in stderr
