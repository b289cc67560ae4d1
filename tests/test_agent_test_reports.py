"""Report files and scenario mapping, on result data built directly (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from agents_cli.bundled import schemas_dir
from agents_cli.errors import ConfigError
from agents_cli.testing.model import CaseResult, RunReport, Turn
from agents_cli.testing.reports import report_json, write_json, write_junit
from agents_cli.testing.scenarios import judge_simulation, parse_scenario, simulation_body


def _result(agent: str, name: str, status: str, **extra: object) -> CaseResult:
    return CaseResult(
        agent=agent,
        name=name,
        kind="test",
        type="llm",
        repetition=int(extra.pop("repetition", 1)),  # type: ignore[call-overload]
        repeat=int(extra.pop("repeat", 1)),  # type: ignore[call-overload]
        status=status,  # type: ignore[arg-type]
        duration_s=1.25,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def report() -> RunReport:
    failing = _result(
        "support-bot",
        "no-refund-promises",
        "failed",
        rationale_summary="The agent's response contains 'refund', which the condition forbids.",
        rationale_messages=["forbidden phrase 'refund' found"],
        transcript=[Turn("user", "Can I get my money back?"), Turn("agent", "Sure, a refund is on its way.")],
        relevant_turns=[0, 1],
    )
    return RunReport(
        environment="local",
        against="local",
        started_at="2026-01-01T00:00:00Z",
        duration_s=2.5,
        timeout_s=30,
        results=[
            _result("support-bot", "greets-user", "passed", repetition=1, repeat=2),
            _result("support-bot", "greets-user", "passed", repetition=2, repeat=2),
            failing,
            _result("sales-bot", "slow", "timed_out", rationale_summary="still pending after the 1s timeout"),
            _result("sales-bot", "vague", "unknown", rationale_summary="the evaluation was inconclusive"),
        ],
    )


def test_junit_has_one_suite_per_agent_with_counts_and_failure_messages(
    report: RunReport, tmp_path: Path
) -> None:
    path = tmp_path / "out" / "junit.xml"
    write_junit(report, path)
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"support-bot", "sales-bot"}
    support = suites["support-bot"]
    assert (support.tests, support.failures, support.errors) == (3, 1, 0)
    names = [case.name for case in support]
    assert names == ["greets-user [1/2]", "greets-user [2/2]", "no-refund-promises"]
    failed = next(case for case in support if case.name == "no-refund-promises")
    failure = failed.result[0]
    assert isinstance(failure, Failure)
    assert failure.message == "The agent's response contains 'refund', which the condition forbids."
    assert "agent: Sure, a refund is on its way." in (failure.text or "")
    sales = suites["sales-bot"]
    assert (sales.tests, sales.failures, sales.errors) == (2, 1, 1)
    kinds = {case.name: type(case.result[0]) for case in sales}
    assert kinds == {"slow": Error, "vague": Failure}
    assert xml.tests == 5


def test_json_report_validates_against_published_schema(report: RunReport, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_json(report, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads((schemas_dir() / "test-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["summary"] == {"total": 5, "passed": 2, "failed": 1, "unknown": 1, "timed_out": 1, "error": 0}
    assert data["results"][2]["rationale"]["summary"].startswith("The agent's response contains 'refund'")
    broken = report_json(report)
    broken["results"][0]["status"] = "flaky"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_report_to_unwritable_path_is_a_config_error(report: RunReport, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot write report"):
        write_json(report, blocker / "report.json")


SCENARIO = {
    "agents": ["support-bot"],
    "persona": "You are an impatient customer whose order #123 is late.",
    "first_message": "Where is my order?",
    "language": "en",
    "dynamic_variables": {"customer_name": "Ada"},
    "partial_history": [{"role": "user", "message": "Hello"}],
    "tool_mocks": {"Lookup Order": {"default_return_value": '{"status": "shipped"}'}},
    "evaluation_criteria": [
        {"id": "mentions_status", "conversation_goal_prompt": "The agent says 'shipped'."}
    ],
    "turn_limit": 6,
}


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
