"""Shared test helpers: run the CLI in-process and fail with its output when the exit code is unexpected.

Not collected by pytest (no ``test_`` prefix). Usage::

    result = run_cli(["validate", "--json"], cwd=tmp_path, expect=1)
    assert "temprature" in result.stdout
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from typer.testing import CliRunner, Result

from agents_cli.cli.main import app
from tests.support import REPO_ROOT

__all__ = ["REPO_ROOT", "run_cli"]


def run_cli(
    args: Sequence[str],
    *,
    cwd: Path,
    expect: int = 0,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> Result:
    """Invoke ``agents --chdir CWD ARGS…`` in-process (no os.chdir, so tests stay independent)."""
    runner = CliRunner()
    environment = {"NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    result = runner.invoke(
        app, ["--chdir", str(cwd), *args], env=environment, input=input, catch_exceptions=False
    )
    if result.exit_code != expect:
        raise AssertionError(
            f"`agents {' '.join(args)}` exited {result.exit_code}, expected {expect}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result
