"""``agents status`` end to end over loopback HTTP: one project showing each of the six states."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agents_cli.emulator.server import RunningEmulator, running_emulator
from agents_cli.kinds.tags import env_tag, name_tag
from tests.support.project import Cli, isolated_home
from tests.support.samples import AGENT, KEYS
from tests.support.samples import write_project as write_synced_project

__all__ = ["isolated_home"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as running:
        yield running


def _call(emulator: RunningEmulator, method: str, path: str, body: object = None) -> httpx.Response:
    response = httpx.request(
        method, emulator.url + path, json=body, headers={"xi-api-key": "sk_dashboard"}, timeout=10
    )
    assert response.status_code < 400, response.text
    return response


def test_status_shows_all_six_states(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> None:
    agents = {name: AGENT for name in ("bot", "drifty", "gone")}
    project = write_synced_project(tmp_path / "proj", emulator.url, agents=agents)
    cli = Cli(project)
    cli.ok("sync", "--env", "staging", "--yes", env=KEYS)
    ids = json.loads((project / "state" / "staging.json").read_text())["agents"]

    # local change
    bot = project / "agents" / "bot.yaml"
    bot.write_text(bot.read_text().replace("first_message: Hello!", "first_message: Good day!"))
    # remote drift: edited in the dashboard
    _call(
        emulator,
        "PATCH",
        f"/v1/convai/agents/{ids['drifty']['id']}",
        {"conversation_config": {"agent": {"first_message": "Edited in the dashboard"}}},
    )
    # missing remotely: deleted in the dashboard
    _call(emulator, "DELETE", f"/v1/convai/agents/{ids['gone']['id']}")
    # not yet created: declared, never synced
    (project / "agents" / "fresh.yaml").write_text(AGENT)
    manifest = json.loads((project / "agents.json").read_text())
    manifest["agents"]["fresh"] = {"config": "agents/fresh.yaml"}
    (project / "agents.json").write_text(json.dumps(manifest, indent=2))
    # untracked remote: carries this environment's tag, but no local config declares it
    ghost = _call(
        emulator,
        "POST",
        "/v1/convai/agents/create",
        {"name": "Ghost", "conversation_config": {}, "tags": [env_tag("staging"), name_tag("ghost")]},
    ).json()["agent_id"]

    report = json.loads(cli.ok("status", "--env", "staging", "--json", env=KEYS).stdout)
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
    human = cli.ok("status", "--env", "staging", env=KEYS)
    assert "agent drifty  remote drift" in human.stdout
    assert "staging: 2 in sync, 1 local changes" in human.stderr
    # status only reads: nothing was written remotely or to state.
    assert json.loads((project / "state" / "staging.json").read_text())["agents"] == ids
