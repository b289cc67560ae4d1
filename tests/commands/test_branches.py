"""Branch environments end to end over loopback: one agent, ``dev`` its branch ``dev`` and ``prod`` its main
branch on one workspace. Sync writes only the environment's branch (the official SDK reads both), every
write is described with the commit's short hash, ``agents history`` lists the versions, and ``agents
promote`` merges dev into main through a reviewed plan; a dashboard edit of main in between is a conflict,
refused without --force."""

from __future__ import annotations

import json
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
        merged = {**environments[name], **settings}
        environments[name] = {key: value for key, value in merged.items() if value is not None}
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


def written_descriptions(served: ServedEmulator) -> list[tuple[str, str, str | None]]:
    """(method, path, version description) of every agent write the CLI sent (creates carry none)."""
    found = []
    for exchange in served.exchanges:
        if exchange.method in ("POST", "PATCH") and "/v1/convai/agents" in exchange.path:
            body = json.loads(exchange.request_body) if exchange.request_body else {}
            described = body.get("version_description") or body.get("description")
            found.append((exchange.method, exchange.path, described))
    return found


def test_promote_merges_dev_into_main_and_history_lists_every_described_version(
    project: Path, served_emulator: ServedEmulator
) -> None:
    first = commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    edit_prompt(project, "You are a terse support agent.")
    second = commit(project, "terser prompt")
    cli(project, "sync", "--env", "dev", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]

    stdout, _ = cli(project, "promote", "support-bot", "--from", "dev", "--to", "prod", "--yes")
    assert "~ agent support-bot (promote dev → prod" in stdout
    assert '"You are a helpful support agent." → "You are a terse support agent."' in stdout
    assert "Promoted 1 agent(s) from dev to prod." in stdout
    agents = sdk(served_emulator)
    dev_branch = state(project, "dev")["agents"]["support-bot"]["branch_id"]
    assert prompt_of(agents.get(agent_id)) == prompt_of(agents.get(agent_id, branch_id=dev_branch))
    cli(project, "plan", "--env", "prod", "--detailed-exitcode")  # main equals dev: both plans clean
    cli(project, "plan", "--env", "dev", "--detailed-exitcode")

    # Every write but the create (whose body has no such field; a described PATCH follows it) and the merge
    # (its version is described by the server from what it merges) carries the commit's description.
    writes = written_descriptions(served_emulator)
    assert [write[:2] for write in (writes[0], writes[-1])] == [
        ("POST", "/v1/convai/agents/create"),
        ("POST", f"/v1/convai/agents/{agent_id}/branches/{dev_branch}/merge"),
    ]
    assert [described for *_, described in writes[1:-1]] == [
        f"support bot ({first})",  # the PATCH after the create
        f"terser prompt ({second})",  # the branch cut for dev
        f"terser prompt ({second})",  # the write to it
    ]
    history = cli_json(project, "history", "support-bot", "--env", "prod")
    assert [version["description"] for version in history["versions"]] == [
        "",  # the create
        f"support bot ({first})",
        f"Merge branch 'dev' into 'Main': terser prompt ({second})",
    ]
    dev_history = cli_json(project, "history", "support-bot", "--env", "dev")
    assert [v["description"] for v in dev_history["versions"]] == [
        f"terser prompt ({second})",  # the branch cut from main's version
        f"terser prompt ({second})",  # the write to it
    ]
    assert dev_history["synced_version_id"] == dev_history["current_version_id"]


