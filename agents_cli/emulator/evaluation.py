"""Deterministic evaluation of agent tests and simulated conversations for the emulator.

Pure functions (no IO, no randomness, no time). The rules are documented for users in
``docs/emulator-evaluation.md``; the text rules live in ``evaluation_rules`` and the scripted agent (what the
agent says, which tool it calls with which parameters) in ``scripted_agent``.

A run passes only when its condition result is ``success``: the spec's ``TestRunStatus`` has no inconclusive
state, so an ``unknown`` result (nothing in the test could be checked) is a ``failed`` run whose rationale
says what to add.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from agents_cli.emulator.evaluation_rules import (
    Check,
    TextSource,
    Verdict,
    evaluate_condition,
    merge_verdicts,
    parameter_matches,
    quoted_phrases,
    verdict_from_checks,
)
from agents_cli.emulator.scripted_agent import (
    AgentView,
    AttachedTool,
    PlannedCall,
    TranscriptBuilder,
    first_sentence,
    mapping,
    plan_call,
    sequence,
)

DEFAULT_MOCK_RESULT = "Tool Called."


@dataclass(frozen=True)
class TestRunOutcome:
    """One finished run: ``condition_result`` is ``TestConditionResultCommonModel``, ``agent_responses`` a
    list of ``ConversationHistoryTranscriptCommonModel`` turns (the whole transcript for simulations)."""

    __test__ = False  # not a pytest test class despite the name

    status: Literal["passed", "failed"]
    condition_result: dict[str, Any]
    agent_responses: list[dict[str, Any]]


def evaluate_test(
    test: Mapping[str, Any],
    agent: Mapping[str, Any],
    tools: Mapping[str, Mapping[str, Any]],
    *,
    repetition: int = 0,
) -> TestRunOutcome:
    """Run one stored test (``llm``, ``tool`` or ``simulation``) against an effective agent config;
    ``repetition`` (0-based, of ``repeat_count``) picks the outcome an ``emulator_outcomes`` test sets."""
    view = AgentView.of(agent, mapping(test.get("dynamic_variables")))
    history = [mapping(turn) for turn in sequence(test.get("chat_history"))]
    kind = str(test.get("type") or "llm")
    if kind == "tool":
        verdict, responses = _evaluate_tool_test(test, view, tools, history)
    elif kind == "simulation":
        verdict, responses = _evaluate_simulation_test(test, view, tools, history)
    else:
        verdict, responses = _evaluate_llm_test(test, view, history)
    verdict = _scripted_outcome(test, verdict, repetition)
    status: Literal["passed", "failed"] = "passed" if verdict.result == "success" else "failed"
    return TestRunOutcome(status, verdict.as_condition_result(), responses)


OUTCOMES_VARIABLE = "emulator_outcomes"


def _scripted_outcome(test: Mapping[str, Any], verdict: Verdict, repetition: int) -> Verdict:
    """A model of an LLM's run-to-run variation for pass-rate tests: a test whose dynamic variable
    ``emulator_outcomes`` is ``"pass,fail,pass"`` fails repetition i when entry ``i mod n`` is ``fail``
    (``pass`` keeps the evaluated verdict). The real API passes the variable to the agent and ignores it."""
    raw = mapping(test.get("dynamic_variables")).get(OUTCOMES_VARIABLE)
    outcomes = [part.strip().lower() for part in str(raw).split(",") if part.strip()] if raw else []
    if not outcomes or outcomes[repetition % len(outcomes)] != "fail":
        return verdict
    summary = (
        f"Repetition {repetition + 1} fails: the test's {OUTCOMES_VARIABLE} ({raw}) says so "
        "(the emulator's model of a flaky LLM judgement)."
    )
    return Verdict("failure", [*verdict.messages, f"FAIL: {summary}"], summary)


def _seed(test: Mapping[str, Any]) -> str:
    return str(test.get("id") or test.get("name") or "test")


def _last_user_message(history: Sequence[Mapping[str, Any]]) -> str | None:
    return next((str(t.get("message") or "") for t in reversed(history) if t.get("role") == "user"), None)


# --- llm --------------------------------------------------------------------------------------------------


def _evaluate_llm_test(
    test: Mapping[str, Any], view: AgentView, history: list[Mapping[str, Any]]
) -> tuple[Verdict, list[dict[str, Any]]]:
    transcript = TranscriptBuilder(history, _seed(test))
    last_user = _last_user_message(history)
    reply = view.reply_to(last_user) if last_user is not None else (view.first_message or view.reply_to(""))
    transcript.say("agent", reply)
    verdict = evaluate_condition(
        str(test.get("success_condition") or ""),
        view.behaviour_sources(),
        success_examples=[
            str(mapping(e).get("response") or "") for e in sequence(test.get("success_examples"))
        ],
        failure_examples=[
            str(mapping(e).get("response") or "") for e in sequence(test.get("failure_examples"))
        ],
    )
    return verdict, transcript.new_turns


# --- tool -------------------------------------------------------------------------------------------------


def _evaluate_tool_test(
    test: Mapping[str, Any],
    view: AgentView,
    tools: Mapping[str, Mapping[str, Any]],
    history: list[Mapping[str, Any]],
) -> tuple[Verdict, list[dict[str, Any]]]:
    transcript = TranscriptBuilder(history, _seed(test))
    evaluation = mapping(test.get("tool_call_parameters"))
    reference = mapping(evaluation.get("referenced_tool"))
    parameters = [mapping(p) for p in sequence(evaluation.get("parameters"))]
    attached = view.attached_tools(tools)
    if reference:
        called: AttachedTool | None = view.find_tool(tools, str(reference.get("id") or ""))
        wanted = f"tool '{reference.get('id')}'"
    else:
        called = attached[0] if attached else None
        wanted = "a tool call"
    candidates = attached if (not reference and test.get("check_any_tool_matches")) else [called]
    plans = [
        plan_call(tool, history, view.variables, [str(p.get("path") or "") for p in parameters])
        for tool in candidates
        if tool is not None
    ]
    per_plan = [
        [_presence_check(plan.tool), *(_parameter_check(p, plan) for p in parameters)] for plan in plans
    ]
    # The call shown and judged: the first candidate whose checks all pass, else the first candidate.
    chosen = next((i for i, checks in enumerate(per_plan) if all(c.passed for c in checks)), 0)
    if plans:
        transcript.call(plans[chosen], None)
        called = called if reference else plans[chosen].tool
    else:
        transcript.say("agent", view.reply_to(_last_user_message(history) or ""))

    if not evaluation:
        summary = "The test has no tool_call_parameters, so the tool call is not evaluated."
        return Verdict("success", [f"PASS: {summary}"], summary), transcript.new_turns
    if evaluation.get("verify_absence"):
        checks = [_absence_check(called, wanted)]
    elif not plans:
        checks = [_missing_tool_check(reference, wanted)]
    else:
        checks = per_plan[chosen]
    if evaluation.get("workflow_node_transition"):
        checks.append(Check(True, "SKIP: workflow node transitions are not emulated.", ""))
        if all(check.passed for check in checks):
            summary = "The tool call matches, but the emulator cannot check workflow_node_transition."
            return Verdict("unknown", [c.message for c in checks], summary), transcript.new_turns
    verdict = verdict_from_checks(
        checks,
        unknown_summary="Nothing in the tool test can be checked.",
        success_summary=_tool_success_summary(checks, called, evaluation),
    )
    return verdict, transcript.new_turns


def _tool_success_summary(
    checks: list[Check], called: AttachedTool | None, evaluation: Mapping[str, Any]
) -> str:
    if evaluation.get("verify_absence"):
        return "The agent does not call the tool, as the test requires (verify_absence)."
    name = called.name if called else "the tool"
    return f"The agent calls '{name}' and all {len(checks) - 1} parameter check(s) pass."


def _absence_check(called: AttachedTool | None, wanted: str) -> Check:
    if called is None:
        return Check(True, f"PASS: the agent does not call {wanted} (verify_absence).", "")
    return Check(
        False,
        f"FAIL: the agent calls '{called.name}' although the test verifies its absence.",
        f"The agent has '{called.name}' attached, so it calls it, but the test requires it is not called.",
    )


def _missing_tool_check(reference: Mapping[str, Any], wanted: str) -> Check:
    where = "conversation_config.agent.prompt.tool_ids or built_in_tools"
    if reference:
        return Check(
            False,
            f"FAIL: {wanted} is not attached to the agent ({where}).",
            f"The agent cannot call {wanted} because it is not attached ({where}).",
        )
    return Check(
        False, "FAIL: the agent has no tools attached.", "The agent makes no tool call: no tools attached."
    )


def _presence_check(tool: AttachedTool) -> Check:
    return Check(True, f"PASS: the agent calls '{tool.name}' ({tool.type} tool, id {tool.id}).", "")


def _parameter_check(parameter: Mapping[str, Any], plan: PlannedCall) -> Check:
    path = str(parameter.get("path") or "")
    evaluation = mapping(parameter.get("eval"))
    found, value = plan.value_at(path)
    passed, reason = parameter_matches(evaluation, found, value)
    origin = plan.origins.get(path, "")
    label = f"parameter '{path}' ({evaluation.get('type')}): {reason}; value from {origin}."
    if passed:
        return Check(True, f"PASS: {label}", "")
    return Check(
        False, f"FAIL: {label}", f"The agent calls '{plan.tool.name}' but parameter '{path}' fails: {reason}."
    )


# --- simulation -------------------------------------------------------------------------------------------


def persona_lines(*texts: str) -> list[str]:
    """What the simulated user says: every quoted phrase, else the first sentence, else a greeting."""
    lines = [phrase for text in texts for phrase in quoted_phrases(text)]
    if not lines:
        lines = [sentence for sentence in (first_sentence(text) for text in texts) if sentence][:1]
    return lines or ["Hello."]


ToolCallPlan = tuple[PlannedCall, str, bool]
"""A mocked tool call: the planned call, the result text the agent sees, and whether it is an error."""


def _script(
    view: AgentView,
    transcript: TranscriptBuilder,
    user_lines: Sequence[str],
    plan_tool_call: Callable[[Sequence[Mapping[str, Any]]], ToolCallPlan | None],
) -> ToolCallPlan | None:
    """Scripted conversation; the (single) tool call follows the first user message. Returns that call."""
    if not transcript.turns and view.first_message:
        transcript.say("agent", view.first_message)
    made: ToolCallPlan | None = None
    for index, line in enumerate(user_lines):
        transcript.say("user", line)
        if index == 0:
            made = plan_tool_call(transcript.turns)
            if made is not None:
                transcript.call(*made)
        transcript.say("agent", view.reply_to(line))
    return made


def _simulation_mock(
    test: Mapping[str, Any],
    view: AgentView,
    tools: Mapping[str, Mapping[str, Any]],
    history: Sequence[Mapping[str, Any]],
) -> ToolCallPlan | None:
    """The first attached tool that ``tool_mock_config`` mocks, with the first matching mock's result."""
    config = mapping(test.get("tool_mock_config"))
    strategy = str(config.get("mocking_strategy") or "none")
    mocked_ids = {str(i) for i in sequence(config.get("mocked_tool_ids"))}
    for tool in view.attached_tools(tools):
        if strategy == "all" or (strategy == "selected" and tool.id in mocked_ids):
            plan = plan_call(tool, history, view.variables)
            overrides = sequence(mapping(test.get("tool_mock_overrides")).get(tool.id))
            stored = sequence(mapping(tools.get(tool.id)).get("response_mocks"))
            for mock in (mapping(m) for m in [*overrides, *stored]):
                conditions = [mapping(c) for c in sequence(mock.get("parameter_conditions"))]
                if all(
                    parameter_matches(mapping(c.get("eval")), *plan.value_at(str(c.get("path"))))[0]
                    for c in conditions
                ):
                    return plan, str(mock.get("mock_result") or ""), bool(mock.get("is_error"))
            if str(config.get("fallback_strategy") or "raise_error") == "call_real_tool":
                return plan, DEFAULT_MOCK_RESULT, False
            return plan, "No mock matched the tool call (fallback_strategy raise_error).", True
    return None


