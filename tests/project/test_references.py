"""References and placeholders (``agents_cli/project/references.py``): ``@kind:name`` found only as whole
string values in the slots that take them and resolved purely; ``${NAME}`` found, resolved, escaped, and a
missing one named with its key path."""

from __future__ import annotations

import copy

import pytest

from agents_cli.errors import ConfigError
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
