"""How errors are worded (``agents_cli/cli/wording.py``): one wording, with a suggestion, for a mistyped name
wherever a command takes one."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli


def test_a_mistyped_name_gets_one_wording_and_a_suggestion_everywhere(tmp_path: Path) -> None:
    # plan --only, test, widget, delete and rename each said it differently, none suggested the near name.
    run_cli(["init", str(tmp_path)], cwd=tmp_path)
    run_cli(["add", "agent", "Support Bot"], cwd=tmp_path)
    run_cli(["add", "tool", "Lookup"], cwd=tmp_path)
    for args, what in (
        (["plan", "--only", "suport-bot"], "--only: no resource"),
        (["test", "suport-bot"], "no agent"),
        (["widget", "suport-bot"], "no agent"),
        (["delete", "suport-bot", "--yes"], "no resource"),
        (["rename", "suport-bot", "x"], "no resource"),
    ):
        failed = run_cli(args, cwd=tmp_path, expect=1)
        assert (
            f"error: {what} named 'suport-bot' in agents.json (did you mean 'support-bot'?)" in failed.stderr
        )
        assert "hint: declared: " in failed.stderr
