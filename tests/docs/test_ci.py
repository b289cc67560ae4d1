"""CI integration files: the pre-commit hook definition and the GitHub Actions example in docs/ci.md only use
commands and options that exist."""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml

from tests.support import REPO_ROOT
from tests.support.cli import agents_invocations, check_invocation


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = hooks
    assert hook["id"] == "agents-validate"
    assert hook["entry"] == "agents validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert check_invocation(shlex.split(hook["entry"])) == ["agents", "validate"]
    files = re.compile(hook["files"])
    for path in ("agents.json", "agents/support-bot.yaml", "tools/lookup.json", "infra/tests/greets.yml"):
        assert files.search(path), path
    for path in ("README.md", "agents/notes.txt", "state/prod.json", "src/agents.py"):
        assert not files.search(path), path


def _workflow_blocks() -> list[Any]:
    text = (REPO_ROOT / "docs" / "ci.md").read_text()
    return [yaml.safe_load(block) for block in re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.S | re.M)]


def test_github_workflow_uses_only_real_commands_and_covers_the_pipeline() -> None:
    workflow, _reviewed, pre_commit_config = _workflow_blocks()
    jobs = workflow["jobs"]
    assert set(jobs) == {"validate", "plan", "sync"}
    # `on:` is YAML 1.1's boolean true for PyYAML.
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"pull_request", "push"}
    invoked: list[list[str]] = []
    for job in jobs.values():
        for step in job["steps"]:
            for tokens in agents_invocations(step.get("run", "")):
                check_invocation(tokens)
                invoked.append(tokens)
    commands = [" ".join(tokens) for tokens in invoked]
    assert "agents validate --strict" in commands
    assert "agents plan --env prod --detailed-exitcode --format markdown" in commands
    assert "agents plan --env prod --json" in commands
    assert "agents sync --env prod --yes" in commands
    assert any(c.startswith("agents test --env prod --against deployed --junit") for c in commands)
    assert "pull_request" in jobs["plan"]["if"] and "refs/heads/main" in jobs["sync"]["if"]
    uploads = [
        s
        for job in jobs.values()
        for s in job["steps"]
        if str(s.get("uses", "")).startswith("actions/upload")
    ]
    assert any("reports/" in s["with"]["path"] for s in uploads) and any(
        "plan.json" in s["with"]["path"] for s in uploads
    )
    assert pre_commit_config["repos"][0]["hooks"][0]["id"] == "agents-validate"


def test_invocation_checker_rejects_made_up_flags() -> None:
    for bad in (["agents", "sync", "--all"], ["agents", "auth", "signin"], ["agents", "auth"]):
        try:
            check_invocation(bad)
        except AssertionError:
            continue
        raise AssertionError(f"{bad} was accepted")
    assert check_invocation(["agents", "-C", "x", "auth", "whoami", "--env", "dev", "--json"]) == [
        "agents",
        "auth",
        "whoami",
    ]


def test_reviewed_plan_workflow_plans_to_a_file_and_applies_exactly_it() -> None:
    _workflow, reviewed, _pre_commit = _workflow_blocks()
    jobs = reviewed["jobs"]
    assert set(jobs) == {"plan", "apply"} and "merged" in jobs["apply"]["if"]
    commands = []
    for job in jobs.values():
        for step in job["steps"]:
            for tokens in agents_invocations(step.get("run", "")):
                check_invocation(tokens)
                commands.append(" ".join(tokens))
    assert "agents plan --env prod --format markdown --out plan.json" in commands
    assert "agents sync plan.json" in commands
