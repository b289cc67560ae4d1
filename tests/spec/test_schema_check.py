"""schema_check.check(): every problem at once, at the right key path, with a message a human can act on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from agents_cli.bundled import templates_dir
from agents_cli.project.loader import load_file
from agents_cli.spec.schema_check import Kind, SchemaIssue, check, load_schema

AGENT: dict[str, Any] = {
    "name": "Support bot",
    "tags": ["support"],
    "conversation_config": {
        "agent": {
            "first_message": "Hello {{user_name}}",
            "language": "en",
            "dynamic_variables": {"dynamic_variable_placeholders": {"user_name": "there"}},
            "prompt": {
                "prompt": "You help with orders.",
                "llm": "gemini-2.5-flash",
                "temperature": 0.3,
                "tool_ids": ["@tool:lookup-order"],
            },
        },
        "tts": {"model_id": "eleven_flash_v2", "stability": 0.5},
        "conversation": {"client_events": ["audio", "agent_response"]},
    },
    "platform_settings": {"testing": {"attached_tests": [{"test_id": "@test:greets-user"}]}},
}
WEBHOOK_TOOL: dict[str, Any] = {
    "type": "webhook",
    "name": "lookup_order",
    "description": "Look an order up by its number.",
    "api_schema": {
        "url": "https://${ORDERS_HOST}/orders/{order_number}",
        "method": "GET",
        "request_headers": {"Authorization": "Bearer ${ORDERS_TOKEN}", "X-Trace Id": "cli"},
        "path_params_schema": {"order_number": {"type": "string", "description": "The order number"}},
    },
}
CLIENT_TOOL: dict[str, Any] = {
    "type": "client",
    "name": "open_page",
    "description": "Open a page in the user's browser.",
    "expects_response": False,
    "parameters": {
        "type": "object",
        "required": ["Page URL"],
        "properties": {
            "Page URL": {"type": "string", "description": "Where to go"},
            "options": {
                "type": "object",
                "properties": {"new tab?": {"type": "boolean", "description": "Open in a new tab"}},
            },
        },
    },
}
SYSTEM_TOOL: dict[str, Any] = {
    "type": "system",
    "name": "end_call",
    "params": {"system_tool_type": "end_call"},
}
LLM_TEST: dict[str, Any] = {
    "type": "llm",
    "name": "greets user",
    "chat_history": [{"role": "user", "message": "Hi", "time_in_call_secs": 0}],
    "success_condition": "The agent greets the user.",
    "success_examples": [{"response": "Hello! How can I help?", "type": "success"}],
    "failure_examples": [],
}
TOOL_TEST: dict[str, Any] = {
    "type": "tool",
    "name": "looks up the order",
    "chat_history": [{"role": "user", "message": "Where is order 12345?", "time_in_call_secs": 0}],
    "tool_call_parameters": {
        "referenced_tool": {"id": "@tool:lookup-order", "type": "webhook"},
        "parameters": [{"path": "order_number", "eval": {"type": "exact", "expected_value": "12345"}}],
    },
}
SIMULATION_TEST: dict[str, Any] = {
    "type": "simulation",
    "name": "angry customer",
    "simulation_scenario": "The user is angry about a late order.",
    "success_conditions": ["The agent apologises."],
    "simulation_max_turns": 5,
}
MANIFEST: dict[str, Any] = {
    "$schema": ".agents/schemas/manifest.schema.json",
    "version": 1,
    "default_environment": "local",
    "environments": {
        "local": {"emulator": True},
        "dev": {"api_key_env": "ELEVENLABS_API_KEY_DEV", "residency": "global"},
        "prod": {
            "api_key_env": "ELEVENLABS_API_KEY_PROD",
            "base_url": "https://api.eu.residency.elevenlabs.io",
        },
    },
    "agents": {
        "support-bot": {
            "config": "agents/support-bot.yaml",
            "overlays": {"prod": "agents/support-bot.prod.yaml"},
        }
    },
    "tools": {"lookup-order": {"config": "tools/lookup-order.yaml"}},
    "tests": {"greets-user": {"config": "tests/greets-user.yaml"}},
}


def edited(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``document`` with ``value`` set at ``path`` (``...`` deletes the key)."""
    result = copy.deepcopy(document)
    node: Any = result
    for part in path[:-1]:
        node = node[part]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return result


