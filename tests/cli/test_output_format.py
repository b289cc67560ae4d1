"""One output policy: ``--format json`` (before or after the command, or ``--json``) gives one JSON document
on stdout, the same document ``--json`` gives; errors too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.cli.main import hoist_global_flags
from tests.support.cli import run_cli
from tests.support.project import edit_manifest


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


def test_json_commands_print_one_json_document_on_errors_too(tmp_path: Path) -> None:
    # A script doing `agents status --json | jq` got an empty stdout on an error; now it gets {"error": …}
    # (the human message stays on stderr) and never a second document after the command's own.
    run_cli(["init", str(tmp_path)], cwd=tmp_path)
    for args in (
        ["plan", "--json"],
        ["status", "--json"],
        ["list", "--remote", "--json"],
        ["pull", "--json"],
    ):
        failed = run_cli([*args, "--env", "nope"], cwd=tmp_path, expect=1)
        assert json.loads(failed.stdout) == {
            "error": {
                "message": "unknown environment 'nope' (known: dev, local, prod)",
                "hint": "add it under 'environments' in agents.json",
                "exit_code": 1,
            }
        }
        assert failed.stderr.startswith("error: unknown environment 'nope'")
    without_json = run_cli(["plan", "--env", "nope"], cwd=tmp_path, expect=1)
    assert without_json.stdout == ""
    (tmp_path / "agents" / "bot.yaml").write_text("name: Bot\nconversation_config: {agent: {promt: {}}}\n")
    edit_manifest(tmp_path, lambda manifest: manifest.update(agents={"bot": {"config": "agents/bot.yaml"}}))
    invalid = run_cli(["validate", "--json"], cwd=tmp_path, expect=1)
    assert json.loads(invalid.stdout)["valid"] is False  # one document: the report, no error object after it
