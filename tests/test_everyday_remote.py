"""``agents list --remote`` and ``agents delete`` end to end over loopback HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agents_cli.emulator.server import RunningEmulator, running_emulator
from tests.support.cli import run_cli
from tests.support.emulator import remote
from tests.support.project import state
from tests.support.samples import KEYS, sample_project


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as running:
        yield running


@pytest.fixture
def synced(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> Path:
    """A project (tool ``lookup``, test ``greets``, agent ``bot``) synced to ``staging``."""
    project = sample_project(tmp_path / "proj", emulator.url)
    run_cli(["sync", "--env", "staging", "--yes"], cwd=project, env=KEYS)
    return project


def test_list_remote_marks_what_the_project_manages(synced: Path, emulator: RunningEmulator) -> None:
    stray = remote(
        emulator.url,
        "POST",
        "/v1/convai/agents/create",
        {"name": "Made In The Dashboard", "conversation_config": {}},
    )
    stray_id = stray.json()["agent_id"]
    ids = state(synced, "staging")
    listing = json.loads(
        run_cli(["list", "--remote", "--env", "staging", "--json"], cwd=synced, env=KEYS).stdout
    )
    rows = {row["remote_id"]: row for row in listing["resources"]}
    assert listing["environment"] == "staging"
    bot = rows[ids["agents"]["bot"]["id"]]
    assert (bot["kind"], bot["name"], bot["managed"], bot["local_name"]) == (
        "agent",
        "Support Bot",
        True,
        "bot",
    )
    assert rows[ids["tools"]["lookup"]["id"]]["local_name"] == "lookup"
    assert rows[ids["tests"]["greets"]["id"]]["local_name"] == "greets"
    assert rows[stray_id]["managed"] is False and rows[stray_id]["name"] == "Made In The Dashboard"
    # prod shares the workspace but has no state: nothing there is managed in prod.
    prod = json.loads(run_cli(["list", "--remote", "--env", "prod", "--json"], cwd=synced, env=KEYS).stdout)
    assert prod["resources"] and not any(row["managed"] for row in prod["resources"])
    table = run_cli(["list", "--remote", "--env", "staging", "--kind", "agent"], cwd=synced, env=KEYS)
    assert "Made In The Dashboard" in table.stdout and "managed by this project in 'staging'" in table.stderr
    local = json.loads(run_cli(["list", "--env", "staging", "--json"], cwd=synced).stdout)
    assert {row["name"]: row["remote_id"] for row in local["resources"]}["bot"] == ids["agents"]["bot"]["id"]


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


def test_list_remote_reads_every_page(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> None:
    project = sample_project(tmp_path / "paged", emulator.url)
    before = len(
        json.loads(run_cli(["list", "--remote", "--kind", "test", "--json"], cwd=project, env=KEYS).stdout)[
            "resources"
        ]
    )
    with httpx.Client(base_url=emulator.url, headers={"xi-api-key": "sk_bulk"}, timeout=10) as client:
        for index in range(105):  # more than one page of 100
            body = {
                "type": "llm",
                "name": f"bulk {index}",
                "chat_history": [],
                "success_condition": "ok",
                "success_examples": [],
                "failure_examples": [],
            }
            assert client.post("/v1/convai/agent-testing/create", json=body).status_code == 200
    listing = json.loads(
        run_cli(["list", "--remote", "--kind", "test", "--json"], cwd=project, env=KEYS).stdout
    )
    names = [row["name"] for row in listing["resources"]]
    ids = [row["remote_id"] for row in listing["resources"]]
    assert len(ids) == before + 105 and len(set(ids)) == len(ids)  # every page, no item twice
    assert {f"bulk {index}" for index in range(105)} <= set(names)
