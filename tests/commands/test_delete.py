"""``agents delete``: refused off a terminal without --yes and asked on one; a resource never deployed leaves
the manifest and its file, one still deployed elsewhere keeps its files; over loopback HTTP the remote
resource, its state and files go, and refusals and follow-ups say what to do next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.emulator.server import RunningEmulator
from tests.support.cli import on_a_terminal, run_cli
from tests.support.emulator import ServedEmulator, remote
from tests.support.project import state, write_project
from tests.support.samples import KEYS, offline_project, sample_project

NO_COLOR = {"NO_COLOR": "1"}


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return offline_project(tmp_path / "proj")


def test_delete_off_a_tty_without_yes_is_refused(project: Path) -> None:
    result = run_cli(["delete", "lookup", "--env", "prod"], cwd=project, expect=1)
    assert "needs confirmation and stdin is not a terminal" in result.stderr
    assert "hint: use --yes" in result.stderr
    assert (project / "tools" / "lookup.yaml").exists()
    assert "lookup" in json.loads((project / "agents.json").read_text())["tools"]


def test_delete_never_deployed_removes_manifest_entry_and_file(project: Path) -> None:
    result = run_cli(["delete", "lookup", "--env", "prod", "--yes", "--json"], cwd=project)
    outcome = json.loads(result.stdout)
    assert outcome == {
        "kind": "tool",
        "name": "lookup",
        "environment": "prod",
        "remote_id": None,
        "remote_deleted": False,
        "local_removed": True,
        "files_removed": ["tools/lookup.yaml"],
        "kept_locally_because": None,
    }
    manifest = json.loads((project / "agents.json").read_text())
    assert manifest["tools"] == {} and list(manifest["agents"]) == ["support-bot"]
    assert not (project / "tools" / "lookup.yaml").exists()
    # The agent still says @tool:lookup: the user is told before anything is deleted.
    assert "agents/support-bot.yaml references @tool:lookup" in result.stderr


def test_delete_keeps_local_files_while_another_environment_has_it(project: Path) -> None:
    result = run_cli(["delete", "support-bot", "--env", "prod", "--yes", "--json"], cwd=project)
    outcome = json.loads(result.stdout)
    assert outcome["local_removed"] is False
    assert outcome["kept_locally_because"] == "still deployed in dev, eu"
    assert (project / "agents" / "support-bot.yaml").exists()
    assert "kept agent 'support-bot' locally" in result.stderr


def test_delete_unknown_or_ambiguous_names(project: Path, tmp_path: Path) -> None:
    assert "no resource named 'ghost'" in run_cli(["delete", "ghost", "--yes"], cwd=project, expect=1).stderr
    both = write_project(tmp_path / "two", agents={"x": "name: x\n"}, tools={"x": "name: x\n"})
    ambiguous = run_cli(["delete", "x", "--yes"], cwd=both, expect=1)
    assert "names several resources (tool, agent)" in ambiguous.stderr and "--kind" in ambiguous.stderr
    run_cli(["delete", "x", "--kind", "tool", "--yes"], cwd=both)
    assert list(json.loads((both / "agents.json").read_text())["agents"]) == ["x"]


def test_delete_asks_on_a_terminal(project: Path) -> None:
    code, declined = on_a_terminal(["delete", "lookup", "--env", "prod"], project, env=NO_COLOR, answer="n")
    assert code == 1 and "Delete tool 'lookup'? [y/N]" in declined and "nothing deleted" in declined
    assert (project / "tools" / "lookup.yaml").exists()
    code, accepted = on_a_terminal(["delete", "lookup", "--env", "prod"], project, env=NO_COLOR, answer="y")
    assert code == 0 and "removed tool 'lookup' from agents.json and deleted tools/lookup.yaml" in accepted
    assert not (project / "tools" / "lookup.yaml").exists()


def test_delete_removes_remote_state_manifest_and_files(synced: Path, emulator: RunningEmulator) -> None:
    agent_id = state(synced, "staging")["agents"]["bot"]["id"]
    refused = run_cli(["delete", "bot", "--env", "staging"], cwd=synced, expect=1, env=KEYS)
    assert "use --yes" in refused.stderr
    assert remote(emulator.url, "GET", f"/v1/convai/agents/{agent_id}").status_code == 200

    result = run_cli(["delete", "bot", "--env", "staging", "--yes", "--json"], cwd=synced, env=KEYS)
    outcome = json.loads(result.stdout)
    assert outcome["remote_id"] == agent_id
    assert outcome["remote_deleted"] is True and outcome["local_removed"] is True
    assert outcome["files_removed"] == ["agents/bot.yaml"]
    assert remote(emulator.url, "GET", f"/v1/convai/agents/{agent_id}").status_code == 404
    assert "bot" not in state(synced, "staging")["agents"]
    assert "bot" not in json.loads((synced / "agents.json").read_text())["agents"]
    assert not (synced / "agents" / "bot.yaml").exists()
    assert not (synced / "state" / "staging.lock").exists()


def test_delete_keep_local_and_a_resource_deployed_elsewhere(synced: Path, emulator: RunningEmulator) -> None:
    run_cli(["sync", "--env", "prod", "--yes"], cwd=synced, env=KEYS)
    staging_bot = state(synced, "staging")["agents"]["bot"]["id"]
    prod_bot = state(synced, "prod")["agents"]["bot"]["id"]

    # Deleting in staging keeps the files: prod is still managed by them.
    first = json.loads(
        run_cli(["delete", "bot", "--env", "staging", "--yes", "--json"], cwd=synced, env=KEYS).stdout
    )
    assert first["remote_deleted"] is True and first["kept_locally_because"] == "still deployed in prod"
    assert (synced / "agents" / "bot.yaml").exists()
    assert remote(emulator.url, "GET", f"/v1/convai/agents/{staging_bot}").status_code == 404
    assert remote(emulator.url, "GET", f"/v1/convai/agents/{prod_bot}").status_code == 200

    # --keep-local deletes only remotely, even when it is the last environment.
    second = json.loads(
        run_cli(
            ["delete", "bot", "--env", "prod", "--yes", "--keep-local", "--json"], cwd=synced, env=KEYS
        ).stdout
    )
    assert second["remote_deleted"] is True and second["local_removed"] is False
    assert remote(emulator.url, "GET", f"/v1/convai/agents/{prod_bot}").status_code == 404
    assert (synced / "agents" / "bot.yaml").exists()
    assert "bot" in json.loads((synced / "agents.json").read_text())["agents"]
    # The files still describe the agent: the next sync creates it again.
    plan = json.loads(run_cli(["plan", "--env", "prod", "--json"], cwd=synced, env=KEYS).stdout)
    assert "bot" in json.dumps(plan)


def test_deleting_a_tool_an_agent_uses_says_how_to_detach_it(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    refused = run_cli(["delete", "lookup", "--yes", "--keep-local"], cwd=root, env=KEYS, expect=1)
    assert "409" in refused.stderr
    hint = "hint: remove @tool:lookup from agents/bot.yaml, run 'agents sync --env staging', then delete it"
    assert hint in refused.stderr
    assert "lookup" in state(root, "staging")["tools"]


def test_delete_in_one_environment_says_the_next_sync_recreates_it(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = sample_project(tmp_path / "p", served_emulator.url)
    for env in ("staging", "prod"):
        run_cli(["sync", "--env", env, "--yes"], cwd=root, env=KEYS)
    deleted = run_cli(["delete", "bot", "--env", "staging", "--yes"], cwd=root, env=KEYS)
    assert "kept agent 'bot' locally: still deployed in prod" in deleted.stderr
    assert "the next 'agents sync --env staging' creates it again" in deleted.stderr
    plan = json.loads(run_cli(["plan", "--env", "staging", "--json"], cwd=root, env=KEYS).stdout)
    assert [(r["name"], r["action"]) for r in plan["resources"] if r["kind"] == "agent"] == [
        ("bot", "create")
    ]
