"""Branch environments end to end over loopback: one agent, ``dev`` its branch ``dev`` and ``prod`` its main
branch on one workspace. Sync writes only the environment's branch (the official SDK reads both), every
write is described with the commit's short hash, ``agents history`` lists the versions, and ``agents
promote`` merges dev into main through a reviewed plan; a dashboard edit of main in between is a conflict,
refused without --force."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator import ServedEmulator
from tests.support.project import state, write_project
from tests.support.samples import cli, cli_json

elevenlabs = pytest.importorskip("elevenlabs")

AGENT = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello, how can I help?
    prompt:
      prompt: You are a helpful support agent.
"""


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(project: Path, subject: str) -> str:
    git(project, "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", subject)
    return git(project, "rev-parse", "--short", "HEAD")


def branch_project(root: Path, url: str, **extra: Any) -> Path:
    environments = {
        "prod": {"api_key_env": "KEY_PROD", "base_url": url},
        "dev": {"api_key_env": "KEY_PROD", "base_url": url, "branch": "dev"},
    }
    for name, settings in extra.items():
        environments[name] = {**environments[name], **settings}
    project = write_project(
        root, environments=environments, default_environment="prod", agents={"support-bot": AGENT}
    )
    git(project, "init", "-q")
    return project


def edit_prompt(project: Path, text: str) -> None:
    config = project / "agents" / "support-bot.yaml"
    config.write_text(AGENT.replace("You are a helpful support agent.", text), encoding="utf-8")


def sdk(served: ServedEmulator) -> Any:
    return elevenlabs.ElevenLabs(
        api_key=served.api_key, base_url=served.url, timeout=10
    ).conversational_ai.agents


def prompt_of(agent: Any) -> str:
    return str(agent.conversation_config.agent.prompt.prompt)


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    return branch_project(tmp_path / "proj", served_emulator.url)


def test_sync_of_a_branch_environment_writes_only_its_branch(
    project: Path, served_emulator: ServedEmulator
) -> None:
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    edit_prompt(project, "You are a terse support agent.")
    short = commit(project, "terser prompt")

    stdout, _ = cli(project, "plan", "--env", "dev", "--detailed-exitcode", expect=2)
    assert '"You are a helpful support agent." → "You are a terse support agent."' in stdout
    cli(project, "sync", "--env", "dev", "--yes")

    dev_state = state(project, "dev")["agents"]["support-bot"]
    assert dev_state["id"] == agent_id and dev_state["branch_id"].startswith("agtbranch_")
    agents = sdk(served_emulator)
    assert (
        prompt_of(agents.get(agent_id, branch_id=dev_state["branch_id"])) == "You are a terse support agent."
    )
    assert prompt_of(agents.get(agent_id)) == "You are a helpful support agent."  # main unchanged
    version = agents.versions.get(agent_id, dev_state["version_id"])
    assert version.branch_id == dev_state["branch_id"] and f"({short})" in version.version_description
    cli(project, "plan", "--env", "dev", "--detailed-exitcode")
    stdout, _ = cli(project, "plan", "--env", "prod", "--detailed-exitcode", expect=2)
    assert '"You are a helpful support agent." → "You are a terse support agent."' in stdout
