"""``agents status`` end to end over loopback HTTP: one project showing each of the six states, local changes
and drift together, changes sync cannot apply, and warnings that an invalid config may look in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.emulator.server import RunningEmulator
from agents_cli.kinds.tags import env_tag, name_tag
from tests.support.cli import init_project, run_cli
from tests.support.emulator import ServedEmulator, remote_ok
from tests.support.project import edit, edit_manifest, state
from tests.support.samples import AGENT, KEYS, cli, cli_json, sample_project, synced_then_edited_remotely

COLLECTING = """\
  data_collection:
    order_number:
      type: string
      description: The order number.
"""


@pytest.fixture
def project(served_project: Path) -> Path:
    return served_project


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
        "not managed": 0,
    }
    human = run_cli(["status", "--env", "staging"], cwd=project, env=KEYS)
    assert "agent drifty  remote drift" in human.stdout
    assert "staging: 2 in sync, 1 local changes" in human.stderr
    # status only reads: nothing was written remotely or to state.
    assert state(project, "staging")["agents"] == ids


def test_status_of_a_drifted_resource_also_edited_locally_says_both(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # It said only 'remote drift', hiding the local edit that the next sync would write.
    root = sample_project(tmp_path / "p", served_emulator.url)
    bot = synced_then_edited_remotely(root, served_emulator.url)
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.5"))
    shown = run_cli(["status"], cwd=root, env=KEYS).stdout
    assert f"agent bot    remote drift + 1 local change  ({bot})" in shown
    rows = json.loads(run_cli(["status", "--json"], cwd=root, env=KEYS).stdout)["resources"]
    [row] = [row for row in rows if row["name"] == "bot"]
    assert row["status"] == "remote drift" and row["local_changes"] == 1


def test_a_missing_secret_variable_names_the_resource_that_uses_it(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = sample_project(tmp_path / "p", served_emulator.url)
    without_token = {key: value for key, value in KEYS.items() if key != "E2E_ORDERS_TOKEN"}
    failed = run_cli(["status", "--json"], cwd=root, env=without_token, expect=1)
    assert json.loads(failed.stdout)["error"]["message"] == (
        "tool 'lookup': tool_config.api_schema.request_headers.Authorization: "
        "environment variable E2E_ORDERS_TOKEN is not set"
    )


def test_status_marks_changes_sync_cannot_apply_and_test_against_local_still_runs(
    project: Path, served_emulator: ServedEmulator
) -> None:
    config = project / "agents" / "bot.yaml"
    edit(config, "platform_settings:\n", "platform_settings:\n" + COLLECTING)
    cli(project, "sync")
    edit(config, COLLECTING, "")  # a map key the agent PATCH cannot remove
    stdout, _ = cli(project, "status")
    bot_line = next(line for line in stdout.splitlines() if line.startswith("agent bot"))
    assert "local changes (1 cannot be applied by sync)" in bot_line
    row = next(row for row in cli_json(project, "status")["resources"] if row["name"] == "bot")
    assert (row["status"], row["cannot_apply"], row["differences"]) == ("local changes", 1, 1)
    edit(config, "temperature: 0.3", "temperature: 0.2")
    stdout, _ = cli(project, "status")
    assert "local changes (1 of 2 cannot be applied by sync)" in stdout

    # The run carries the local config as an override: it runs (no sync needed), and says what it ran.
    stdout, _stderr = cli(project, "test", "--against", "local")
    assert "1 passed of 1 run(s)" in stdout


def test_status_warns_that_an_invalid_config_may_look_in_sync(tmp_path: Path) -> None:
    # Before: a typo'd key (dropped by the API and by the comparison) showed as plain "in sync".
    root = init_project(tmp_path)
    run_cli(["add", "agent", "bot"], cwd=root)
    run_cli(["sync"], cwd=root)
    config = root / "agents" / "bot.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "temperature: 0.5", "temperature: 0.5\n      temprature: 0.9"
        ),
        encoding="utf-8",
    )
    status = run_cli(["status"], cwd=root)
    assert "agent bot" in status.stdout
    assert "unknown key 'temprature'" in status.stderr
    assert "1 validation error(s) in the configs of 'local'" in status.stderr


def test_status_shows_a_field_changed_on_both_sides_as_a_conflict(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # The same field edited in the dashboard and locally showed only as 'remote drift'.
    root = sample_project(tmp_path / "p", served_emulator.url)
    bot = synced_then_edited_remotely(root, served_emulator.url)  # first_message → "Dashboard"
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("first_message: Hello!", "first_message: Good day!"))
    shown = run_cli(["status"], cwd=root, env=KEYS).stdout
    assert (
        f"agent bot    remote drift (conflict: conversation_config.agent.first_message changed on both sides)"
        f"  ({bot})" in shown
    )
    rows = json.loads(run_cli(["status", "--json"], cwd=root, env=KEYS).stdout)["resources"]
    [row] = [row for row in rows if row["name"] == "bot"]
    assert row["conflicts"] == ["conversation_config.agent.first_message"]


def test_status_lists_remote_resources_the_project_does_not_manage_and_list_remote_marks_other_envs(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # status showed only what the project declares or tracks; a tool made in the dashboard was invisible.
    # list --remote showed prod's copies in staging's listing as plain unmanaged ones.
    from tests.support.emulator import create_tool

    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    run_cli(["sync", "--env", "prod", "--yes"], cwd=root, env=KEYS)
    import httpx

    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as http:
        stray = create_tool(http, "made_in_dashboard")
    report = json.loads(run_cli(["status", "--json"], cwd=root, env=KEYS).stdout)
    unmanaged = [row for row in report["resources"] if row["status"] == "not managed"]
    assert unmanaged == [
        {"kind": "tool", "name": "made_in_dashboard", "status": "not managed", "remote_id": stray}
    ]
    assert (
        report["summary"]["not managed"] == 1 and report["summary"]["in sync"] == 3
    )  # prod's copies: not shown
    human = run_cli(["status"], cwd=root, env=KEYS)
    assert f"tool made_in_dashboard  not managed  ({stray})" in human.stdout

    listing = json.loads(run_cli(["list", "--remote", "--json"], cwd=root, env=KEYS).stdout)["resources"]
    prod_tool = state(root, "prod")["tools"]["lookup"]["id"]
    [row] = [row for row in listing if row["remote_id"] == prod_tool]
    assert (row["managed"], row["owned_by"]) == (False, "prod:lookup")
    table = run_cli(["list", "--remote", "--kind", "tool"], cwd=root, env=KEYS)
    assert "(prod: lookup)" in table.stdout and "3 by another environment of it" not in table.stderr
    assert "1 by another environment of it" in table.stderr
