"""``agents status`` end to end over loopback HTTP: one project showing each of the six states."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents_cli.emulator.server import RunningEmulator, running_emulator
from agents_cli.kinds.tags import env_tag, name_tag
from tests.support.cli import run_cli
from tests.support.emulator import remote_ok
from tests.support.project import edit_manifest, state
from tests.support.samples import AGENT, KEYS, sample_project


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as running:
        yield running


def test_status_shows_all_six_states(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> None:
    agents = {name: AGENT for name in ("bot", "drifty", "gone")}
    project = sample_project(tmp_path / "proj", emulator.url, agents=agents)
    run_cli(["sync", "--env", "staging", "--yes"], cwd=project, env=KEYS)
    ids = state(project, "staging")["agents"]

    # local change
    bot = project / "agents" / "bot.yaml"
    bot.write_text(bot.read_text().replace("first_message: Hello!", "first_message: Good day!"))
    # remote drift: edited in the dashboard
    remote_ok(
        emulator.url,
        "PATCH",
        f"/v1/convai/agents/{ids['drifty']['id']}",
        {"conversation_config": {"agent": {"first_message": "Edited in the dashboard"}}},
    )
    # missing remotely: deleted in the dashboard
    remote_ok(emulator.url, "DELETE", f"/v1/convai/agents/{ids['gone']['id']}")
    # not yet created: declared, never synced
    (project / "agents" / "fresh.yaml").write_text(AGENT)
    fresh = {"config": "agents/fresh.yaml"}
    edit_manifest(project, lambda manifest: manifest["agents"].update(fresh=fresh), indent=2)
    # untracked remote: carries this environment's tag, but no local config declares it
    ghost = remote_ok(
        emulator.url,
        "POST",
        "/v1/convai/agents/create",
        {"name": "Ghost", "conversation_config": {}, "tags": [env_tag("staging"), name_tag("ghost")]},
    )["agent_id"]

    report = json.loads(run_cli(["status", "--env", "staging", "--json"], cwd=project, env=KEYS).stdout)
    states = {(row["kind"], row["name"]): row["status"] for row in report["resources"]}
    assert states == {
        ("tool", "lookup"): "in sync",
        ("test", "greets"): "in sync",
        ("agent", "bot"): "local changes",
        ("agent", "drifty"): "remote drift",
        ("agent", "fresh"): "not yet created",
        ("agent", "gone"): "missing remotely",
        ("agent", "ghost"): "untracked remote",
    }
    by_name = {row["name"]: row for row in report["resources"]}
    assert by_name["gone"]["remote_id"] == ids["gone"]["id"]
    assert by_name["ghost"]["remote_id"] == ghost
    assert by_name["fresh"]["remote_id"] is None
    assert report["summary"] == {
        "in sync": 2,
        "local changes": 1,
        "remote drift": 1,
        "not yet created": 1,
        "missing remotely": 1,
        "untracked remote": 1,
    }
    human = run_cli(["status", "--env", "staging"], cwd=project, env=KEYS)
    assert "agent drifty  remote drift" in human.stdout
    assert "staging: 2 in sync, 1 local changes" in human.stderr
    # status only reads: nothing was written remotely or to state.
    assert state(project, "staging")["agents"] == ids
