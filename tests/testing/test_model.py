"""Test results (``agents_cli/testing/model.py``): rationales name local resources instead of their remote ids
(quoted ids only, request paths kept)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import init_project, run_cli
from tests.support.project import attach_tests


def test_failure_rationale_names_the_local_tool_not_its_remote_id(tmp_path: Path) -> None:
    root = init_project(tmp_path)
    run_cli(["add", "tool", "lookup-order", "--template", "webhook"], cwd=root)
    run_cli(["add", "test", "finds order", "--template", "tool"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "finds-order")
    report_file = root / "report.json"
    failed = run_cli(["test", "support", "--json", str(report_file)], cwd=root, expect=1)
    assert "tool 'lookup-order' is not attached" in failed.stdout
    assert "tool_ids or" in failed.stdout and "tool 'tool_" not in failed.stdout
    [result] = json.loads(report_file.read_text(encoding="utf-8"))["results"]
    assert "'lookup-order'" in result["rationale"]["summary"]


def test_rationale_keeps_request_paths_but_names_quoted_ids() -> None:
    from agents_cli.testing.model import CaseResult, name_remote_ids

    result = CaseResult(
        agent="bot",
        name="t",
        kind="test",
        type="tool",
        repetition=1,
        repeat=1,
        status="failed",
        duration_s=0.1,
        rationale_summary="POST /v1/convai/agents/agent_1/run-tests: tool 'tool_2' is not attached",
        rationale_messages=["FAIL: tool 'tool_2' (not 'tool_22')"],
    )
    name_remote_ids([result], {"agent_1": "bot", "tool_2": "lookup-order"})
    assert (
        result.rationale_summary
        == "POST /v1/convai/agents/agent_1/run-tests: tool 'lookup-order' is not attached"
    )
    assert result.rationale_messages == ["FAIL: tool 'lookup-order' (not 'tool_22')"]
