"""The manifest (``agents_cli/project/manifest.py``): local names from what people type, resources registered
in order, and a typo in ``agents.json`` stopping every command instead of changing what it means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.errors import ConfigError
from agents_cli.project.manifest import register_resource, slugify
from tests.support.cli import init_project, run_cli
from tests.support.project import bot_with_prod_overlay, edit_manifest


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Support Bot", "support-bot"),
        ("  Café   Menu!! ", "cafe-menu"),
        ("../evil", "evil"),
        ("a/b\\c", "a-b-c"),
        ("v1.2_beta", "v1.2_beta"),
        ("...", ""),
        ("日本", ""),
        ("x" * 100, "x" * 64),
    ],
)
def test_slugify(typed: str, slug: str) -> None:
    assert slugify(typed) == slug


def test_register_resource_appends_and_keeps_order(tmp_path: Path) -> None:
    root = bot_with_prod_overlay(tmp_path)
    before = list(json.loads((root / "agents.json").read_text(encoding="utf-8")))
    register_resource(root, "tool", "lookup", Path("tools/lookup.yaml"))
    register_resource(
        root, "agent", "another", Path("agents/another.yaml"), {"dev": Path("agents/another.dev.yaml")}
    )
    after = json.loads((root / "agents.json").read_text(encoding="utf-8"))
    assert list(after) == before
    assert list(after["agents"]) == ["bot", "another"]
    assert after["agents"]["another"] == {
        "config": "agents/another.yaml",
        "overlays": {"dev": "agents/another.dev.yaml"},
    }
    assert after["tools"] == {"lookup": {"config": "tools/lookup.yaml"}}
    with pytest.raises(ConfigError, match="already registered"):
        register_resource(root, "tool", "lookup", Path("tools/lookup.yaml"))


def test_a_manifest_typo_stops_every_command_instead_of_changing_what_it_means(tmp_path: Path) -> None:
    # Before: "emulatr": true made 'local' a real-API environment, so plan went to api.elevenlabs.io with
    # ELEVENLABS_API_KEY; a misspelt section silently declared nothing.
    root = init_project(tmp_path)
    run_cli(["add", "agent", "bot"], cwd=root)
    edit_manifest(root, lambda manifest: manifest["environments"].update(local={"emulatr": True}), indent=2)
    for command in (["plan"], ["sync"], ["status"], ["list"], ["test"], ["add", "agent", "other"]):
        refused = run_cli(command, cwd=root, expect=1, env={"ELEVENLABS_API_KEY": "sk_must_not_be_used"})
        assert "agents.json:7:7: environments.local.emulatr: unknown key 'emulatr'" in refused.stderr, command
        assert "did you mean 'emulator'?" in refused.stderr
    listed = json.loads(run_cli(["validate", "--json"], cwd=root, expect=1).stdout)
    assert [problem["path"] for problem in listed["problems"]] == ["environments.local.emulatr"]