def errors(kind: Kind, document: Any, *, strict: bool = False) -> list[tuple[tuple[str | int, ...], str]]:
    return [(i.path, i.message) for i in check(kind, document, strict=strict) if i.severity == "error"]


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("agent", AGENT),
        ("agent", {"conversation_config": {}}),
        ("tool", WEBHOOK_TOOL),
        ("tool", CLIENT_TOOL),
        ("tool", SYSTEM_TOOL),
        ("test", LLM_TEST),
        ("test", TOOL_TEST),
        ("test", SIMULATION_TEST),
        ("manifest", MANIFEST),
        ("manifest", {"version": 1}),
    ],
)
def test_valid_documents_have_no_issues(kind: Kind, document: dict[str, Any]) -> None:
    assert check(kind, document) == []
    assert check(kind, document, strict=True) == []


def test_typo_at_depth_four_is_an_unknown_key_with_did_you_mean() -> None:
    document = edited(AGENT, ("conversation_config", "agent", "prompt", "temprature"), 0.5)
    assert check("agent", document) == [
        SchemaIssue(
            path=("conversation_config", "agent", "prompt", "temprature"),
            message="unknown key 'temprature' (did you mean 'temperature'?)",
            severity="error",
        )
    ]


def test_unknown_key_without_a_close_match_has_no_suggestion() -> None:
    document = edited(AGENT, ("conversation_config", "tts", "zzz"), 1)
    assert errors("agent", document) == [(("conversation_config", "tts", "zzz"), "unknown key 'zzz'")]


def test_wrong_type_names_expected_and_actual() -> None:
    document = edited(AGENT, ("conversation_config", "tts", "stability"), "abc")
    assert errors("agent", document) == [
        (("conversation_config", "tts", "stability"), "expected number, got string 'abc'")
    ]
    document = edited(AGENT, ("conversation_config", "agent"), ["not", "an", "object"])
    assert errors("agent", document) == [(("conversation_config", "agent"), "expected object, got array")]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes"])
def test_yaml_1_1_booleans_get_a_hint(word: str) -> None:
    document = edited(CLIENT_TOOL, ("expects_response",), word)
    assert errors("tool", document) == [
        (("expects_response",), f"expected boolean, got string '{word}' (write true/false)")
    ]


def test_bad_tool_discriminator_lists_the_valid_types_at_that_key() -> None:
    document = edited(WEBHOOK_TOOL, ("type",), "webhok")
    assert errors("tool", document) == [
        (
            ("type",),
            "'webhok' is not a valid value; must be one of: 'client', 'mcp', 'system', 'webhook' "
            "(did you mean 'webhook'?)",
        )
    ]


def test_nested_discriminator_points_at_the_nested_tag() -> None:
    document = edited(SYSTEM_TOOL, ("params", "system_tool_type"), "end_cal")
    [(path, message)] = errors("tool", document)
    assert path == ("params", "system_tool_type")
    assert message.startswith("'end_cal' is not a valid value; must be one of: 'end_call', 'end_procedure'")
    assert message.endswith("(did you mean 'end_call'?)")


def test_error_inside_a_discriminated_branch_points_inside_that_branch() -> None:
    document = edited(WEBHOOK_TOOL, ("api_schema", "method"), "SEND")
    assert errors("tool", document) == [
        (
            ("api_schema", "method"),
            "'SEND' is not a valid value; must be one of: 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'",
        )
    ]


