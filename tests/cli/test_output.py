"""Terminal output (``agents_cli/cli/output.py``): colour only on a terminal and never with NO_COLOR or
--no-color, tables that never crop ids on a narrow terminal and carry no trailing blanks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from agents_cli.cli.output import Output
from agents_cli.host import Host
from tests.support.cli import on_a_terminal, run_cli
from tests.support.samples import offline_project

NO_COLOR = {"NO_COLOR": "1"}


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return offline_project(tmp_path / "proj")


def test_colour_on_a_tty_and_never_with_no_color(project: Path) -> None:
    code, coloured = on_a_terminal(["widget", "nope"], project)
    assert code == 1 and "\x1b[" in coloured and "no agent named 'nope'" in coloured
    code, plain = on_a_terminal(["widget", "nope"], project, env=NO_COLOR)
    assert code == 1 and "\x1b[" not in plain and "error: no agent named 'nope'" in plain
    code, flag = on_a_terminal(["--no-color", "list"], project)
    assert code == 0 and "\x1b[" not in flag and "support-bot" in flag


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_on_a_narrow_terminal_never_crops_ids() -> None:
    # Before: rich shrank the columns to the terminal and printed 'agent_0001k73fzpfj7p…'.
    terminal = _Terminal()
    remote_id = "agent_0001k73fzpfj7pw5v17wv22z40a0"
    narrow = Host.from_process(environ={"COLUMNS": "40"})
    Output(host=narrow, stdout=terminal).table(
        ["KIND", "NAME", "REMOTE ID"], [["agent", "customer-service-bot", remote_id]]
    )
    text = terminal.getvalue()
    assert "\x1b[" in text  # it really rendered for a colour terminal
    assert remote_id in text
    assert "customer-service-bot" in text
    assert "…" not in text


def test_tables_have_no_trailing_blanks(tmp_path: Path) -> None:
    run_cli(["init", str(tmp_path)], cwd=tmp_path)
    run_cli(["add", "agent", "A Rather Long Agent Name"], cwd=tmp_path)
    run_cli(["add", "tool", "T"], cwd=tmp_path)
    listed = run_cli(["list"], cwd=tmp_path).stdout
    assert "a-rather-long-agent-name" in listed
    assert all(line == line.rstrip() for line in listed.splitlines()), listed