def _evaluate_simulation_test(
    test: Mapping[str, Any],
    view: AgentView,
    tools: Mapping[str, Mapping[str, Any]],
    history: list[Mapping[str, Any]],
) -> tuple[Verdict, list[dict[str, Any]]]:
    transcript = TranscriptBuilder(history, _seed(test))
    max_turns = int(test.get("simulation_max_turns") or 5)
    lines = persona_lines(str(test.get("simulation_scenario") or ""))[:max_turns]
    _script(view, transcript, lines, lambda turns: _simulation_mock(test, view, tools, turns))
    conditions = [str(c) for c in sequence(test.get("success_conditions"))]
    legacy = str(test.get("success_condition") or "")
    if legacy and legacy not in conditions:
        conditions.append(legacy)
    sources = [*view.behaviour_sources(), ("conversation", transcript.agent_side_text())]
    verdicts = [
        (f"success condition {i + 1}", evaluate_condition(c, sources, subject=f"success condition {i + 1}"))
        for i, c in enumerate(conditions)
    ]
    return merge_verdicts(verdicts), transcript.turns


def _simulated_user_lines(spec: Mapping[str, Any]) -> list[str]:
    """What the simulated user says: its first message and the phrases its prompt quotes, else its persona."""
    user_config = mapping(spec.get("simulated_user_config"))
    user_prompt = str(mapping(user_config.get("prompt")).get("prompt") or "")
    opening = [str(user_config["first_message"])] if user_config.get("first_message") else []
    quoted = quoted_phrases(user_prompt)
    return opening + quoted if (opening or quoted) else persona_lines(user_prompt)