def test_missing_required_keys_are_reported_on_the_object() -> None:
    assert errors("tool", edited(WEBHOOK_TOOL, ("api_schema",), ...)) == [
        ((), "missing required key 'api_schema'")
    ]
    assert errors("test", edited(LLM_TEST, ("name",), ...)) == [((), "missing required key 'name'")]
    assert errors("tool", edited(CLIENT_TOOL, ("type",), ...)) == [
        ((), "missing required key 'type' (one of: 'client', 'mcp', 'system', 'webhook')")
    ]
    assert errors("agent", {}) == [((), "missing required key 'conversation_config'")]


def test_unknown_llm_id_is_a_warning_unless_strict() -> None:
    document = edited(AGENT, ("conversation_config", "agent", "prompt", "llm"), "gpt-9")
    [issue] = check("agent", document)
    assert issue.severity == "warning"
    assert issue.path == ("conversation_config", "agent", "prompt", "llm")
    assert issue.message.startswith("'gpt-9' is not a known LLM id in the pinned spec (")
    assert issue.message.endswith("); the server may accept it")
    [strict_issue] = check("agent", document, strict=True)
    assert strict_issue.severity == "error"
    assert strict_issue.path == issue.path
    assert "may accept" not in strict_issue.message and "strict mode" in strict_issue.message


def test_other_catalogs_warn_too() -> None:
    document = edited(AGENT, ("conversation_config", "tts", "model_id"), "eleven_v9_conversational")
    document = edited(
        document, ("conversation_config", "conversation", "client_events"), ["audio", "new_event"]
    )
    issues = check("agent", document)
    assert [(i.path, i.severity) for i in issues] == [
        (("conversation_config", "conversation", "client_events", 1), "warning"),
        (("conversation_config", "tts", "model_id"), "warning"),
    ]
    assert "client event" in issues[0].message and "TTS model id" in issues[1].message


def test_free_form_maps_accept_arbitrary_user_keys() -> None:
    placeholders = {"Any Key!": 1, "nested": {"x": [1, 2]}, "user_name": "bob"}
    document = edited(
        AGENT,
        ("conversation_config", "agent", "dynamic_variables", "dynamic_variable_placeholders"),
        placeholders,
    )
    assert check("agent", document) == []
    # Tool parameter property names and header names are user data (CLIENT_TOOL/WEBHOOK_TOOL use odd ones).
    assert check("tool", CLIENT_TOOL) == [] and check("tool", WEBHOOK_TOOL) == []


def test_typos_inside_tool_parameter_definitions_are_still_caught() -> None:
    document = edited(
        CLIENT_TOOL, ("parameters", "properties", "options", "properties", "new tab?", "descripton"), ""
    )
    assert errors("tool", document) == [
        (
            ("parameters", "properties", "options", "properties", "new tab?", "descripton"),
            "unknown key 'descripton' (did you mean 'description'?)",
        )
    ]


def test_undiscriminated_union_reports_the_closest_branch() -> None:
    # A parameter is a literal, object or array schema (a plain oneOf in the spec).
    document = edited(CLIENT_TOOL, ("parameters", "properties", "Page URL", "type"), "strin")
    [(path, message)] = errors("tool", document)
    assert path == ("parameters", "properties", "Page URL", "type")
    assert message.startswith("'strin' is not a valid value") and "(did you mean 'string'?)" in message


def test_placeholders_and_references_validate_where_strings_are_expected() -> None:
    document = edited(AGENT, ("conversation_config", "agent", "first_message"), "Hi from ${COMPANY_NAME}")
    document = edited(
        document, ("conversation_config", "agent", "prompt", "tool_ids"), ["@tool:a", "@tool:b"]
    )
    assert check("agent", document) == []


def test_nullable_fields_accept_null_and_keep_precise_errors() -> None:
    assert check("agent", edited(AGENT, ("name",), None)) == []
    assert errors("agent", edited(AGENT, ("name",), 5)) == [(("name",), "expected string, got integer 5")]
    document = edited(AGENT, ("platform_settings",), None)
    assert check("agent", document) == []
    document = edited(AGENT, ("platform_settings", "testing", "attached_tests", 0, "tset_id"), "x")
    assert errors("agent", document) == [
        (
            ("platform_settings", "testing", "attached_tests", 0, "tset_id"),
            "unknown key 'tset_id' (did you mean 'test_id'?)",
        )
    ]


