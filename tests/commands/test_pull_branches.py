"""``agents pull`` with branches and versions, and ``agents plan --against-version``, over loopback: a branch
environment's pull writes an overlay of only what its branch changes, ``--all-branches`` adds an environment
per branch, and an older version is seen (plan) or restored as files (pull) without touching state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.test_branches import AGENT, branch_project, commit, edit_prompt, sdk
from tests.support.emulator import ServedEmulator
from tests.support.project import state
from tests.support.samples import cli, cli_json


@pytest.fixture
def synced(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    project = branch_project(tmp_path / "proj", served_emulator.url)
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    return project


def test_pull_of_a_branch_environment_writes_an_overlay_of_what_its_branch_changes(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    cli(synced, "sync", "--env", "dev", "--yes", "--message", "cut dev")
    agent_id = state(synced, "prod")["agents"]["support-bot"]["id"]
    branch_id = sdk(served_emulator).branches.list(agent_id).results[1].id
    sdk(served_emulator).update(  # the dev branch edited in the dashboard
        agent_id, branch_id=branch_id, conversation_config={"agent": {"prompt": {"prompt": "Terse, please."}}}
    )
    cli(synced, "pull", "--env", "dev", "--update", "--yes")
    overlay = synced / "agents" / "support-bot.dev.yaml"
    assert "Terse, please." in overlay.read_text(encoding="utf-8")
    assert "first_message" not in overlay.read_text(encoding="utf-8")  # only what differs from main
    assert (synced / "agents" / "support-bot.yaml").read_text(encoding="utf-8") == AGENT
    manifest = json.loads((synced / "agents.json").read_text(encoding="utf-8"))
    assert manifest["agents"]["support-bot"]["overlays"] == {"dev": "agents/support-bot.dev.yaml"}
    cli(synced, "plan", "--env", "dev", "--detailed-exitcode")
    cli(synced, "plan", "--env", "prod", "--detailed-exitcode")


def test_pull_all_branches_adds_an_environment_per_branch(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    agent_id = state(synced, "prod")["agents"]["support-bot"]["id"]
    agents = sdk(served_emulator)
    version = agents.get(agent_id).version_id
    created = agents.branches.create(agent_id, parent_version_id=version, name="Canary", description="made")
    agents.update(
        agent_id,
        branch_id=created.created_branch_id,
        conversation_config={"agent": {"first_message": "Hi from the canary"}},
    )
    _, stderr = cli(synced, "pull", "--env", "prod", "--all-branches", "--update", "--yes")
    assert "added environment 'canary' (branch 'Canary')" in stderr
    manifest = json.loads((synced / "agents.json").read_text(encoding="utf-8"))
    assert manifest["environments"]["canary"]["branch"] == "Canary"
    assert manifest["environments"]["canary"]["base_url"] == served_emulator.url
    overlay = (synced / "agents" / "support-bot.canary.yaml").read_text(encoding="utf-8")
    assert "Hi from the canary" in overlay
    cli(synced, "plan", "--env", "canary", "--detailed-exitcode")


def test_an_older_version_is_planned_against_and_restored_as_files(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    first = cli_json(synced, "history", "support-bot", "--env", "prod")["versions"][-1]["id"]
    edit_prompt(synced, "You are a terse support agent.")
    commit(synced, "terser")
    cli(synced, "sync", "--env", "prod", "--yes")
    cli(synced, "plan", "--env", "prod", "--detailed-exitcode")

    stdout, _ = cli(
        synced, "plan", "--env", "prod", "--against-version", first, "--detailed-exitcode", expect=2
    )
    assert '"You are a helpful support agent." → "You are a terse support agent."' in stdout
    assert f"(remote at version {first})" in stdout
    _, stderr = cli(synced, "plan", "--against-version", first, "--out", "p.json", expect=1)
    assert "older version is for reading" in stderr

    before = state(synced, "prod")
    cli(synced, "pull", "--env", "prod", "--version", first, "--yes")
    assert (synced / "agents" / "support-bot.yaml").read_text(encoding="utf-8").count("helpful") == 1
    assert state(synced, "prod") == before  # files only: state keeps what is deployed
    stdout, _ = cli(synced, "plan", "--env", "prod", "--detailed-exitcode", expect=2)
    assert '"You are a terse support agent." → "You are a helpful support agent."' in stdout  # the way back

    _, stderr = cli(
        synced, "pull", "--env", "prod", "--version", "agtvrsn_0001knotthereatallxxxxxxxx", expect=1
    )
    assert "no agent this environment tracks has a version" in stderr


def test_pull_all_branches_names_the_main_environment_when_the_connection_does_not(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    url = served_emulator.url
    project = branch_project(
        tmp_path / "proj", url, dev={"main": "prod"}, prod={"api_key_env": "KEY_PROD", "base_url": url}
    )
    manifest = json.loads((project / "agents.json").read_text(encoding="utf-8"))
    manifest["environments"]["scratch"] = {"api_key_env": "KEY_PROD", "base_url": url}  # a second main
    (project / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    cli(project, "sync", "--env", "prod", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    agents = sdk(served_emulator)
    agents.branches.create(
        agent_id, parent_version_id=agents.get(agent_id).version_id, name="canary", description="c"
    )

    cli(project, "pull", "--env", "prod", "--all-branches", "--update", "--yes")
    manifest = json.loads((project / "agents.json").read_text(encoding="utf-8"))
    assert manifest["environments"]["canary"]["main"] == "prod"
    cli(project, "plan", "--env", "canary", "--detailed-exitcode")
    assert state(project, "canary")["agents"]["support-bot"]["id"] == agent_id
