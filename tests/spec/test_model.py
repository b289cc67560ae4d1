"""`agents_cli.spec.model`: Pydantic-like defaults, unknown keys, coercion and FastAPI-style errors."""

from __future__ import annotations

from typing import Any

from agents_cli.spec.model import models

CREATE_AGENT = "Body_Create_Agent_v1_convai_agents_create_post"


def _apply(name: str, value: object, **options: Any) -> tuple[Any, list[dict[str, Any]]]:
    return models().apply(name, value, **options)


def test_defaults_are_filled_recursively_and_nested_models_materialised() -> None:
    body = {"conversation_config": {"agent": {"prompt": {"prompt": "Be nice"}}}}
    result, errors = _apply(CREATE_AGENT, body)
    assert errors == []
    prompt = result["conversation_config"]["agent"]["prompt"]
    assert prompt["prompt"] == "Be nice"
    assert prompt["llm"] == "gemini-2.5-flash"  # schema default through a $ref
    assert prompt["tool_ids"] == []  # list without default
    assert prompt["temperature"] == 0.0 and isinstance(prompt["temperature"], float)
    assert result["conversation_config"]["asr"]["quality"] == "high"  # model materialised from nothing
    assert result["conversation_config"]["agent"]["first_message"] == ""
    assert body == {"conversation_config": {"agent": {"prompt": {"prompt": "Be nice"}}}}  # input untouched


def test_unknown_keys_are_dropped_by_default_and_rejected_in_strict_mode() -> None:
    body = {"conversation_config": {"agent": {"prompt": {"temprature": 0.5}}}}
    result, errors = _apply(CREATE_AGENT, body)
    assert errors == []
    assert "temprature" not in result["conversation_config"]["agent"]["prompt"]
    _, strict_errors = _apply(CREATE_AGENT, body, strict=True)
    assert strict_errors == [
        {
            "type": "extra_forbidden",
            "loc": ["body", "conversation_config", "agent", "prompt", "temprature"],
            "msg": "Extra inputs are not permitted",
            "input": 0.5,
        }
    ]


def test_wrong_types_report_the_field_location_and_pydantic_type() -> None:
    agent = {"first_message": 5, "prompt": {"max_tokens": 1.5}}
    body = {"conversation_config": {"agent": agent}, "tags": "x"}
    _, errors = _apply(CREATE_AGENT, body)
    by_loc = {tuple(e["loc"]): e["type"] for e in errors}
    assert by_loc == {
        ("body", "conversation_config", "agent", "first_message"): "string_type",
        ("body", "conversation_config", "agent", "prompt", "max_tokens"): "int_from_float",
        ("body", "tags"): "list_type",
    }


def test_missing_required_field() -> None:
    _, errors = _apply(CREATE_AGENT, {"name": "x"})
    assert [(e["loc"], e["type"], e["msg"]) for e in errors] == [
        (["body", "conversation_config"], "missing", "Field required")
    ]


def test_lax_coercion_like_pydantic() -> None:
    body = {"conversation_config": {"agent": {"prompt": {"max_tokens": "12", "temperature": 1}}}}
    result, errors = _apply(CREATE_AGENT, body)
    assert errors == []
    prompt = result["conversation_config"]["agent"]["prompt"]
    assert prompt["max_tokens"] == 12
    assert prompt["temperature"] == 1.0 and isinstance(prompt["temperature"], float)


def test_discriminated_union_tag_errors_and_tag_in_loc() -> None:
    _, errors = _apply("ToolRequestModel", {"tool_config": {"type": "webhok", "name": "x"}})
    assert [e["type"] for e in errors] == ["union_tag_invalid"]
    assert errors[0]["loc"] == ["body", "tool_config"]
    _, errors = _apply("ToolRequestModel", {"tool_config": {"name": "x"}})
    assert [e["type"] for e in errors] == ["union_tag_not_found"]
    _, errors = _apply("ToolRequestModel", {"tool_config": {"type": "client", "name": 3, "description": "d"}})
    assert [(e["loc"], e["type"]) for e in errors] == [
        (["body", "tool_config", "client", "name"], "string_type")
    ]