def test_all_problems_are_reported_sorted_and_deduplicated() -> None:
    document = edited(AGENT, ("conversation_config", "tts", "stability"), "high")
    document = edited(document, ("conversation_config", "agent", "prompt", "temprature"), 1)
    document = edited(document, ("name",), 3)
    document = edited(document, ("conversation_config", "agent", "prompt", "llm"), "gpt-9")
    issues = check("agent", document)
    assert [i.path for i in issues] == [
        ("conversation_config", "agent", "prompt", "llm"),
        ("conversation_config", "agent", "prompt", "temprature"),
        ("conversation_config", "tts", "stability"),
        ("name",),
    ]
    assert len(set(issues)) == len(issues)


def test_limits_have_readable_messages() -> None:
    document = edited(WEBHOOK_TOOL, ("response_timeout_secs",), 1)
    assert errors("tool", document) == [(("response_timeout_secs",), "must be >= 5, got 1")]
    document = edited(WEBHOOK_TOOL, ("name",), "has spaces")
    [(path, message)] = errors("tool", document)
    assert path == ("name",) and message.startswith("'has spaces' does not match the pattern")


def test_a_schema_key_in_a_json_config_is_an_editor_hint() -> None:
    document = {"$schema": "../.agents/schemas/agent.schema.json", **AGENT}
    assert check("agent", document) == []


def test_manifest_problems() -> None:
    document = edited(MANIFEST, ("agents", "Support Bot"), {"config": "agents/x.yaml"})
    document = edited(document, ("tools", "lookup-order", "overlay"), {})
    document = edited(document, ("environments", "dev", "base_url"), "https://example.com")
    document = edited(document, ("environments", "local", "residency"), "mars")
    document = edited(document, ("version",), 2)
    assert errors("manifest", document) == [
        (("agents", "Support Bot"), "invalid name 'Support Bot': must match ^[a-z0-9][a-z0-9._-]{0,63}$"),
        (("environments", "dev"), "'residency' and 'base_url' cannot be set together"),
        (
            ("environments", "local", "residency"),
            "'mars' is not a valid value; must be one of: 'global', 'us', 'eu-residency', 'in-residency', "
            "'sg-residency'",
        ),
        (("tools", "lookup-order", "overlay"), "unknown key 'overlay' (did you mean 'overlays'?)"),
        (("version",), "must be 1, got 2"),
    ]


def test_load_schema_is_cached_and_rejects_unknown_kinds() -> None:
    assert load_schema("agent") is load_schema("agent")
    assert load_schema("manifest")["properties"]["version"] == {"const": 1}
    with pytest.raises(ValueError, match="unknown schema kind"):
        load_schema("widget")


def test_dotted_path() -> None:
    issue = SchemaIssue(("conversation_config", "agent", "tool_ids", 0), "m", "error")
    assert issue.dotted_path == "conversation_config.agent.tool_ids[0]"
    assert SchemaIssue((), "m", "error").dotted_path == "<root>"


TEMPLATE_KINDS: dict[str, Kind] = {"agents": "agent", "tools": "tool", "tests": "test"}


@pytest.mark.parametrize(
    "path",
    sorted(p for folder in TEMPLATE_KINDS for p in (templates_dir() / folder).glob("*.*")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_template_validates_strictly(path: Path) -> None:
    document = load_file(path)
    assert check(TEMPLATE_KINDS[path.parent.name], document.data, strict=True) == []


def test_ambiguous_one_of_names_the_alternatives_and_the_deciding_key() -> None:
    document = edited(CLIENT_TOOL, ("parameters", "properties", "Page URL"), {"description": "no type"})
    assert errors("tool", document) == [
        (
            ("parameters", "properties", "Page URL"),
            "ambiguous: matches ObjectJsonSchemaProperty and ArrayJsonSchemaProperty "
            "(set 'type' to one of: 'object', 'array')",
        )
    ]
