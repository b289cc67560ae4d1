"""Agents, tools and tests the evaluation tests share, and checks that outcomes fit the spec.

Not collected by pytest (no ``test_`` prefix)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from agents_cli.bundled import openapi_spec_path
from agents_cli.emulator.evaluation import TestRunOutcome

ORDER_TOOL_ID = "tool_4501k0abcd"


@cache
def _validator(component: str) -> Draft202012Validator:
    components = json.loads(openapi_spec_path().read_text())["components"]
    return Draft202012Validator({"$ref": f"#/components/schemas/{component}", "components": components})


def assert_valid(component: str, value: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(component).iter_errors(value)]
    assert errors == [], errors


def assert_outcome_matches_spec(outcome: TestRunOutcome, test: dict[str, Any]) -> None:
    assert_valid("TestConditionResultCommonModel", outcome.condition_result)
    for turn in outcome.agent_responses:
        assert_valid("ConversationHistoryTranscriptCommonModel-Output", turn)
    run = {
        "test_run_id": "run_1",
        "test_invocation_id": "inv_1",
        "agent_id": "agent_1",
        "test_id": test["id"],
        "status": outcome.status,
        "condition_result": outcome.condition_result,
        "agent_responses": outcome.agent_responses,
    }
    assert_valid("UnitTestRunResponseModel", run)


def agent_config(prompt: str = "", first_message: str = "", **prompt_extra: Any) -> dict[str, Any]:
    return {
        "name": "Support",
        "conversation_config": {
            "agent": {
                "first_message": first_message,
                "language": "en",
                "dynamic_variables": {"dynamic_variable_placeholders": {"user_name": "there"}},
                "prompt": {"prompt": prompt, **prompt_extra},
            }
        },
        "platform_settings": {},
    }


def order_tool() -> dict[str, Any]:
    return {
        "id": ORDER_TOOL_ID,
        "tool_config": {
            "type": "webhook",
            "name": "lookup_order",
            "description": "Look up an order",
            "api_schema": {
                "url": "https://shop.example/orders/{order_id}",
                "method": "GET",
                "path_params_schema": {"order_id": {"type": "string", "description": "The order id"}},
                "query_params_schema": {
                    "properties": {
                        "store": {"type": "string", "dynamic_variable": "store_id"},
                        "channel": {"type": "string", "constant_value": "voice"},
                    }
                },
            },
        },
        "access_info": {},
    }


def llm_test(condition: str, **extra: Any) -> dict[str, Any]:
    test = {"id": "test_1", "type": "llm", "name": "llm test", "success_condition": condition}
    test.update(extra)
    return test


REFUND_AGENT = agent_config(
    "You are a support agent for Acme. Explain the refund policy when asked about refunds. "
    "Look up orders with the lookup tool.",
    first_message="Hi {{user_name}}, how can I help?",
)


def tool_test(
    parameters: list[dict[str, Any]], *, tool_id: str = ORDER_TOOL_ID, **extra: Any
) -> dict[str, Any]:
    evaluation: dict[str, Any] = {
        "referenced_tool": {"id": tool_id, "type": "webhook"},
        "parameters": parameters,
        "verify_absence": extra.pop("verify_absence", False),
    }
    test = {
        "id": "test_tool",
        "type": "tool",
        "name": "tool test",
        "chat_history": [{"role": "user", "message": "My order id is ORD-12345678.", "time_in_call_secs": 1}],
        "dynamic_variables": {"store_id": "berlin-1"},
        "tool_call_parameters": evaluation,
    }
    test.update(extra)
    return test


TOOL_AGENT = agent_config("Look up orders.", tool_ids=[ORDER_TOOL_ID])

TOOLS = {ORDER_TOOL_ID: order_tool()}
