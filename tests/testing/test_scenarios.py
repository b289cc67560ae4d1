"""Scenarios and simulations (``agents_cli/testing/scenarios.py``): a scenario file maps to the
simulate-conversation body, a bad one names the key, the simulation verdict (failed on any failed criterion,
unknown when inconclusive), and transcript turns that show a tool's result."""

from __future__ import annotations

import pytest

from agents_cli.errors import ConfigError
from agents_cli.testing.scenarios import judge_simulation, parse_scenario, simulation_body
from tests.support.samples import SCENARIO


def test_scenario_maps_to_simulate_conversation_body() -> None:
    body = simulation_body(SCENARIO)
    spec = body["simulation_specification"]
    assert spec["simulated_user_config"] == {
        "prompt": {"prompt": SCENARIO["persona"]},
        "first_message": "Where is my order?",
        "language": "en",
    }
    # Tool names are user data: passed through as written.
    assert spec["tool_mock_config"] == {"Lookup Order": {"default_return_value": '{"status": "shipped"}'}}
    assert spec["partial_conversation_history"] == [
        {"time_in_call_secs": 0, "role": "user", "message": "Hello"}
    ]
    assert spec["dynamic_variables"] == {"customer_name": "Ada"}
    assert body["extra_evaluation_criteria"] == [
        {
            "name": "mentions_status",
            "id": "mentions_status",
            "conversation_goal_prompt": "The agent says 'shipped'.",
        }
    ]
    assert body["new_turns_limit"] == 6


def test_invalid_scenario_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"turn_limt|persona"):
        parse_scenario("late-order", {"agents": ["support-bot"], "turn_limt": 3}, source="scenarios/x.yaml")


def test_simulation_verdict_fails_on_any_failed_criterion_and_is_unknown_when_inconclusive() -> None:
    response = {
        "simulated_conversation": [{"role": "user", "message": "hi"}, {"role": "agent", "message": "hello"}],
        "analysis": {
            "call_successful": "success",
            "transcript_summary": "short chat",
            "evaluation_criteria_results": {
                "mentions_status": {
                    "criteria_id": "mentions_status",
                    "result": "failure",
                    "rationale": "no status",
                }
            },
        },
    }
    verdict = judge_simulation(response)
    assert verdict.status == "failed"
    assert verdict.summary == "mentions_status: no status"
    assert [turn.role for turn in verdict.transcript] == ["user", "agent"]
    response["analysis"]["evaluation_criteria_results"] = {}  # type: ignore[index]
    response["analysis"]["call_successful"] = "unknown"  # type: ignore[index]
    assert judge_simulation(response).status == "unknown"
    response["analysis"]["call_successful"] = "success"  # type: ignore[index]
    assert judge_simulation(response).status == "passed"


def test_a_turn_with_only_a_tool_result_shows_the_result() -> None:
    # Before: '--show-transcript' printed an empty "agent:" line where the mocked tool answered.
    from agents_cli.testing.scenarios import transcript_turns

    turns = transcript_turns(
        [
            {"role": "agent", "message": None, "tool_calls": [{"tool_name": "lookup_order"}]},
            {
                "role": "agent",
                "message": None,
                "tool_results": [{"tool_name": "lookup_order", "result_value": '{"eta": "tomorrow"}'}],
            },
            {"role": "agent", "message": None, "tool_results": [{"tool_name": "x", "is_error": True}]},
        ]
    )
    assert [turn.message for turn in turns] == [
        "",
        '[lookup_order returned: {"eta": "tomorrow"}]',
        "[x returned (error): ]",
    ]
    assert turns[0].tool_calls == ["lookup_order"]
