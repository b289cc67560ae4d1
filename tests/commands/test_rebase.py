"""``agents rebase`` end to end over loopback: one agent, ``dev`` its branch ``dev`` (an overlay changes the
prompt) and ``prod`` its main branch. A change synced to prod reaches dev's branch through the API's rebase
preview and rebase, shown as a field-level plan; the official SDK sees the rebased branch, state records
its version and dev's plan is clean. Fields both changed are conflicts, shown field by field and refused
without --force; with it, main's values win."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.test_branches import branch_project, commit, prompt_of, sdk
from tests.support.emulator import ServedEmulator
from tests.support.project import state
from tests.support.samples import cli, cli_json

DEV_PROMPT = "conversation_config:\n  agent:\n    prompt:\n      prompt: You are the dev support agent.\n"


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    """prod synced, then dev (its overlay's prompt) synced: dev's branch cut and written."""
    project = branch_project(tmp_path / "proj", served_emulator.url)
    (project / "agents" / "support-bot.dev.yaml").write_text(DEV_PROMPT, encoding="utf-8")
    manifest = json.loads((project / "agents.json").read_text(encoding="utf-8"))
    manifest["agents"]["support-bot"]["overlays"] = {"dev": "agents/support-bot.dev.yaml"}
    (project / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    cli(project, "sync", "--env", "dev", "--yes")
    return project


def set_base(project: Path, old: str, new: str) -> None:
    config = project / "agents" / "support-bot.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_rebase_brings_main_changes_into_the_branch_and_records_its_version(
    project: Path, served_emulator: ServedEmulator
) -> None:
    set_base(project, "Hello, how can I help?", "Hi there!")
    commit(project, "friendlier greeting")
    cli(project, "sync", "--env", "prod", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    branch_id = state(project, "dev")["agents"]["support-bot"]["branch_id"]

    planned = cli_json(project, "rebase", "support-bot", "--env", "dev", "--yes")
    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode")  # rebased: clean
    assert planned["rebased"] is True and planned["rebases"][0]["branch_id"] == branch_id
    assert planned["rebases"][0]["changes"] == [
        {
            "path": "conversation_config.agent.first_message",
            "change": "changed",
            "remote": "Hello, how can I help?",
            "local": "Hi there!",
        }
    ]
    agent = sdk(served_emulator).get(agent_id, branch_id=branch_id)
    assert agent.conversation_config.agent.first_message == "Hi there!"
    assert prompt_of(agent) == "You are the dev support agent."  # the branch's own change kept
    recorded = state(project, "dev")["agents"]["support-bot"]
    assert recorded["version_id"] == agent.version_id and recorded["branch_id"] == branch_id
    assert sdk(served_emulator).versions.get(agent_id, agent.version_id).branch_id == branch_id

    stdout, _ = cli(project, "rebase", "support-bot", "--env", "dev")
    assert "Nothing to rebase: dev already has what main has." in stdout


def test_the_rebase_plan_reads_like_a_plan_before_asking(project: Path) -> None:
    set_base(project, "Hello, how can I help?", "Hi there!")
    cli(project, "sync", "--env", "prod", "--yes")
    stdout, stderr = cli(project, "rebase", "support-bot", "--env", "dev", expect=1)  # no terminal, no --yes
    assert "~ agent support-bot (rebase dev onto main, id agent_" in stdout
    assert 'conversation_config.agent.first_message: "Hello, how can I help?" → "Hi there!"' in stdout
    assert "Rebase: 1 agent(s) of dev onto main." in stdout
    assert "--yes" in stderr


def test_a_field_both_changed_is_a_conflict_refused_without_force(
    project: Path, served_emulator: ServedEmulator
) -> None:
    set_base(project, "You are a helpful support agent.", "You are the production agent.")
    commit(project, "production prompt")
    cli(project, "sync", "--env", "prod", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    branch_id = state(project, "dev")["agents"]["support-bot"]["branch_id"]
    before = state(project, "dev")["agents"]["support-bot"]["version_id"]

    stdout, stderr = cli(project, "rebase", "support-bot", "--env", "dev", "--yes", expect=1)
    assert (
        "conflicts (main and dev both changed since the branch was cut; refused without --force):" in stdout
    )
    assert (
        'conversation_config.agent.prompt.prompt: base: "You are a helpful support agent.", '
        'main: "You are the production agent.", dev: "You are the dev support agent."'
    ) in stdout
    assert (
        "error: nothing was rebased: main and the branch both changed the same fields of support-bot"
        in stderr
    )
    assert "--force" in stderr
    assert (
        prompt_of(sdk(served_emulator).get(agent_id, branch_id=branch_id)) == "You are the dev support agent."
    )
    assert state(project, "dev")["agents"]["support-bot"]["version_id"] == before

    stdout, _ = cli(project, "rebase", "support-bot", "--env", "dev", "--yes", "--force")
    assert "--force: main's values win" in stdout and "Rebased 1 agent(s) of dev onto main." in stdout
    agent = sdk(served_emulator).get(agent_id, branch_id=branch_id)
    assert prompt_of(agent) == "You are the production agent."
    assert state(project, "dev")["agents"]["support-bot"]["version_id"] == agent.version_id
    # dev's overlay still wants its own prompt: the plan shows the way back, as a local change (not drift).
    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode", expect=2)
    assert '"You are the production agent." → "You are the dev support agent."' in stdout
    assert "drifted" not in stdout


def test_rebase_refuses_a_main_environment_and_an_unsynced_branch(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    _, stderr = cli(project, "rebase", "support-bot", "--env", "prod", expect=1)
    assert "environment 'prod' is not a branch environment" in stderr
    _, stderr = cli(project, "rebase", "support-bot", "--env", "dev", expect=1)
    assert "agent 'support-bot' has no remote id in environment 'dev' yet" in stderr
    cli(project, "sync", "--env", "prod", "--yes")
    _, stderr = cli(project, "rebase", "support-bot", "--env", "dev", expect=1)
    assert "environment 'dev' has no branch of agent 'support-bot' yet" in stderr
    _, stderr = cli(project, "rebase", "suport-bot", "--env", "dev", expect=1)
    assert "suport-bot" in stderr
