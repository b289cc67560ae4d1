"""A branch environment's first branch cut is a planned change, end to end over loopback: ``plan`` shows
it (text, JSON, markdown), counts it and exits 2 with --detailed-exitcode; a saved plan carries it and
``agents sync PLANFILE`` cuts exactly it (the official SDK lists the branch); the plan is clean after. An
explicit ``main`` lets a branch environment branch one of two environments on one connection."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.test_branches import branch_project, commit, sdk
from tests.support.emulator import ServedEmulator
from tests.support.project import state, write_project
from tests.support.samples import cli, cli_json

CUT = "+ branch dev of agent support-bot (cut from main's current version)"


def test_plan_announces_the_first_branch_cut_and_a_saved_plan_cuts_it(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]

    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode", expect=2)
    assert CUT in stdout
    assert "Plan: 0 to create, 0 to update, 0 to delete. 1 branch to cut." in stdout
    planned = cli_json(project, "plan", "--env", "dev")
    assert planned["has_changes"] is True and planned["summary"]["branch"] == 1
    assert planned["branches"] == [{"kind": "agent", "name": "support-bot", "branch": "dev"}]
    markdown, _ = cli(project, "--format", "markdown", "plan", "--env", "dev")
    assert CUT in markdown and "1 branch to cut." in markdown
    assert [b.name for b in sdk(served_emulator).branches.list(agent_id).results] == ["Main"]  # only planned

    cli(project, "plan", "--env", "dev", "--out", "reviewed.json")
    saved = json.loads((project / "reviewed.json").read_text(encoding="utf-8"))
    assert saved["branches"] == [{"kind": "agent", "name": "support-bot", "branch": "dev"}]
    tampered = {**saved, "branches": [{"kind": "agent", "name": "ghost", "branch": "dev"}]}
    (project / "tampered.json").write_text(json.dumps(tampered), encoding="utf-8")
    _, stderr = cli(project, "sync", "tampered.json", "--yes", expect=1)
    assert "tampered.json is malformed" in stderr
    stdout, stderr = cli(project, "sync", "reviewed.json", "--yes")
    assert "1 branch cut" in stdout and "+ cut the branch of agent support-bot" in stderr

    branch_id = state(project, "dev")["agents"]["support-bot"]["branch_id"]
    listed = {b.name: b.id for b in sdk(served_emulator).branches.list(agent_id).results}
    assert listed["dev"] == branch_id
    cli(project, "plan", "--env", "dev", "--detailed-exitcode")  # cut: nothing left to do


def test_a_plain_sync_cuts_the_branch_it_planned_and_says_so(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    stdout, _ = cli(project, "sync", "--env", "dev", "--yes")
    assert CUT in stdout and "1 branch cut" in stdout
    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode")
    assert "branch" not in stdout.lower().replace("environment 'dev'", "")


AGENT = "name: Support Bot\nconversation_config:\n  agent:\n    first_message: Hi\n"


def test_an_explicit_main_names_the_environment_a_branch_environment_branches(tmp_path: Path) -> None:
    environments = {
        "local": {"emulator": True},
        "scratch": {"emulator": True},
        "dev": {"emulator": True, "branch": "dev", "main": "local"},
    }
    project = write_project(
        tmp_path / "proj", environments=environments, default_environment="local", agents={"bot": AGENT}
    )
    cli(project, "sync", "--env", "local", "--yes")
    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode", expect=2)
    assert "+ branch dev of agent bot (cut from main's current version)" in stdout
    assert "to create" in stdout and "Plan: 0 to create" in stdout  # the agent is local's, not a new one
    cli(project, "sync", "--env", "dev", "--yes")
    local, dev = state(project, "local")["agents"]["bot"], state(project, "dev")["agents"]["bot"]
    assert dev["id"] == local["id"] and dev["branch_id"].startswith("agtbranch_")


def test_a_main_that_is_unknown_or_a_branch_environment_fails_validate_at_its_line(tmp_path: Path) -> None:
    environments = {
        "local": {"emulator": True},
        "qa": {"emulator": True, "branch": "qa", "main": "local"},
        "dev": {"emulator": True, "branch": "dev", "main": "qa"},
        "typo": {"emulator": True, "branch": "typo", "main": "lcoal"},
    }
    project = write_project(
        tmp_path / "proj", environments=environments, default_environment="local", agents={"bot": AGENT}
    )
    stdout, stderr = cli(project, "validate", expect=1)
    lines = (project / "agents.json").read_text(encoding="utf-8").splitlines()
    mains = [number for number, text in enumerate(lines, 1) if '"main": ' in text]
    output = stdout + stderr
    assert f"agents.json:{mains[1]}:" in output and f"agents.json:{mains[2]}:" in output
    assert "environment 'qa' is itself a branch environment (branch 'qa')" in output
    assert "unknown environment 'lcoal'" in output
    _, stderr = cli(project, "plan", "--env", "dev", expect=1)
    assert "is itself a branch environment" in stderr


def test_a_recorded_branch_that_is_gone_is_cut_again_and_state_names_the_new_one(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    cli(project, "sync", "--env", "prod", "--yes")
    cli(project, "sync", "--env", "dev", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    old = state(project, "dev")["agents"]["support-bot"]["branch_id"]
    sdk(served_emulator).branches.update(agent_id, old, name="dev", is_archived=True)
    recorded = state(project, "dev")
    recorded["agents"]["support-bot"]["branch_id"] = "agtbranch_gone"  # as if from another workspace's run
    (project / "state" / "dev.json").write_text(json.dumps(recorded, indent=2), encoding="utf-8")

    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode", expect=2)
    assert CUT in stdout
    stdout, _ = cli(project, "sync", "--env", "dev", "--yes")
    assert "1 branch cut" in stdout
    new = state(project, "dev")["agents"]["support-bot"]["branch_id"]
    assert new not in (old, "agtbranch_gone")
    assert {b.name: b.id for b in sdk(served_emulator).branches.list(agent_id).results}["dev"] == new
    cli(project, "plan", "--env", "dev", "--detailed-exitcode")
