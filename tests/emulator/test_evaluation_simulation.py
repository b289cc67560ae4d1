"""Simulated conversations: ``simulation`` tests (scripted transcript, mocked tool calls, turn limits) and
the simulate-conversation endpoint's transcript and analysis (``evaluation.simulate_conversation``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from agents_cli.emulator.evaluation import evaluate_test, simulate_conversation
from tests.support.evaluation import (
    ORDER_TOOL_ID,
    REFUND_AGENT,
    TOOL_AGENT,
    TOOLS,
    assert_outcome_matches_spec,
    assert_valid,
)


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
    assert_outcome_matches_spec(outcome, test)


def test_simulation_test_fails_without_the_mock_and_respects_max_turns() -> None:
    test = _simulation_test(tool_mock_config={"mocking_strategy": "none"}, simulation_max_turns=1)
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    assert outcome.status == "failed"
    assert outcome.condition_result["rationale"]["summary"].startswith("Success condition 1:")
    assert [t["role"] for t in outcome.agent_responses] == ["user", "agent"]
    assert_outcome_matches_spec(outcome, test)


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
    assert_valid("AgentSimulatedChatTestResponseModel", response)
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
    assert_valid("AgentSimulatedChatTestResponseModel", response)
    if history:
        assert turns[0]["message"] == "Welcome back" and turns[1]["time_in_call_secs"] == 8
    else:
        assert turns[0]["message"] == "Hi there, how can I help?"
    assert [t["message"] for t in turns if t["role"] == "user"] == ["Hello."]
