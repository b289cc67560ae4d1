"""``agents list --remote`` and ``agents delete`` end to end over loopback HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agents_cli.emulator.server import RunningEmulator, running_emulator
from tests.support.project import Cli, isolated_home
from tests.support.samples import KEYS
from tests.support.samples import write_project as write_synced_project

__all__ = ["isolated_home"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as running:
        yield running


@pytest.fixture
def synced(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> Path:
    """A project (tool ``lookup``, test ``greets``, agent ``bot``) synced to ``staging``."""
    project = write_synced_project(tmp_path / "proj", emulator.url)
    Cli(project).ok("sync", "--env", "staging", "--yes", env=KEYS)
    return project


def _state(project: Path, env: str) -> dict[str, dict[str, dict[str, str]]]:
    data: dict[str, dict[str, dict[str, str]]] = json.loads((project / "state" / f"{env}.json").read_text())
    return data


def _remote(emulator: RunningEmulator, method: str, path: str, body: object = None) -> httpx.Response:
    return httpx.request(
        method, emulator.url + path, json=body, headers={"xi-api-key": "sk_peek"}, timeout=10
    )


def test_list_remote_marks_what_the_project_manages(synced: Path, emulator: RunningEmulator) -> None:
    stray = _remote(
        emulator,
        "POST",
        "/v1/convai/agents/create",
        {"name": "Made In The Dashboard", "conversation_config": {}},
    )
    stray_id = stray.json()["agent_id"]
    ids = _state(synced, "staging")
    listing = json.loads(Cli(synced).ok("list", "--remote", "--env", "staging", "--json", env=KEYS).stdout)
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
    prod = json.loads(Cli(synced).ok("list", "--remote", "--env", "prod", "--json", env=KEYS).stdout)
    assert prod["resources"] and not any(row["managed"] for row in prod["resources"])
    table = Cli(synced).ok("list", "--remote", "--env", "staging", "--kind", "agent", env=KEYS)
    assert "Made In The Dashboard" in table.stdout and "managed by this project in 'staging'" in table.stderr
    local = json.loads(Cli(synced).ok("list", "--env", "staging", "--json").stdout)
    assert {row["name"]: row["remote_id"] for row in local["resources"]}["bot"] == ids["agents"]["bot"]["id"]


def test_delete_removes_remote_state_manifest_and_files(synced: Path, emulator: RunningEmulator) -> None:
    agent_id = _state(synced, "staging")["agents"]["bot"]["id"]
    refused = Cli(synced).fails("delete", "bot", "--env", "staging", env=KEYS)
    assert "use --yes" in refused.stderr
    assert _remote(emulator, "GET", f"/v1/convai/agents/{agent_id}").status_code == 200

    result = Cli(synced).ok("delete", "bot", "--env", "staging", "--yes", "--json", env=KEYS)
    outcome = json.loads(result.stdout)
    assert outcome["remote_id"] == agent_id
    assert outcome["remote_deleted"] is True and outcome["local_removed"] is True
    assert outcome["files_removed"] == ["agents/bot.yaml"]
    assert _remote(emulator, "GET", f"/v1/convai/agents/{agent_id}").status_code == 404
    assert "bot" not in _state(synced, "staging")["agents"]
    assert "bot" not in json.loads((synced / "agents.json").read_text())["agents"]
    assert not (synced / "agents" / "bot.yaml").exists()
    assert not (synced / "state" / "staging.lock").exists()


def test_delete_keep_local_and_a_resource_deployed_elsewhere(synced: Path, emulator: RunningEmulator) -> None:
    cli = Cli(synced)
    cli.ok("sync", "--env", "prod", "--yes", env=KEYS)
    staging_bot = _state(synced, "staging")["agents"]["bot"]["id"]
    prod_bot = _state(synced, "prod")["agents"]["bot"]["id"]

    # Deleting in staging keeps the files: prod is still managed by them.
    first = json.loads(cli.ok("delete", "bot", "--env", "staging", "--yes", "--json", env=KEYS).stdout)
    assert first["remote_deleted"] is True and first["kept_locally_because"] == "still deployed in prod"
    assert (synced / "agents" / "bot.yaml").exists()
    assert _remote(emulator, "GET", f"/v1/convai/agents/{staging_bot}").status_code == 404
    assert _remote(emulator, "GET", f"/v1/convai/agents/{prod_bot}").status_code == 200

    # --keep-local deletes only remotely, even when it is the last environment.
    second = json.loads(
        cli.ok("delete", "bot", "--env", "prod", "--yes", "--keep-local", "--json", env=KEYS).stdout
    )
    assert second["remote_deleted"] is True and second["local_removed"] is False
    assert _remote(emulator, "GET", f"/v1/convai/agents/{prod_bot}").status_code == 404
    assert (synced / "agents" / "bot.yaml").exists()
    assert "bot" in json.loads((synced / "agents.json").read_text())["agents"]
    # The files still describe the agent: the next sync creates it again.
    plan = json.loads(cli.ok("plan", "--env", "prod", "--json", env=KEYS).stdout)
    assert "bot" in json.dumps(plan)


def test_list_remote_reads_every_page(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> None:
    project = write_synced_project(tmp_path / "paged", emulator.url)
    before = len(
        json.loads(Cli(project).ok("list", "--remote", "--kind", "test", "--json", env=KEYS).stdout)[
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
    listing = json.loads(Cli(project).ok("list", "--remote", "--kind", "test", "--json", env=KEYS).stdout)
    names = [row["name"] for row in listing["resources"]]
    ids = [row["remote_id"] for row in listing["resources"]]
    assert len(ids) == before + 105 and len(set(ids)) == len(ids)  # every page, no item twice
    assert {f"bulk {index}" for index in range(105)} <= set(names)
