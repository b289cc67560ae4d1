"""The entry point (``agents_cli/cli/main.py``): global flags after the command, --debug scope, usage errors,
and ``agents --help`` staying light (no heavy library imported; its speed: benchmarks/startup.py)."""

from __future__ import annotations

from pathlib import Path

from agents_cli.cli.main import hoist_global_flags
from tests.support.cli import run_cli, run_process

HEAVY = ("httpx", "jsonschema", "deepdiff", "yaml", "starlette", "uvicorn")


def test_global_flags_typed_after_the_command_are_hoisted() -> None:
    assert hoist_global_flags(["plan", "--debug", "--env", "dev"]) == ["--debug", "plan", "--env", "dev"]
    assert hoist_global_flags(["sync", "--no-color", "--yes"]) == ["--no-color", "sync", "--yes"]
    # after `--` everything is an argument, untouched
    assert hoist_global_flags(["test", "--", "--debug"]) == ["test", "--", "--debug"]


def test_debug_after_the_command_logs_our_requests_and_not_library_internals(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--template", "minimal"], cwd=tmp_path)
    result = run_process(["plan", "--debug"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "agents_cli.remote.client:" in result.stderr  # our request log is on
    assert "httpcore" not in result.stderr  # …and library DEBUG chatter is not
    assert "asyncio:" not in result.stderr


def test_an_unknown_option_is_a_usage_error_with_exit_1(tmp_path: Path) -> None:
    result = run_process(["plan", "--bogus"], cwd=tmp_path)
    assert result.returncode == 1
    assert "No such option: --bogus" in result.stderr


def test_help_imports_no_heavy_library() -> None:
    completed = run_process(["--help"], python_options=("-X", "importtime"))
    assert completed.returncode == 0, completed.stderr
    assert "validate" in completed.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert len(imported) > 10  # the import log was really captured
    assert sorted(set(HEAVY) & imported) == []


def test_help_gives_each_command_its_first_sentence_in_full(tmp_path: Path) -> None:
    # On an 80-column terminal the command list cut descriptions with "..." ("Scaffold a project:
    # agents.json with local/dev/prod...").
    for group in ([], ["auth"], ["templates"], ["import"]):
        shown = run_cli([*group, "--help"], cwd=tmp_path, env={"COLUMNS": "80"}).stdout
        assert "..." not in shown.split("Commands:", 1)[1], shown
    shown = run_cli(["--help"], cwd=tmp_path, env={"COLUMNS": "80"}).stdout
    flat = " ".join(shown.split())
    assert "init Scaffold a project: agents.json with local/dev/prod environments, folders," in flat
