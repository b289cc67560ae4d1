"""Configs (``agents_cli/project/configs.py``): overlays deep-merged over the base file with the provenance of
each value, and top-level ``x-`` keys that hold YAML anchors and are never sent."""

from __future__ import annotations

import json
from pathlib import Path

from agents_cli.project.configs import deep_merge, load_resource
from agents_cli.project.manifest import load_project
from tests.support.cli import run_cli
from tests.support.project import bot_with_prod_overlay


def test_deep_merge_rules() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1, "c": {"k": 1}}
    overlay = {"a": {"y": [3]}, "b": None, "d": 4}
    assert deep_merge(base, overlay) == {"a": {"x": 1, "y": [3]}, "b": None, "c": {"k": 1}, "d": 4}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1, "c": {"k": 1}}


def test_load_resource_merges_overlay_and_tracks_provenance(tmp_path: Path) -> None:
    project = load_project(bot_with_prod_overlay(tmp_path) / "agents")  # found from a subfolder
    bot = project.resources["agent"]["bot"]
    loaded = load_resource(project, bot, "prod")
    assert "$schema" not in loaded.data
    assert loaded.data["conversation_config"]["agent"]["prompt"] == {"prompt": "p", "temperature": 0.1}
    overlay_doc, line, column = loaded.locate(("conversation_config", "agent", "prompt", "temperature"))
    assert overlay_doc.path.name == "bot.prod.json"
    assert (line, column) == (3, 48)
    base_doc, line, _ = loaded.locate(("conversation_config", "agent", "first_message"))
    assert (base_doc.path.name, line) == ("bot.yaml", 4)
    # A missing key inside a dict both files touch is reported in the base file.
    assert loaded.locate(("conversation_config", "agent", "prompt", "llm"))[0].path.name == "bot.yaml"
    assert load_resource(project, bot, "dev").data["conversation_config"]["agent"]["prompt"] == {
        "prompt": "p"
    }


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