def _default_mocks(
    view: AgentView, tools: Mapping[str, Mapping[str, Any]], mocks: Mapping[str, Any]
) -> Callable[[Sequence[Mapping[str, Any]]], ToolCallPlan | None]:
    """The first attached tool that ``tool_mock_config`` names, answered with its default return value."""

    def plan_tool_call(turns: Sequence[Mapping[str, Any]]) -> ToolCallPlan | None:
        for tool in view.attached_tools(tools):
            if tool.name in mocks:
                mock = mapping(mocks[tool.name])
                result = str(mock.get("default_return_value") or DEFAULT_MOCK_RESULT)
                return plan_call(tool, turns, view.variables), result, bool(mock.get("default_is_error"))
        return None

    return plan_tool_call


def _criteria_results(
    criteria: Sequence[Mapping[str, Any]], sources: list[TextSource]
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, Verdict]]]:
    """Each evaluation criterion judged on the conversation: results by criterion id, and the verdicts."""
    results: dict[str, dict[str, Any]] = {}
    verdicts: list[tuple[str, Verdict]] = []
    for criterion in criteria:
        criterion_id = str(criterion.get("id") or criterion.get("name") or f"criterion_{len(results) + 1}")
        subject = f"criterion '{criterion_id}'"
        goal = str(criterion.get("conversation_goal_prompt") or "")
        verdict = evaluate_condition(goal, sources, subject=subject)
        results[criterion_id] = {
            "criteria_id": criterion_id,
            "result": verdict.result,
            "rationale": verdict.summary,
        }
        verdicts.append((subject, verdict))
    return results, verdicts


