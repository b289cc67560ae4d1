"""Deterministic test evaluation and simulated conversations of the emulator (docs/emulator-evaluation.md)."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from agents_cli.bundled import openapi_spec_path
from agents_cli.emulator.evaluation import TestRunOutcome, evaluate_test, simulate_conversation
from agents_cli.emulator.evaluation_rules import condition_rules, phrase_occurs

ORDER_TOOL_ID = "tool_4501k0abcd"
REPO_ROOT = Path(__file__).resolve().parent.parent


@cache
def _validator(component: str) -> Draft202012Validator:
    components = json.loads(openapi_spec_path().read_text())["components"]
    return Draft202012Validator({"$ref": f"#/components/schemas/{component}", "components": components})


def _assert_valid(component: str, value: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(component).iter_errors(value)]
    assert errors == [], errors


def _assert_outcome_matches_spec(outcome: TestRunOutcome, test: dict[str, Any]) -> None:
    _assert_valid("TestConditionResultCommonModel", outcome.condition_result)
    for turn in outcome.agent_responses:
        _assert_valid("ConversationHistoryTranscriptCommonModel-Output", turn)
    run = {
        "test_run_id": "run_1",
        "test_invocation_id": "inv_1",
        "agent_id": "agent_1",
        "test_id": test["id"],
        "status": outcome.status,
        "condition_result": outcome.condition_result,
        "agent_responses": outcome.agent_responses,
    }
    _assert_valid("UnitTestRunResponseModel", run)


def _agent(prompt: str = "", first_message: str = "", **prompt_extra: Any) -> dict[str, Any]:
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


def _order_tool() -> dict[str, Any]:
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


def _llm_test(condition: str, **extra: Any) -> dict[str, Any]:
    test = {"id": "test_1", "type": "llm", "name": "llm test", "success_condition": condition}
    test.update(extra)
    return test


REFUND_AGENT = _agent(
    "You are a support agent for Acme. Explain the refund policy when asked about refunds. "
    "Look up orders with the lookup tool.",
    first_message="Hi {{user_name}}, how can I help?",
)


# --- rules ------------------------------------------------------------------------------------------------


def test_condition_rules_split_required_and_forbidden_phrases() -> None:
    required, forbidden = condition_rules(
        "The agent's reply must mention 'refund policy' and \"30 days\", never say 'competitor', 'rival' or "
        "'enemy'. It must not mention discounts, vouchers or the price list."
    )
    assert required == ["refund policy", "30 days"]
    assert forbidden == ["competitor", "rival", "enemy", "discounts", "vouchers", "price list"]


def test_phrase_matching_is_whole_word_case_insensitive_and_allows_plurals() -> None:
    assert phrase_occurs("Refund  Policy", "our refund\npolicy applies")
    assert phrase_occurs("refund", "Refunds are possible")
    assert not phrase_occurs("art", "an article")
    assert not phrase_occurs("", "anything")


# --- llm tests --------------------------------------------------------------------------------------------


def test_llm_test_passes_when_quoted_phrases_are_in_the_prompt() -> None:
    test = _llm_test(
        "The agent mentions the 'refund policy'.",
        chat_history=[{"role": "user", "message": "Can I get a refund?", "time_in_call_secs": 3}],
    )
    outcome = evaluate_test(test, REFUND_AGENT, {})
    assert outcome.status == "passed"
    assert outcome.condition_result["result"] == "success"
    assert outcome.condition_result["rationale"]["messages"] == [
        "PASS: required phrase 'refund policy' found in the system prompt."
    ]
    # The scripted reply is the prompt sentence closest to the user's message, after the history's time.
    assert outcome.agent_responses[0]["message"] == "Explain the refund policy when asked about refunds."
    assert outcome.agent_responses[0]["time_in_call_secs"] == 4
    _assert_outcome_matches_spec(outcome, test)


def test_llm_test_fails_with_a_one_sentence_rationale_when_a_phrase_is_missing() -> None:
    test = _llm_test("The agent must explain the 'shipping policy' and the 'refund policy'.")
    outcome = evaluate_test(test, REFUND_AGENT, {})
    assert outcome.status == "failed"
    assert outcome.condition_result["result"] == "failure"
    assert outcome.condition_result["rationale"]["summary"] == (
        "The agent's first message, system prompt and language do not contain 'shipping policy' required by "
        "the success condition."
    )
    assert outcome.condition_result["rationale"]["messages"][1].startswith("PASS: required phrase 'refund")
    _assert_outcome_matches_spec(outcome, test)


def test_forbidden_phrases_fail_when_present_quoted_or_not() -> None:
    quoted = evaluate_test(_llm_test("The agent must never say 'Acme'."), REFUND_AGENT, {})
    assert quoted.status == "failed"
    assert quoted.condition_result["rationale"]["summary"] == (
        "The agent's system prompt contain 'Acme', which the success condition forbids."
    )
    unquoted = evaluate_test(_llm_test("It must not mention refunds or vouchers."), REFUND_AGENT, {})
    assert unquoted.status == "failed"
    assert (
        "FAIL: forbidden phrase 'refunds' found in the system prompt."
        in (unquoted.condition_result["rationale"]["messages"])
    )
    absent = evaluate_test(_llm_test("The agent does not mention 'discounts'."), REFUND_AGENT, {})
    assert absent.status == "passed"


def test_nothing_checkable_is_unknown_and_the_run_fails() -> None:
    test = _llm_test("The agent should be polite and helpful")
    outcome = evaluate_test(test, REFUND_AGENT, {})
    assert outcome.condition_result["result"] == "unknown"
    assert outcome.status == "failed"
    assert outcome.condition_result["rationale"]["summary"].startswith("Nothing in the success condition")
    _assert_outcome_matches_spec(outcome, test)


def test_examples_decide_by_word_overlap() -> None:
    examples = {
        "success_examples": [
            {"type": "success", "response": "I will explain our refund policy for refunds."}
        ],
        "failure_examples": [{"type": "failure", "response": "Please call the billing department tomorrow."}],
    }
    assert evaluate_test(_llm_test("Be helpful", **examples), REFUND_AGENT, {}).status == "passed"
    swapped = {
        "success_examples": [{"type": "success", "response": "Please call the billing department tomorrow."}],
        "failure_examples": [
            {"type": "failure", "response": "I will explain our refund policy for refunds."}
        ],
    }
    outcome = evaluate_test(_llm_test("Be helpful", **swapped), REFUND_AGENT, {})
    assert outcome.status == "failed"
    assert "closer to the failure examples" in outcome.condition_result["rationale"]["summary"]


def test_dynamic_variables_are_substituted_test_values_over_placeholders() -> None:
    greeting = _llm_test("The agent says 'Hi Ada'", dynamic_variables={"user_name": "Ada"})
    outcome = evaluate_test(greeting, REFUND_AGENT, {})
    assert outcome.status == "passed"
    assert outcome.agent_responses[0]["message"] == "Hi Ada, how can I help?"  # no user turn: first message
    default = evaluate_test(_llm_test("The agent says 'Hi there'"), REFUND_AGENT, {})
    assert default.status == "passed"


def test_evaluation_is_deterministic_and_does_not_modify_its_inputs() -> None:
    test = _llm_test("mentions 'refund policy'", chat_history=[{"role": "user", "message": "hi"}])
    agent = copy.deepcopy(REFUND_AGENT)
    first = evaluate_test(test, agent, {})
    assert evaluate_test(test, agent, {}) == first
    assert agent == REFUND_AGENT


# --- tool tests -------------------------------------------------------------------------------------------


def _tool_test(
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


TOOL_AGENT = _agent("Look up orders.", tool_ids=[ORDER_TOOL_ID])
TOOLS = {ORDER_TOOL_ID: _order_tool()}


def test_tool_test_passes_when_attached_and_parameters_match() -> None:
    test = _tool_test(
        [
            {"path": "order_id", "eval": {"type": "regex", "pattern": "^ORD-[0-9]{8}$"}},
            {"path": "store", "eval": {"type": "exact", "expected_value": "berlin-1"}},
            {"path": "channel", "eval": {"type": "exact", "expected_value": "voice"}},
            {"path": "note", "eval": {"type": "anything"}},
            {"path": "order_id", "eval": {"type": "llm", "description": "Must contain 'ORD'"}},
        ]
    )
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    assert outcome.status == "passed", outcome.condition_result
    assert outcome.condition_result["rationale"]["summary"] == (
        "The agent calls 'lookup_order' and all 5 parameter check(s) pass."
    )
    call = outcome.agent_responses[0]["tool_calls"][0]
    assert call["tool_name"] == "lookup_order"
    assert json.loads(call["params_as_json"]) == {
        "order_id": "ORD-12345678",
        "store": "berlin-1",
        "channel": "voice",
    }
    _assert_outcome_matches_spec(outcome, test)


def test_tool_test_fails_on_a_parameter_mismatch_and_says_which() -> None:
    test = _tool_test([{"path": "order_id", "eval": {"type": "exact", "expected_value": "ORD-1"}}])
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    assert outcome.status == "failed"
    assert outcome.condition_result["rationale"]["summary"] == (
        "The agent calls 'lookup_order' but parameter 'order_id' fails: 'ORD-12345678' is not 'ORD-1'."
    )
    missing = evaluate_test(
        _tool_test([{"path": "email", "eval": {"type": "regex", "pattern": "@"}}]), TOOL_AGENT, TOOLS
    )
    assert missing.status == "failed"
    assert "the agent would pass no value" in missing.condition_result["rationale"]["summary"]


def test_tool_test_fails_when_the_tool_is_not_attached_and_verify_absence_inverts() -> None:
    unattached = _agent("Look up orders.")
    outcome = evaluate_test(_tool_test([]), unattached, TOOLS)
    assert outcome.status == "failed"
    assert "not attached" in outcome.condition_result["rationale"]["summary"]
    _assert_outcome_matches_spec(outcome, _tool_test([]))
    assert evaluate_test(_tool_test([], verify_absence=True), unattached, TOOLS).status == "passed"
    attached = evaluate_test(_tool_test([], verify_absence=True), TOOL_AGENT, TOOLS)
    assert attached.status == "failed"
    assert "not called" in attached.condition_result["rationale"]["summary"]


def test_system_tools_are_found_in_built_in_tools_by_type() -> None:
    end_call = {"name": "end_call", "type": "system", "params": {"system_tool_type": "end_call"}}
    agent = _agent("Say goodbye.", built_in_tools={"end_call": end_call, "skip_turn": None})
    test = _tool_test([], tool_id="end_call")
    test["tool_call_parameters"]["referenced_tool"]["type"] = "system"
    outcome = evaluate_test(test, agent, {})
    assert outcome.status == "passed"
    assert outcome.agent_responses[0]["tool_calls"][0]["type"] == "system"
    _assert_outcome_matches_spec(outcome, test)


def test_llm_parameter_eval_uses_the_phrase_rules_on_the_value() -> None:
    description = {"type": "llm", "description": "The id must not contain 'ORD'"}
    outcome = evaluate_test(_tool_test([{"path": "order_id", "eval": description}]), TOOL_AGENT, TOOLS)
    assert outcome.status == "failed"
    assert "forbidden phrase 'ORD' found" in outcome.condition_result["rationale"]["summary"]


# --- simulation tests and simulate-conversation -----------------------------------------------------------


def _simulation_test(**extra: Any) -> dict[str, Any]:
    test = {
        "id": "test_sim",
        "type": "simulation",
        "name": "simulation",
        "simulation_scenario": "A customer asks 'Where is my order ORD-12345678?' and then says 'Thanks'.",
        "success_conditions": ["The agent says the order has 'shipped'", "It never mentions 'vouchers'"],
        "simulation_max_turns": 5,
        "tool_mock_config": {"mocking_strategy": "all", "fallback_strategy": "raise_error"},
        "tool_mock_overrides": {
            ORDER_TOOL_ID: [{"mock_result": "Order shipped yesterday.", "is_error": False}]
        },
    }
    test.update(extra)
    return test


def test_simulation_test_scripts_a_transcript_with_a_mocked_tool_call() -> None:
    test = _simulation_test()
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    assert outcome.status == "passed", outcome.condition_result
    roles = [(t["role"], t["message"]) for t in outcome.agent_responses]
    assert roles[0] == ("user", "Where is my order ORD-12345678?")
    assert roles[-2:] == [("user", "Thanks"), ("agent", "Look up orders.")]
    result_turn = next(t for t in outcome.agent_responses if t["tool_results"])
    assert result_turn["tool_results"][0]["result_value"] == "Order shipped yesterday."
    _assert_outcome_matches_spec(outcome, test)


def test_simulation_test_fails_without_the_mock_and_respects_max_turns() -> None:
    test = _simulation_test(tool_mock_config={"mocking_strategy": "none"}, simulation_max_turns=1)
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    assert outcome.status == "failed"
    assert outcome.condition_result["rationale"]["summary"].startswith("Success condition 1:")
    assert [t["role"] for t in outcome.agent_responses] == ["user", "agent"]
    _assert_outcome_matches_spec(outcome, test)


def test_simulation_mock_fallback_raise_error_is_an_error_result() -> None:
    test = _simulation_test(tool_mock_overrides={}, success_conditions=["says 'No mock matched'"])
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    result = next(t for t in outcome.agent_responses if t["tool_results"])["tool_results"][0]
    assert result["is_error"] is True
    assert outcome.status == "passed"


def test_simulate_conversation_returns_the_spec_shape_with_criteria_results() -> None:
    agent = copy.deepcopy(TOOL_AGENT)
    agent["platform_settings"] = {
        "evaluation": {
            "criteria": [{"id": "polite", "name": "Polite", "conversation_goal_prompt": "Be polite"}]
        }
    }
    body = {
        "simulation_specification": {
            "simulated_user_config": {
                "first_message": "Hello",
                "prompt": {"prompt": "Ask 'where is my order?'"},
            },
            "tool_mock_config": {"lookup_order": {"default_return_value": "Delivered on Monday."}},
            "dynamic_variables": {"store_id": "berlin-1"},
        },
        "extra_evaluation_criteria": [
            {"id": "delivered", "name": "Delivered", "conversation_goal_prompt": "The agent says 'delivered'"}
        ],
    }
    response = simulate_conversation(agent, TOOLS, body)
    _assert_valid("AgentSimulatedChatTestResponseModel", response)
    analysis = response["analysis"]
    assert analysis["evaluation_criteria_results"]["delivered"]["result"] == "success"
    assert analysis["evaluation_criteria_results"]["polite"]["result"] == "unknown"
    assert analysis["call_successful"] == "unknown"
    users = [t["message"] for t in response["simulated_conversation"] if t["role"] == "user"]
    assert users == ["Hello", "where is my order?"]
    assert "calling 'lookup_order'" in analysis["transcript_summary"]
    limited = simulate_conversation(agent, TOOLS, {**body, "new_turns_limit": 2})
    assert len(limited["simulated_conversation"]) == 2
    assert simulate_conversation(agent, TOOLS, body) == response


@pytest.mark.parametrize(
    "history", [[], [{"role": "agent", "message": "Welcome back", "time_in_call_secs": 7}]]
)
def test_partial_history_is_kept_and_the_first_message_only_opens_a_fresh_conversation(
    history: list[dict[str, Any]],
) -> None:
    body = {
        "simulation_specification": {"simulated_user_config": {}, "partial_conversation_history": history}
    }
    response = simulate_conversation(REFUND_AGENT, {}, body)
    turns = response["simulated_conversation"]
    _assert_valid("AgentSimulatedChatTestResponseModel", response)
    if history:
        assert turns[0]["message"] == "Welcome back" and turns[1]["time_in_call_secs"] == 8
    else:
        assert turns[0]["message"] == "Hi there, how can I help?"
    assert [t["message"] for t in turns if t["role"] == "user"] == ["Hello."]


def test_prompt_prohibitions_are_not_speech() -> None:
    agent = _agent(
        "Never discuss competitors. Do not promise refunds. Help customers with their orders. "
        "Explain the returns policy and never mention vouchers; greet by name. You can't offer discounts but "
        "you can offer a callback."
    )
    mixed = (
        "The agent mentions the 'returns policy', 'greet by name' and 'callback' but never 'vouchers' or "
        "'discounts'."
    )
    assert evaluate_test(_llm_test(mixed), agent, {}).status == "passed"
    guardrail = evaluate_test(_llm_test("The agent must never mention 'competitors'."), agent, {})
    assert guardrail.status == "passed"
    message = guardrail.condition_result["rationale"]["messages"][0]
    assert "only appears after a negation" in message
    required = evaluate_test(_llm_test("The agent says 'refunds'."), agent, {})
    assert required.status == "failed"
    test = _llm_test("x", chat_history=[{"role": "user", "message": "Do competitors offer refunds?"}])
    assert evaluate_test(test, agent, {}).agent_responses[0]["message"] == "Help customers with their orders."


def test_client_tool_nested_parameters_and_check_any_tool_matches() -> None:
    client_tool = {
        "id": "tool_client",
        "tool_config": {
            "type": "client",
            "name": "show_profile",
            "description": "Show the profile",
            "parameters": {
                "type": "object",
                "properties": {
                    "customer": {
                        "type": "object",
                        "properties": {"email": {"type": "string", "description": "The email"}},
                    }
                },
            },
        },
    }
    tools = {**TOOLS, "tool_client": client_tool}
    agent = _agent("Help.", tool_ids=[ORDER_TOOL_ID, "tool_client"])
    test = _tool_test(
        [{"path": "customer.email", "eval": {"type": "regex", "pattern": "^[^@]+@example\\.com$"}}],
        check_any_tool_matches=True,
        chat_history=[{"role": "user", "message": 'My email is "ada@example.com" please'}],
    )
    del test["tool_call_parameters"]["referenced_tool"]
    outcome = evaluate_test(test, agent, tools)
    assert outcome.status == "passed", outcome.condition_result
    assert "'show_profile'" in outcome.condition_result["rationale"]["summary"]
    test["check_any_tool_matches"] = False  # only the first attached tool (lookup_order) is called
    assert evaluate_test(test, agent, tools).status == "failed"
    _assert_outcome_matches_spec(outcome, test)


def _doc_examples() -> dict[str, Any]:
    text = (REPO_ROOT / "docs" / "emulator-evaluation.md").read_text()
    blocks = re.findall(r"<!-- example: (\w+) -->\s*```yaml\n(.*?)```", text, re.DOTALL)
    return {name: yaml.safe_load(block) for name, block in blocks} | {"_text": " ".join(text.split())}


@pytest.mark.parametrize(("name", "status"), [("passes", "passed"), ("fails", "failed")])
def test_the_documented_examples_behave_as_documented(name: str, status: str) -> None:
    examples = _doc_examples()
    test = {"id": f"doc_{name}", **examples[name]}
    outcome = evaluate_test(test, examples["agent"], {})
    assert outcome.status == status
    assert outcome.condition_result["rationale"]["summary"] in examples["_text"]
    _assert_outcome_matches_spec(outcome, test)