def test_a_dashboard_edit_of_main_before_promote_is_a_conflict_refused_without_force(
    project: Path, served_emulator: ServedEmulator
) -> None:
    commit(project, "support bot")
    cli(project, "sync", "--env", "prod", "--yes")
    edit_prompt(project, "You are a terse support agent.")
    commit(project, "terser prompt")
    cli(project, "sync", "--env", "dev", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    agents = sdk(served_emulator)
    agents.update(agent_id, conversation_config={"agent": {"prompt": {"prompt": "Dashboard hotfix."}}})

    stdout, stderr = cli(
        project, "promote", "support-bot", "--from", "dev", "--to", "prod", "--yes", expect=1
    )
    assert "conflicts (both branches changed since dev was cut):" in stdout
    assert (
        'conversation_config.agent.prompt.prompt: base: "You are a helpful support agent.", '
        'dev: "You are a terse support agent.", prod: "Dashboard hotfix."'
    ) in stdout
    assert "nothing was promoted" in stderr and "--force" in stderr
    assert prompt_of(agents.get(agent_id)) == "Dashboard hotfix."  # refused: main untouched

    cli(project, "promote", "support-bot", "--from", "dev", "--to", "prod", "--yes", "--force")
    assert prompt_of(agents.get(agent_id)) == "You are a terse support agent."
    cli(project, "plan", "--env", "prod", "--detailed-exitcode")


def test_promote_between_separate_workspaces_syncs_the_source_configs(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = branch_project(
        tmp_path / "proj", served_emulator.url, dev={"branch": None, "api_key_env": "KEY_STAGING"}
    )
    overlay = project / "agents" / "support-bot.dev.yaml"
    overlay.write_text("conversation_config:\n  agent:\n    first_message: Hi from dev\n", encoding="utf-8")
    manifest = (project / "agents.json").read_text(encoding="utf-8")
    (project / "agents.json").write_text(
        manifest.replace(
            '"config": "agents/support-bot.yaml"',
            '"config": "agents/support-bot.yaml", "overlays": {"dev": "agents/support-bot.dev.yaml"}',
        ),
        encoding="utf-8",
    )
    cli(project, "sync", "--env", "prod", "--yes")
    stdout, _ = cli(project, "promote", "support-bot", "--from", "dev", "--to", "prod", "--yes")
    assert '"Hello, how can I help?" → "Hi from dev"' in stdout
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    assert sdk(served_emulator).get(agent_id).conversation_config.agent.first_message == "Hi from dev"


def test_tests_of_a_branch_environment_run_on_its_branch(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    from tests.support.samples import TEST

    attached = (
        AGENT + "platform_settings:\n  testing:\n    attached_tests:\n      - test_id: '@test:greets'\n"
    )
    environments = {
        "prod": {"api_key_env": "KEY_PROD", "base_url": served_emulator.url},
        "dev": {"api_key_env": "KEY_PROD", "base_url": served_emulator.url, "branch": "dev"},
    }
    project = write_project(
        tmp_path / "proj",
        environments=environments,
        default_environment="prod",
        agents={"support-bot": attached},
        tests={"greets": TEST},
    )
    cli(project, "sync", "--env", "prod", "--yes")
    cli(project, "sync", "--env", "dev", "--yes")
    dev = state(project, "dev")
    assert (
        dev["tests"]["greets"]["id"] == state(project, "prod")["tests"]["greets"]["id"]
    )  # shared, not copied
    cli(project, "test", "support-bot", "--env", "dev", "--against", "deployed")
    runs = [
        json.loads(e.request_body)
        for e in served_emulator.exchanges
        if e.method == "POST" and e.path.endswith("/run-tests")
    ]
    assert [run.get("branch_id") for run in runs] == [dev["agents"]["support-bot"]["branch_id"]]


def test_prune_in_a_branch_environment_archives_its_branch_and_never_deletes_the_agent(
    project: Path, served_emulator: ServedEmulator
) -> None:
    cli(project, "sync", "--env", "prod", "--yes")
    cli(project, "sync", "--env", "dev", "--yes")
    agent_id = state(project, "prod")["agents"]["support-bot"]["id"]
    manifest = json.loads((project / "agents.json").read_text(encoding="utf-8"))
    manifest["agents"] = {}
    (project / "agents.json").write_text(json.dumps(manifest), encoding="utf-8")
    cli(project, "sync", "--env", "dev", "--prune", "--yes")
    agents = sdk(served_emulator)
    assert agents.get(agent_id).agent_id == agent_id  # main (prod's agent) lives on
    assert [b.name for b in agents.branches.list(agent_id).results] == ["Main"]  # dev's branch archived
    assert state(project, "dev")["agents"] == {}
