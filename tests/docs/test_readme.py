"""The README only shows commands and options that exist (lessons.md 9: docs that document missing flags),
and its quick start runs as written, its test passing."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support import REPO_ROOT
from tests.support.cli import agents_invocations, check_invocation, run_cli

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


def test_readme_quick_start_runs_as_written_and_its_test_passes(tmp_path: Path) -> None:
    # Followed literally, the quick start's 'agents test support-bot' failed: no test was attached, and the
    # llm template's condition was one the local emulator could not judge (unknown = exit 1).
    readme = (REPO_ROOT / "README.md").read_text()
    attach = '#   testing: {attached_tests: [{test_id: "@test:greets-user"}]}'
    assert attach in readme
    root = tmp_path / "my-agents"
    root.mkdir()
    run_cli(["init"], cwd=root)
    run_cli(["add", "tool", "Lookup Order", "--template", "webhook"], cwd=root)
    run_cli(["add", "agent", "Support Bot", "--template", "customer-service"], cwd=root)
    added = run_cli(["add", "test", "Greets User", "--template", "llm"], cwd=root)
    assert "attached_tests: [{test_id: '@test:greets-user'}]" in added.stderr
    config = root / "agents" / "support-bot.yaml"
    snippet = "  " + attach.removeprefix("#").strip()  # under platform_settings:
    config.write_text(config.read_text().replace("platform_settings:\n", f"platform_settings:\n{snippet}\n"))
    run_cli(["validate"], cwd=root)
    run_cli(["plan"], cwd=root)
    run_cli(["sync"], cwd=root)
    tested = run_cli(["test", "support-bot"], cwd=root)
    assert "1 passed of 1 run(s)" in tested.stdout