def simulate_conversation(
    agent: Mapping[str, Any], tools: Mapping[str, Mapping[str, Any]], body: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``AgentSimulatedChatTestResponseModel`` for a simulate-conversation request body."""
    spec = mapping(body.get("simulation_specification"))
    view = AgentView.of(agent, mapping(spec.get("dynamic_variables")))
    history = [mapping(turn) for turn in sequence(spec.get("partial_conversation_history"))]
    transcript = TranscriptBuilder(history, "simulation")
    planner = _default_mocks(view, tools, mapping(spec.get("tool_mock_config")))
    tool_call = _script(view, transcript, _simulated_user_lines(spec), planner)
    limit = int(body.get("new_turns_limit") or 10000)
    del transcript.turns[len(history) + limit :]
    del transcript.new_turns[limit:]

    sources = [*view.behaviour_sources(), ("conversation", transcript.agent_side_text())]
    criteria = [
        *view.evaluation_criteria,
        *(mapping(c) for c in sequence(body.get("extra_evaluation_criteria"))),
    ]
    results, verdicts = _criteria_results(criteria, sources)
    user_turns = sum(1 for t in transcript.new_turns if t["role"] == "user")
    agent_turns = sum(1 for t in transcript.new_turns if t["role"] == "agent" and t.get("message"))
    summary = f"The simulated user sent {user_turns} message(s) and the agent replied {agent_turns} time(s)"
    summary += f", calling '{tool_call[0].tool.name}'." if tool_call else "."
    return {
        "simulated_conversation": transcript.turns,
        "analysis": {
            "evaluation_criteria_results": results,
            "evaluation_criteria_results_list": list(results.values()),
            "data_collection_results": {},
            "data_collection_results_list": [],
            "call_successful": merge_verdicts(verdicts).result if verdicts else "unknown",
            "transcript_summary": summary,
        },
    }
