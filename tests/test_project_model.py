"""references, placeholders, overlay merging with provenance, slugs and manifest edits."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from agents_cli.errors import ConfigError
from agents_cli.project.configs import deep_merge, load_resource
from agents_cli.project.manifest import load_project, register_resource, slugify
from agents_cli.project.references import (
    Placeholder,
    Reference,
    expected_kind,
    find_malformed_references,
    find_placeholders,
    find_references,
    resolve_placeholders,
    resolve_references,
)
from tests.support.project import bot_with_prod_overlay

CONFIG = {
    "conversation_config": {"agent": {"prompt": {"tool_ids": ["@tool:lookup-order", "raw-id", "@tool:Bad"]}}},
    "platform_settings": {"testing": {"attached_tests": [{"test_id": "@test:greets"}]}},
    "note": "email @tool:x is not a reference",
}


def test_find_references_only_whole_string_values() -> None:
    assert find_references(CONFIG) == [
        Reference(("conversation_config", "agent", "prompt", "tool_ids", 0), "tool", "lookup-order"),
        Reference(("platform_settings", "testing", "attached_tests", 0, "test_id"), "test", "greets"),
    ]
    assert find_malformed_references(CONFIG) == [
        (("conversation_config", "agent", "prompt", "tool_ids", 2), "@tool:Bad")
    ]


def test_resolve_references_is_pure() -> None:
    before = copy.deepcopy(CONFIG)
    resolved = resolve_references(CONFIG, lambda kind, name: f"{kind}_{name}_id")
    assert resolved["conversation_config"]["agent"]["prompt"]["tool_ids"][:2] == [
        "tool_lookup-order_id",
        "raw-id",
    ]
    assert resolved["platform_settings"]["testing"]["attached_tests"][0]["test_id"] == "test_greets_id"
    assert before == CONFIG


def test_expected_kind_by_slot() -> None:
    assert expected_kind(("a", "tool_ids", 3)) == "tool"
    assert expected_kind(("platform_settings", "testing", "attached_tests", 0, "test_id")) == "test"
    assert expected_kind(("tool_call_parameters", "referenced_tool", "id")) == "tool"
    assert expected_kind(("params", "transfers", 0, "agent_id")) == "agent"
    assert expected_kind(("name",)) is None


def test_placeholders_found_resolved_and_escaped() -> None:
    data = {"headers": {"Authorization": "Bearer ${TOKEN}"}, "items": ["$${LITERAL}", "${A}${B}"]}
    assert find_placeholders(data) == [
        Placeholder(("headers", "Authorization"), "TOKEN"),
        Placeholder(("items", 1), "A"),
        Placeholder(("items", 1), "B"),
    ]
    resolved = resolve_placeholders(data, {"TOKEN": "s3cret", "A": "1", "B": "2"})
    assert resolved == {"headers": {"Authorization": "Bearer s3cret"}, "items": ["${LITERAL}", "12"]}
    assert data["headers"]["Authorization"] == "Bearer ${TOKEN}"


def test_missing_placeholder_names_variable_and_key_path() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_placeholders({"a": [{"b": "${NOPE}"}]}, {})
    assert "NOPE" in caught.value.message
    assert "a[0].b" in caught.value.message


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
