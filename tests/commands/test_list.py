"""``agents list``: the local resources with their remote ids (JSON and table), and ``--remote`` over loopback
HTTP against the emulator, marking what the project manages and reading every page."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from agents_cli.emulator.server import RunningEmulator
from tests.support.cli import init_project, run_cli
from tests.support.emulator import remote
from tests.support.project import state
from tests.support.samples import KEYS, offline_project, sample_project


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return offline_project(tmp_path / "proj")


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


def test_list_local_json_and_table(project: Path) -> None:
    data = json.loads(run_cli(["list", "--json"], cwd=project).stdout)
    assert data["environment"] == "dev"
    assert [(r["kind"], r["name"], r["file"], r["remote_id"]) for r in data["resources"]] == [
        ("tool", "lookup", "tools/lookup.yaml", None),
        ("test", "greets", "tests/greets.yaml", None),
        ("agent", "support-bot", "agents/support-bot.yaml", "agent_dev_1"),
    ]
    only_agents = json.loads(
        run_cli(["list", "--env", "eu", "--kind", "agent", "--json"], cwd=project).stdout
    )
    assert [r["remote_id"] for r in only_agents["resources"]] == ["agent_eu_1"]
    table = run_cli(["list"], cwd=project).stdout
    assert "REMOTE ID (dev)" in table and "agent_dev_1" in table and "\x1b[" not in table


def test_list_of_one_kind_that_is_empty_says_which_kind(tmp_path: Path) -> None:
    # Before: 'list --kind tool' with agents but no tools said "no resources in agents.json yet", and with
    # --remote "holds no agents, tools or tests" while the environment held agents.
    root = init_project(tmp_path)
    run_cli(["add", "agent", "bot"], cwd=root)
    run_cli(["sync"], cwd=root)
    local = run_cli(["list", "--kind", "tool"], cwd=root)
    assert "no tools in agents.json yet" in local.stderr
    remote = run_cli(["list", "--remote", "--kind", "tool"], cwd=root)
    assert "environment 'local' holds no tools" in remote.stderr
    assert "bot" in run_cli(["list", "--remote", "--kind", "agent"], cwd=root).stdout
