"""Report files (``agents_cli/testing/reports.py``): JUnit and JSON on result data built directly (no server
needed), and through ``agents test``: ``-`` for stdout (one of them only), the mode any new file gets, an
error document when nothing ran."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from agents_cli.bundled import schemas_dir
from agents_cli.errors import ConfigError
from agents_cli.testing.model import CaseResult, RunReport, Turn
from agents_cli.testing.reports import report_json, write_json, write_junit
from tests.support.cli import init_project, run_cli
from tests.support.project import attach_tests


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


def test_agent_test_reports_to_stdout_with_a_dash(tmp_path: Path) -> None:
    # Before: '--json -' wrote a file named '-' (mode 0600) and the table went to stdout.
    root = init_project(tmp_path)
    run_cli(["add", "test", "delivery", "--template", "simulation"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "delivery")
    as_json = run_cli(["test", "--json", "-"], cwd=root)
    assert json.loads(as_json.stdout)["summary"]["passed"] == 1
    assert "1 passed of 1 run(s)" in as_json.stderr
    assert not (root / "-").exists()
    as_junit = run_cli(["test", "--junit", "-"], cwd=root)
    assert as_junit.stdout.startswith("<?xml") and 'tests="1"' in as_junit.stdout
    both = run_cli(["test", "--junit", "-", "--json", "-"], cwd=root, expect=1)
    assert "cannot both write to stdout" in both.stderr
    report = root / "reports" / "tests.json"
    run_cli(["test", "--json", str(report)], cwd=root)
    umask = os.umask(0)
    os.umask(umask)
    assert report.stat().st_mode & 0o777 == 0o666 & ~umask  # the mode any new file gets, not mkstemp's 0600


def test_test_json_report_on_stdout_is_an_error_document_when_nothing_ran(tmp_path: Path) -> None:
    run_cli(["init", str(tmp_path)], cwd=tmp_path)
    run_cli(["add", "agent", "Bot"], cwd=tmp_path)
    failed = run_cli(["test", "bot", "--json", "-"], cwd=tmp_path, expect=1)
    assert json.loads(failed.stdout)["error"]["message"].startswith("no tests or scenarios selected for bot")
