"""One output policy: ``--format json`` (before or after the command, or ``--json``) gives one JSON document
on stdout, the same document ``--json`` gives; errors too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.cli.main import hoist_global_flags
from tests.support.cli import run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    run_cli(["init"], cwd=tmp_path)
    run_cli(["add", "agent", "Support Bot"], cwd=tmp_path)
    return tmp_path


def test_format_json_before_or_after_the_command_is_the_json_document(project: Path) -> None:
    flag = json.loads(run_cli(["validate", "--json"], cwd=project).stdout)
    before = json.loads(run_cli(["--format", "json", "validate"], cwd=project).stdout)
    assert flag == before and flag["valid"] is True
    plan = run_cli(hoist_global_flags(["plan", "--format", "json"]), cwd=project).stdout
    assert json.loads(plan)["summary"]["create"] == 1
    text = run_cli(["--format", "text", "plan"], cwd=project).stdout
    assert "Plan: 1 to create, 0 to update, 0 to delete." in text


def test_an_error_with_json_output_is_a_document_too(project: Path) -> None:
    result = run_cli(["--format", "json", "plan", "--env", "nope"], cwd=project, expect=1)
    error = json.loads(result.stdout)["error"]
    assert error["exit_code"] == 1 and "unknown environment 'nope'" in error["message"]
    assert "error: unknown environment 'nope'" in result.stderr


def test_a_commands_own_format_option_stays_its_own() -> None:
    # add and pull take --format yaml|json for the files they write: it is never taken as the output format.
    assert hoist_global_flags(["add", "agent", "x", "--format", "json"]) == [
        "add",
        "agent",
        "x",
        "--format",
        "json",
    ]
    assert hoist_global_flags(["-C", "/p", "pull", "--format", "json"]) == [
        "-C",
        "/p",
        "pull",
        "--format",
        "json",
    ]
    assert hoist_global_flags(["status", "--format=json", "--debug"]) == [
        "--format=json",
        "--debug",
        "status",
    ]
