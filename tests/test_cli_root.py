"""The composition root: global flags after the command, --debug scope, usage errors, rename wiring."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.support.cli import invoke, run_cli


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
