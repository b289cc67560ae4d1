"""Deterministic judging of ``llm`` and ``tool`` tests by the emulator (``evaluation``,
``evaluation_rules``; docs/emulator-evaluation.md)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
import yaml

from agents_cli.emulator.evaluation import evaluate_test
from agents_cli.emulator.evaluation_rules import condition_rules, phrase_occurs
from tests.support import REPO_ROOT
from tests.support.evaluation import (
    ORDER_TOOL_ID,
    REFUND_AGENT,
    TOOL_AGENT,
    TOOLS,
    agent_config,
    assert_outcome_matches_spec,
    llm_test,
    tool_test,
)


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


def test_llm_test_passes_when_quoted_phrases_are_in_the_prompt() -> None:
    test = llm_test(
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
    assert_outcome_matches_spec(outcome, test)


def test_llm_test_fails_with_a_one_sentence_rationale_when_a_phrase_is_missing() -> None:
    test = llm_test("The agent must explain the 'shipping policy' and the 'refund policy'.")
    outcome = evaluate_test(test, REFUND_AGENT, {})
    assert outcome.status == "failed"
    assert outcome.condition_result["result"] == "failure"
    assert outcome.condition_result["rationale"]["summary"] == (
        "The agent's first message, system prompt and language do not contain 'shipping policy' required by "
        "the success condition."
    )
    assert outcome.condition_result["rationale"]["messages"][1].startswith("PASS: required phrase 'refund")
    assert_outcome_matches_spec(outcome, test)


def test_forbidden_phrases_fail_when_present_quoted_or_not() -> None:
    quoted = evaluate_test(llm_test("The agent must never say 'Acme'."), REFUND_AGENT, {})
    assert quoted.status == "failed"
    assert quoted.condition_result["rationale"]["summary"] == (
        "The agent's system prompt contain 'Acme', which the success condition forbids."
    )
    unquoted = evaluate_test(llm_test("It must not mention refunds or vouchers."), REFUND_AGENT, {})
    assert unquoted.status == "failed"
    assert (
        "FAIL: forbidden phrase 'refunds' found in the system prompt."
        in (unquoted.condition_result["rationale"]["messages"])
    )
    absent = evaluate_test(llm_test("The agent does not mention 'discounts'."), REFUND_AGENT, {})
    assert absent.status == "passed"


def test_nothing_checkable_is_unknown_and_the_run_fails() -> None:
    test = llm_test("The agent should be polite and helpful")
    outcome = evaluate_test(test, REFUND_AGENT, {})
    assert outcome.condition_result["result"] == "unknown"
    assert outcome.status == "failed"
    assert outcome.condition_result["rationale"]["summary"].startswith("Nothing in the success condition")
    assert_outcome_matches_spec(outcome, test)


def test_examples_decide_by_word_overlap() -> None:
    examples = {
        "success_examples": [
            {"type": "success", "response": "I will explain our refund policy for refunds."}
        ],
        "failure_examples": [{"type": "failure", "response": "Please call the billing department tomorrow."}],
    }
    assert evaluate_test(llm_test("Be helpful", **examples), REFUND_AGENT, {}).status == "passed"
    swapped = {
        "success_examples": [{"type": "success", "response": "Please call the billing department tomorrow."}],
        "failure_examples": [
            {"type": "failure", "response": "I will explain our refund policy for refunds."}
        ],
    }
    outcome = evaluate_test(llm_test("Be helpful", **swapped), REFUND_AGENT, {})
    assert outcome.status == "failed"
    assert "closer to the failure examples" in outcome.condition_result["rationale"]["summary"]


def test_dynamic_variables_are_substituted_test_values_over_placeholders() -> None:
    greeting = llm_test("The agent says 'Hi Ada'", dynamic_variables={"user_name": "Ada"})
    outcome = evaluate_test(greeting, REFUND_AGENT, {})
    assert outcome.status == "passed"
    assert outcome.agent_responses[0]["message"] == "Hi Ada, how can I help?"  # no user turn: first message
    default = evaluate_test(llm_test("The agent says 'Hi there'"), REFUND_AGENT, {})
    assert default.status == "passed"


def test_evaluation_is_deterministic_and_does_not_modify_its_inputs() -> None:
    test = llm_test("mentions 'refund policy'", chat_history=[{"role": "user", "message": "hi"}])
    agent = copy.deepcopy(REFUND_AGENT)
    first = evaluate_test(test, agent, {})
    assert evaluate_test(test, agent, {}) == first
    assert agent == REFUND_AGENT


def test_tool_test_passes_when_attached_and_parameters_match() -> None:
    test = tool_test(
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
    assert_outcome_matches_spec(outcome, test)


def test_tool_test_fails_on_a_parameter_mismatch_and_says_which() -> None:
    test = tool_test([{"path": "order_id", "eval": {"type": "exact", "expected_value": "ORD-1"}}])
    outcome = evaluate_test(test, TOOL_AGENT, TOOLS)
    assert outcome.status == "failed"
    assert outcome.condition_result["rationale"]["summary"] == (
        "The agent calls 'lookup_order' but parameter 'order_id' fails: 'ORD-12345678' is not 'ORD-1'."
    )
    missing = evaluate_test(
        tool_test([{"path": "email", "eval": {"type": "regex", "pattern": "@"}}]), TOOL_AGENT, TOOLS
    )
    assert missing.status == "failed"
    assert "the agent would pass no value" in missing.condition_result["rationale"]["summary"]


def test_tool_test_fails_when_the_tool_is_not_attached_and_verify_absence_inverts() -> None:
    unattached = agent_config("Look up orders.")
    outcome = evaluate_test(tool_test([]), unattached, TOOLS)
    assert outcome.status == "failed"
    assert "not attached" in outcome.condition_result["rationale"]["summary"]
    assert_outcome_matches_spec(outcome, tool_test([]))
    assert evaluate_test(tool_test([], verify_absence=True), unattached, TOOLS).status == "passed"
    attached = evaluate_test(tool_test([], verify_absence=True), TOOL_AGENT, TOOLS)
    assert attached.status == "failed"
    assert "not called" in attached.condition_result["rationale"]["summary"]


def test_system_tools_are_found_in_built_in_tools_by_type() -> None:
    end_call = {"name": "end_call", "type": "system", "params": {"system_tool_type": "end_call"}}
    agent = agent_config("Say goodbye.", built_in_tools={"end_call": end_call, "skip_turn": None})
    test = tool_test([], tool_id="end_call")
    test["tool_call_parameters"]["referenced_tool"]["type"] = "system"
    outcome = evaluate_test(test, agent, {})
    assert outcome.status == "passed"
    assert outcome.agent_responses[0]["tool_calls"][0]["type"] == "system"
    assert_outcome_matches_spec(outcome, test)


def test_llm_parameter_eval_uses_the_phrase_rules_on_the_value() -> None:
    description = {"type": "llm", "description": "The id must not contain 'ORD'"}
    outcome = evaluate_test(tool_test([{"path": "order_id", "eval": description}]), TOOL_AGENT, TOOLS)
    assert outcome.status == "failed"
    assert "forbidden phrase 'ORD' found" in outcome.condition_result["rationale"]["summary"]


def test_prompt_prohibitions_are_not_speech() -> None:
    agent = agent_config(
        "Never discuss competitors. Do not promise refunds. Help customers with their orders. "
        "Explain the returns policy and never mention vouchers; greet by name. You can't offer discounts but "
        "you can offer a callback."
    )
    mixed = (
        "The agent mentions the 'returns policy', 'greet by name' and 'callback' but never 'vouchers' or "
        "'discounts'."
    )
    assert evaluate_test(llm_test(mixed), agent, {}).status == "passed"
    guardrail = evaluate_test(llm_test("The agent must never mention 'competitors'."), agent, {})
    assert guardrail.status == "passed"
    message = guardrail.condition_result["rationale"]["messages"][0]
    assert "only appears after a negation" in message
    required = evaluate_test(llm_test("The agent says 'refunds'."), agent, {})
    assert required.status == "failed"
    test = llm_test("x", chat_history=[{"role": "user", "message": "Do competitors offer refunds?"}])
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
    agent = agent_config("Help.", tool_ids=[ORDER_TOOL_ID, "tool_client"])
    test = tool_test(
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
    assert_outcome_matches_spec(outcome, test)


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
    assert_outcome_matches_spec(outcome, test)
