"""The composition root: global flags after the command, --debug scope, usage errors, rename wiring."""

from __future__ import annotations

import json
import os
from pathlib import Path

from agents_cli.cli.main import hoist_global_flags
from tests.support.cli import invoke, run_cli, run_process


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


def test_rename_is_wired_into_the_cli(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--template", "minimal"], cwd=tmp_path)
    run_cli(["rename", "bot", "Front Desk"], cwd=tmp_path)
    manifest = json.loads((tmp_path / "agents.json").read_text())
    assert list(manifest["agents"]) == ["front-desk"]
    run_cli(["validate"], cwd=tmp_path)


def test_top_level_x_keys_hold_yaml_anchors_and_are_never_sent(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--template", "minimal"], cwd=tmp_path)
    config = tmp_path / "agents" / "bot.yaml"
    config.write_text(
        "x-shared:\n  greeting: &greeting Hello from the anchor!\n"
        "name: Bot\nconversation_config:\n  agent:\n    first_message: *greeting\n"
        "    prompt:\n      prompt: You help.\n"
    )
    run_cli(["validate"], cwd=tmp_path)
    plan = json.loads(run_cli(["plan", "--json"], cwd=tmp_path).stdout)
    rendered = json.dumps(plan)
    assert "Hello from the anchor!" in rendered  # the anchored value is used…
    assert "x-shared" not in rendered  # …and the holder key is not part of the agent


def _complete(cwd: Path, words: str) -> list[str]:
    index = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"_AGENTS_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}
    old = Path.cwd()
    os.chdir(cwd)  # completion reads agents.json from the shell's folder
    try:
        result = invoke([], env=env)
    finally:
        os.chdir(old)
    return result.stdout.split()


def test_completion_offers_environment_resource_and_template_names(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Support Bot", "--template", "minimal"], cwd=tmp_path)
    run_cli(["add", "tool", "Lookup", "--template", "webhook"], cwd=tmp_path)
    assert _complete(tmp_path, "agents plan --env ") == ["dev", "local", "prod"]
    assert _complete(tmp_path, "agents plan --env p") == ["prod"]
    assert _complete(tmp_path, "agents sync --only ") == ["lookup", "support-bot"]
    assert _complete(tmp_path, "agents widget ") == ["support-bot"]
    assert _complete(tmp_path, "agents add agent x --template cu") == ["customer-service"]
    assert _complete(tmp_path, "agents add tool x --template ") == ["client", "webhook"]
    assert _complete(tmp_path / "agents", "agents delete l") == ["lookup"]  # found from a subfolder
    assert _complete(tmp_path.parent, "agents plan --env ") == []  # no project: nothing, no error
