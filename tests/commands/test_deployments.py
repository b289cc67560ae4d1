"""Traffic deployments end to end over loopback: a 90/10 split between main and a branch environment's
branch plans, syncs and shows in status; a split summing to 95 fails ``agents validate`` with file:line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.test_branches import branch_project, commit, edit_prompt, sdk
from tests.support.emulator import ServedEmulator
from tests.support.project import state
from tests.support.samples import cli, cli_json


def set_deployments(project: Path, split: dict[str, float]) -> None:
    manifest = json.loads((project / "agents.json").read_text(encoding="utf-8"))
    manifest["environments"]["prod"]["deployments"] = {"support-bot": split}
    (project / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def test_a_90_10_split_plans_syncs_and_shows_in_status(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    edit_prompt(project, "You are a terse support agent.")
    commit(project, "canary prompt")
    cli(project, "sync", "--env", "dev", "--yes")
    set_deployments(project, {"main": 90, "dev": 10})

    stdout, _ = cli(project, "plan", "--env", "prod", "--detailed-exitcode", expect=2)
    assert "~ traffic of agent support-bot: main 100% → main 90%, dev 10%" in stdout
    assert "1 traffic split to deploy." in stdout
    planned = cli_json(project, "plan", "--env", "prod")
    assert planned["traffic"] == [
        {"name": "support-bot", "live": {"main": 100.0}, "desired": {"main": 90.0, "dev": 10.0}}
    ]

    stdout, _ = cli(project, "status", "--env", "prod")
    assert "traffic: main 100% (desired: main 90%, dev 10%)" in stdout
    stdout, _ = cli(project, "sync", "--env", "prod", "--yes")
    assert "1 traffic split deployed" in stdout

    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    live = {b.name: b.current_live_percentage for b in sdk(served_emulator).branches.list(agent_id).results}
    assert live == {"Main": 90, "dev": 10}
    stdout, _ = cli(project, "status", "--env", "prod")
    assert "traffic: main 90%, dev 10%" in stdout and "desired" not in stdout
    assert "version agtvrsn_" in stdout
    status = cli_json(project, "status", "--env", "prod")
    (row,) = [row for row in status["resources"] if row["name"] == "support-bot"]
    assert row["traffic"] == {"main": 90, "dev": 10} and row["version_id"].startswith("agtvrsn_")
    cli(project, "plan", "--env", "prod", "--detailed-exitcode")  # deployed: nothing left to do


def test_a_split_naming_a_branch_the_agent_lacks_fails_that_agent(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    cli(project, "sync", "--env", "prod", "--yes")
    set_deployments(project, {"main": 50, "canary": 50})
    stdout, stderr = cli(project, "sync", "--env", "prod", "--yes", expect=1)
    assert (
        "traffic split of agent 'support-bot': it has no branch 'canary' (branches: main)" in stdout + stderr
    )


def test_a_split_summing_to_95_fails_validate_with_file_and_line(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    set_deployments(project, {"main": 90, "dev": 5})
    stdout, stderr = cli(project, "validate", expect=1)
    lines = (project / "agents.json").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if '"support-bot": {' in text)
    assert f"agents.json:{line}:" in stdout + stderr
    assert "the traffic percentages of 'support-bot' sum to 95, not 100" in stdout + stderr
    _, stderr = cli(project, "plan", "--env", "prod", expect=1)  # plan validates first: nothing is read
    assert "sum to 95" in stderr


def test_a_saved_plan_carries_the_split_and_sync_of_it_deploys_it(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    cli(project, "sync", "--env", "prod", "--yes")
    cli(project, "sync", "--env", "dev", "--yes")
    set_deployments(project, {"main": 90, "dev": 10})
    cli(project, "plan", "--env", "prod", "--out", "reviewed.json")
    saved = json.loads((project / "reviewed.json").read_text(encoding="utf-8"))
    assert saved["traffic"] == [
        {"name": "support-bot", "live": {"main": 100.0}, "desired": {"main": 90.0, "dev": 10.0}}
    ]
    stdout, _ = cli(project, "sync", "reviewed.json", "--yes")
    assert "1 traffic split deployed" in stdout
    cli(project, "plan", "--env", "prod", "--detailed-exitcode")
