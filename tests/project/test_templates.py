"""The bundled templates (``templates/``, ``agents_cli/project/templates.py``) do what they say on the local
emulator: the simulation test template passes for an agent that fits it and fails on purpose otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import init_project, run_cli
from tests.support.project import attach_tests


def test_simulation_template_passes_or_fails_on_purpose_on_the_local_emulator(tmp_path: Path) -> None:
    # Before: its success conditions were checkable by nothing, so every agent got 'unknown' (exit 1).
    root = init_project(tmp_path)
    run_cli(["add", "test", "delivery", "--template", "simulation"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    run_cli(["add", "agent", "plain", "--template", "default"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "delivery")
    attach_tests(root / "agents" / "plain.yaml", "delivery")
    run_cli(["validate"], cwd=root)

    passing = run_cli(["test", "support"], cwd=root)
    assert "1 passed of 1 run(s)" in passing.stdout
    failing = run_cli(["test", "plain"], cwd=root, expect=1)
    assert "'order number'" in failing.stdout
    assert "unknown" not in failing.stdout