def test_enums_catalog_and_literal() -> None:
    body = {"conversation_config": {"agent": {"prompt": {"llm": "gpt-from-the-future"}}}}
    result, errors = _apply(CREATE_AGENT, body)
    assert errors == [] and result["conversation_config"]["agent"]["prompt"]["llm"] == "gpt-from-the-future"
    _, errors = _apply(CREATE_AGENT, body, strict_catalog=True)
    assert [e["type"] for e in errors] == ["enum"]
    _, errors = _apply(CREATE_AGENT, {"conversation_config": {"turn": {"turn_eagerness": "hasty"}}})
    assert [(e["loc"][-1], e["type"]) for e in errors] == [("turn_eagerness", "enum")]


def test_null_for_a_non_nullable_field_is_a_type_error() -> None:
    _, errors = _apply(CREATE_AGENT, {"conversation_config": {"agent": {"language": None}}})
    assert [(e["loc"][-1], e["type"]) for e in errors] == [("language", "string_type")]
    result, errors = _apply(CREATE_AGENT, {"conversation_config": {}, "name": None})
    assert errors == [] and result["name"] is None


def test_fill_defaults_false_checks_only_what_is_present() -> None:
    result, errors = _apply(CREATE_AGENT, {"name": "n", "typo": 1}, fill_defaults=False)
    assert errors == [] and result == {"name": "n"}


def test_apply_is_deterministic_and_outputs_schema_order() -> None:
    body = {"name": "a", "conversation_config": {"agent": {"prompt": {"prompt": "p"}, "first_message": "hi"}}}
    first, _ = _apply(CREATE_AGENT, body)
    second, _ = _apply(CREATE_AGENT, dict(reversed(list(body.items()))))
    assert first == second
    assert list(first) == ["conversation_config", "platform_settings", "workflow", "name", "tags"]
    assert next(iter(first["conversation_config"]["agent"])) == "first_message"


def test_request_and_response_schema_lookup() -> None:
    m = models()
    assert m.request_schema("POST", "/v1/convai/agents/create") == CREATE_AGENT
    assert m.request_schema("get", "/v1/convai/agents") is None
    assert m.response_schema("get", "/v1/convai/agents/{agent_id}") == "GetAgentResponseModel"
    assert m.response_schema("post", "/v1/convai/agents/create", 422) == "HTTPValidationError"
    assert m.response_schema("get", "/v1/nope") is None


def test_every_model_built_from_nothing_fits_its_own_schema() -> None:
    from tests.support.contract import schema_errors

    m = models()
    checked = 0
    for name, schema in m.schemas.items():
        if "properties" not in schema or schema.get("required"):
            continue
        value, errors = m.apply(name, {})
        assert errors == [], name
        assert schema_errors({"$ref": f"#/components/schemas/{name}"}, value) == [], name
        checked += 1
    assert checked > 300
    workflow = m.defaults("AgentWorkflowRequestModel")
    assert isinstance(workflow, dict) and workflow["nodes"]["start_node"]["type"] == "start"


def test_a_union_no_member_accepts_reports_every_members_errors_under_its_tag() -> None:
    """As Pydantic: not one member's error (a lone ``literal_error`` hid why the others failed)."""
    from agents_cli.spec.model import models

    union = {
        "anyOf": [{"type": "integer"}, {"enum": ["a", "b"]}, {"$ref": "#/components/schemas/SortDirection"}]
    }
    _value, errors = models().apply(union, "zz", loc=("body", "x"))
    assert [(error["loc"], error["type"]) for error in errors] == [
        (["body", "x", "int"], "int_parsing"),
        (["body", "x", "literal['a','b']"], "literal_error"),
        (["body", "x", "SortDirection"], "enum"),
    ]
    assert models().apply({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "zz", loc=("q",))[1][0][
        "loc"
    ] == ["q"]
