"""``agents sync --replace``: off a terminal it needs --yes (nothing is written before), and a refused replace
still reports and records the updates that had started."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_ok, remote_patch
from tests.support.project import edit, state
from tests.support.samples import KEYS, cli, sample_project, with_two_agents


def test_sync_replace_needs_yes_off_a_terminal(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    # --replace deletes the live agent (its id, widget embeds and phone numbers go with it); off a terminal it
    # ran without --yes while --prune's deletions were refused.
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    old_id = state(root, "staging")["agents"]["bot"]["id"]
    (root / "agents" / "bot.yaml").write_text(
        (root / "agents" / "bot.yaml").read_text().replace("temperature: 0.3", "temperature: 0.2")
    )
    refused = run_cli(["sync", "--replace", "bot", "--json"], cwd=root, env=KEYS, expect=1)
    assert "replacing 1 agent(s) (the old agent is deleted) needs confirmation" in refused.stderr
    assert json.loads(refused.stdout)["error"]["hint"] == "use --yes"
    assert state(root, "staging")["agents"]["bot"]["id"] == old_id
    remote_agent = remote_ok(served_emulator.url, "GET", f"/v1/convai/agents/{old_id}")
    # nothing written before the yes, not even the other changes
    assert remote_agent["conversation_config"]["agent"]["prompt"]["temperature"] == 0.3
    replaced = json.loads(run_cli(["sync", "--replace", "bot", "--yes", "--json"], cwd=root, env=KEYS).stdout)
    assert replaced["results"][0]["result"] == "replaced"
    assert state(root, "staging")["agents"]["bot"]["id"] != old_id


@pytest.fixture
def project(served_project: Path) -> Path:
    return served_project


def test_a_refused_replace_still_reports_and_records_updates_that_had_started(
    project: Path, served_emulator: ServedEmulator
) -> None:

    with_two_agents(project, served_emulator.url)
    other_id = state(project, "staging")["agents"]["other"]["id"]
    remote_patch(
        served_emulator.url,
        f"/v1/convai/agents/{other_id}",
        {"conversation_config": {"agent": {"first_message": "Dashboard"}}},
    )
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.1")
    _stdout, stderr = cli(project, "sync", "--replace", "other", "--yes", expect=1)
    assert "--replace other: 1 field(s) changed remotely" in stderr
    assert "~ updated agent bot" in stderr  # started while the plan was read: finished and reported
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode")
    assert "No changes." in stdout
