"""Final review round: a production user's path through two environments of one project (served emulator over
loopback), each test a problem found by following the commands end to end."""

from __future__ import annotations

from pathlib import Path

from tests.support import REPO_ROOT
from tests.support.cli import run_cli

AGENT_WITH_DEFAULT_TYPES = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello!
    prompt:
      prompt: You help customers.
      temperature: 0.3
      built_in_tools:
        end_call:
          name: end_call
          description: ''
          params:
            system_tool_type: end_call
platform_settings:
  evaluation:
    criteria:
      - id: resolved
        name: Resolved
        conversation_goal_prompt: The issue was resolved.
"""


AGENT_WITH_EXPLICIT_DEFAULTS = AGENT_WITH_DEFAULT_TYPES.replace(
    "    first_message: Hello!\n", "    first_message: Hello!\n    language: en\n"
)


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
