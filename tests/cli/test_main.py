"""The entry point (``agents_cli/cli/main.py``): global flags after the command, --debug scope, usage errors,
and start-up staying light: ``--help`` imports no heavy library, an unchanged project validates without
jsonschema, plan without pydantic or httpx's command line (speed: benchmarks/startup.py, scale.py)."""

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
    assert "asyncio" not in imported  # ≈17 ms; only commands that talk to an API need it


def test_help_gives_each_command_its_first_sentence_in_full(tmp_path: Path) -> None:
    # On an 80-column terminal the command list cut descriptions with "..." ("Scaffold a project:
    # agents.json with local/dev/prod...").
    for group in ([], ["auth"], ["templates"], ["import"]):
        shown = run_cli([*group, "--help"], cwd=tmp_path, env={"COLUMNS": "80"}).stdout
        assert "..." not in shown.split("Commands:", 1)[1], shown
    shown = run_cli(["--help"], cwd=tmp_path, env={"COLUMNS": "80"}).stdout
    flat = " ".join(shown.split())
    assert "init Scaffold a project: agents.json with local/dev/prod environments, folders," in flat


def imported_modules(stderr: str) -> set[str]:
    return {
        line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")
    }


def test_an_unchanged_project_validates_without_jsonschema_yaml_rich_or_httpx(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--template", "minimal"], cwd=tmp_path)
    first = run_process(["validate"], cwd=tmp_path, python_options=("-X", "importtime"))
    assert first.returncode == 0, first.stderr
    assert {"jsonschema", "yaml"} <= imported_modules(first.stderr)  # checked and parsed once…
    again = run_process(["validate"], cwd=tmp_path, python_options=("-X", "importtime"))
    assert again.returncode == 0, again.stderr
    modules = {name.split(".")[0] for name in imported_modules(again.stderr)}
    assert len(modules) > 10  # the import log was really captured
    # …then the schema-pass and parse caches answer; no terminal, so no rich; nothing to send, so no httpx;
    # no scenarios, so none of agents test's modules.
    assert sorted(modules & {"jsonschema", "yaml", "pydantic", "rich", "httpx"}) == []
    assert not any(name.startswith("agents_cli.testing") for name in imported_modules(again.stderr))


def test_plan_and_status_import_neither_the_httpx_command_line_nor_pydantic(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--template", "minimal"], cwd=tmp_path)
    for command in (["plan"], ["status"]):
        result = run_process(command, cwd=tmp_path, python_options=("-X", "importtime"))
        assert result.returncode in (0, 2), result.stderr
        modules = {name.split(".")[0] for name in imported_modules(result.stderr)}
        # httpx's command-line module would bring rich, click and pygments along; typer would bring
        # pydantic; off a terminal the output is plain lines (rich only serves terminals).
        assert "httpx" in modules
        assert sorted(modules & {"rich", "click", "pygments", "pydantic"}) == [], command
