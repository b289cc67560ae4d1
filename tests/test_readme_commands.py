"""The README only shows commands and options that exist (lessons.md 9: docs that document missing flags)."""

from __future__ import annotations

import re

from tests.support import REPO_ROOT
from tests.support.cli import agents_invocations, check_invocation

README = REPO_ROOT / "README.md"
TABLE_COMMAND = re.compile(r"^\| `(agents [^`]+)`")


def _table_invocations(text: str) -> list[list[str]]:
    """``agents plan [--env ENV] [--json]`` → the command path plus each option (values dropped)."""
    found = []
    for line in text.splitlines():
        match = TABLE_COMMAND.match(line)
        if not match:
            continue
        synopsis = match.group(1).replace("\\|", "|")
        words = synopsis.split()
        path = []
        for word in words:
            if word.startswith("[") or word.isupper() or word.startswith("-"):
                break
            path.append(word.split("|")[0])
        for option in sorted(set(re.findall(r"--[a-z][a-z-]*", synopsis))):
            found.append([*path, option])
        found.append(path)
    return found


def test_readme_code_blocks_use_real_commands_and_options() -> None:
    invocations = agents_invocations(README.read_text(encoding="utf-8"))
    assert len(invocations) >= 15, "expected the README's examples to be found"
    for tokens in invocations:
        check_invocation(tokens)


def test_readme_command_table_matches_the_cli() -> None:
    rows = _table_invocations(README.read_text(encoding="utf-8"))
    assert len(rows) >= 30, "expected the README's command table to be found"
    for tokens in rows:
        # options that take a value are listed without it in the table: check the name only.
        check_invocation([t if not t.startswith("--") else t + "=x" for t in tokens])
