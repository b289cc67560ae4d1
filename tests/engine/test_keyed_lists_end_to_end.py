"""Keyed lists and id sets end to end (the CLI in-process, the emulator on loopback HTTP): a test attached
at the front of an agent's list is one added item, reordered ``tool_ids`` are no change, and a version-1
state file plans no drift and is recorded again in version 2 without a remote write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator import remote_get, serve_emulator
from tests.support.project import edit, edit_manifest, state, version_1_fields
from tests.support.samples import AGENT, TEST, TOOL, cli, cli_json, sample_project

FAREWELL = TEST.replace("name: Greets the user", "name: Says goodbye")
NOTIFY = TOOL.replace("name: lookup_order", "name: notify_customer")
TOOL_IDS = '      tool_ids:\n        - "@tool:lookup"\n'
TESTS = '    attached_tests:\n      - test_id: "@test:greets"\n'


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The emulator on loopback and a project synced to it: (project root, emulator URL)."""
    with serve_emulator() as url:
        yield synced_project(tmp_path / "proj", url), url


def synced_project(root: Path, emulator_url: str) -> Path:
    """The sync project plus a second test (not attached yet) and a second tool in the agent's tool_ids."""
    agent = AGENT.replace(TOOL_IDS, TOOL_IDS + '        - "@tool:notify"\n')
    root = sample_project(root, emulator_url, agents={"bot": agent})
    (root / "tests" / "farewell.yaml").write_text(FAREWELL)
    (root / "tools" / "notify.yaml").write_text(NOTIFY)

    def register(manifest: dict[str, Any]) -> None:
        manifest["tests"]["farewell"] = {"config": "tests/farewell.yaml"}
        manifest["tools"]["notify"] = {"config": "tools/notify.yaml"}

    edit_manifest(root, register, indent=2)
    cli(root, "sync")
    return root


def test_a_test_attached_at_the_front_is_one_added_item(served: tuple[Path, str]) -> None:
    project, emulator_url = served
    ids = state(project, "staging")
    farewell, greets = ids["tests"]["farewell"]["id"], ids["tests"]["greets"]["id"]
    edit(
        project / "agents" / "bot.yaml",
        TESTS,
        '    attached_tests:\n      - test_id: "@test:farewell"\n' + TESTS.split("\n", 1)[1],
    )
    planned = cli_json(project, "plan")
    [bot] = planned["resources"]
    assert (bot["name"], bot["action"]) == ("bot", "update")
    assert [(change["path"], change["change"]) for change in bot["changes"]] == [
        (f"platform_settings.testing.attached_tests[test_id={farewell}]", "added")
    ]
    assert bot["changes"][0]["local"]["test_id"] == farewell
    result = cli_json(project, "sync")
    assert [item["result"] for item in result["results"]] == ["updated"]
    agent = remote_get(emulator_url, f"/v1/convai/agents/{ids['agents']['bot']['id']}").json()
    assert [item["test_id"] for item in agent["platform_settings"]["testing"]["attached_tests"]] == [
        farewell,
        greets,
    ]
    cli(project, "plan", "--detailed-exitcode")


def test_reordered_tool_ids_are_no_change(served: tuple[Path, str]) -> None:
    project, _url = served
    edit(
        project / "agents" / "bot.yaml",
        TOOL_IDS + '        - "@tool:notify"\n',
        '      tool_ids:\n        - "@tool:notify"\n        - "@tool:lookup"\n',
    )
    assert "No changes." in cli(project, "plan", "--detailed-exitcode")[0]
    result = cli_json(project, "sync")
    assert result["requests"]["writes"] == 0
    cli(project, "plan", "--detailed-exitcode")


def _as_version_1(project: Path, emulator_url: str) -> dict[str, Any]:
    """The state file as agents before keyed lists wrote it (version 1, fields by list index)."""
    from agents_cli.engine.drift import salt_for
    from agents_cli.engine.normalise import normalise_remote
    from agents_cli.kinds import REGISTRY

    document = state(project, "staging")
    document["version"] = 1
    for kind in REGISTRY:
        for entry in document[kind.section].values():
            remote = remote_get(emulator_url, kind.routes.item(entry["id"])).json()
            body = normalise_remote(kind.name, remote)
            entry["fields"] = version_1_fields(kind.name, body, salt_for("staging", kind.name, entry["id"]))
    (project / "state" / "staging.json").write_text(json.dumps(document, indent=2) + "\n")
    return document


def test_version_1_state_plans_no_drift_and_sync_records_version_2(served: tuple[Path, str]) -> None:
    project, emulator_url = served
    legacy = _as_version_1(project, emulator_url)
    assert "platform_settings.testing.attached_tests[0].test_id" in legacy["agents"]["bot"]["fields"]
    planned, _ = cli(project, "plan", "--detailed-exitcode")
    assert "No changes." in planned and "drift" not in planned
    result = cli_json(project, "sync")
    assert result["requests"]["writes"] == 0
    assert {item["result"] for item in result["results"]} == {"recorded"}
    recorded = state(project, "staging")
    assert recorded["version"] == 2
    fields = recorded["agents"]["bot"]["fields"]
    test_id = recorded["tests"]["greets"]["id"]
    assert f"platform_settings.testing.attached_tests[test_id={test_id}].test_id" in fields
    assert not any("[0]" in path for path in fields)
    assert all(
        "fields" in entry for section in ("agents", "tools", "tests") for entry in recorded[section].values()
    )
    cli(project, "plan", "--detailed-exitcode")
