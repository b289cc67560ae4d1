"""Report files: JUnit XML (one testsuite per agent, one testcase per run) and JSON (test-report.schema.json).

Failed and inconclusive runs are JUnit ``<failure>``s; timed-out runs and runs the API refused are
``<error>``s.
The failure message is the rationale summary, so CI shows why without opening the file.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from agents_cli.project.loader import write_atomic
from agents_cli.testing.errors import ReportNotWritten
from agents_cli.testing.model import CaseResult, RunReport

REPORT_VERSION = 1
_FAILURE_STATUSES = {"failed", "unknown"}
_ERROR_STATUSES = {"timed_out", "error"}


def report_json(report: RunReport) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "environment": report.environment,
        "against": report.against,
        "started_at": report.started_at,
        "duration_s": round(report.duration_s, 3),
        "timeout_s": report.timeout_s,
        "summary": report.counts(),
        "passed": report.all_passed,
        "min_pass_rate": report.min_pass_rate,
        "pass_rates": [rate.to_json() for rate in report.pass_rates()],
        "comparison": [row.to_json() for row in report.comparison],
        "results": [_result_json(result) for result in report.results],
    }


def _result_json(result: CaseResult) -> dict[str, Any]:
    return {
        "agent": result.agent,
        "name": result.name,
        "kind": result.kind,
        "type": result.type,
        "repetition": result.repetition,
        "repeat": result.repeat,
        "status": result.status,
        "duration_s": round(result.duration_s, 3),
        "test_id": result.remote_id,
        "invocation_id": result.invocation_id,
        "rationale": {"summary": result.rationale_summary, "messages": list(result.rationale_messages)},
        "transcript": [turn.to_json() for turn in result.transcript],
    }


def _failure_text(result: CaseResult) -> str:
    lines = [f"status: {result.status}", f"rationale: {result.rationale_summary}"]
    lines += [f"  - {message}" for message in result.rationale_messages]
    if result.transcript:
        lines.append("transcript:")
        for turn in result.transcript:
            calls = f" [tool calls: {', '.join(turn.tool_calls)}]" if turn.tool_calls else ""
            lines.append(f"  {turn.role}: {turn.message}{calls}")
    return "\n".join(lines)


def _suite_properties(properties: ET.Element[str], report: RunReport, agent: str) -> None:
    """The environment, and each test's pass rate: ``pass_rate.NAME = "3/5 (needs 0.6: passed)"``."""
    ET.SubElement(properties, "property", name="environment", value=report.environment)
    for rate in report.pass_rates():
        if rate.agent == agent:
            verdict = "passed" if rate.ok else "failed"
            shown = f"{rate.passes}/{rate.runs} (needs {rate.min_pass_rate:g}: {verdict})"
            ET.SubElement(properties, "property", name=f"pass_rate.{rate.name}", value=shown)


def junit_tree(report: RunReport) -> ET.ElementTree[ET.Element[str]]:
    suites = ET.Element("testsuites", name="agents test")
    by_agent: dict[str, list[CaseResult]] = {}
    for result in report.results:
        by_agent.setdefault(result.agent, []).append(result)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for agent, results in by_agent.items():
        failures = sum(1 for r in results if r.status in _FAILURE_STATUSES)
        errors = sum(1 for r in results if r.status in _ERROR_STATUSES)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=agent,
            tests=str(len(results)),
            failures=str(failures),
            errors=str(errors),
            skipped="0",
            time=f"{max((r.duration_s for r in results), default=0.0):.3f}",
        )
        _suite_properties(ET.SubElement(suite, "properties"), report, agent)
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{agent}.{result.kind}s",
                name=result.display_name,
                time=f"{result.duration_s:.3f}",
            )
            if result.status in _FAILURE_STATUSES or result.status in _ERROR_STATUSES:
                tag = "failure" if result.status in _FAILURE_STATUSES else "error"
                element = ET.SubElement(case, tag, message=result.rationale_summary, type=result.status)
                element.text = _failure_text(result)
        totals["tests"] += len(results)
        totals["failures"] += failures
        totals["errors"] += errors
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("time", f"{report.duration_s:.3f}")
    return ET.ElementTree(suites)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a report file atomically; ``ReportNotWritten`` says why it could not be."""
    _write_atomically(path, data)


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise ReportNotWritten(str(path), str(exc.strerror or exc)) from exc


def junit_text(report: RunReport) -> str:
    tree = junit_tree(report)
    ET.indent(tree)
    # Serialised as UTF-8 bytes so the declaration says utf-8 whatever the locale; written as UTF-8 too.
    serialised: bytes = ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
    return serialised.decode("utf-8") + "\n"


def json_text(report: RunReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"


def write_junit(report: RunReport, path: Path) -> None:
    _write_atomically(path, junit_text(report).encode("utf-8"))


def write_json(report: RunReport, path: Path) -> None:
    _write_atomically(path, json_text(report).encode("utf-8"))
