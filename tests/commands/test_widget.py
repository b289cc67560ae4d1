"""``agents widget``: the embed snippet of a deployed agent, its server location by residency or base URL, and
errors that name the next step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.commands.widget import server_location, snippet
from agents_cli.project.manifest import Environment
from tests.support.cli import run_cli
from tests.support.samples import offline_project


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return offline_project(tmp_path / "proj")


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (Environment("g"), None),
        (Environment("g", residency="global"), None),
        (Environment("u", residency="us"), "us"),
        (Environment("e", residency="eu-residency"), "eu-residency"),
        (Environment("i", residency="in-residency"), "in-residency"),
        (Environment("s", residency="sg-residency"), "sg-residency"),
        (Environment("b", base_url="https://api.eu.residency.elevenlabs.io/"), "eu-residency"),
        (Environment("p", base_url="http://127.0.0.1:9999"), None),
    ],
)
def test_widget_server_location(environment: Environment, expected: str | None) -> None:
    assert server_location(environment) == expected


def test_widget_snippet_exact_text(project: Path) -> None:
    assert run_cli(["widget", "support-bot", "--env", "dev"], cwd=project).stdout.strip() == (
        '<elevenlabs-convai agent-id="agent_dev_1"></elevenlabs-convai>'
        '<script src="https://unpkg.com/@elevenlabs/convai-widget-embed" async type="text/javascript">'
        "</script>"
    )
    eu = json.loads(run_cli(["widget", "support-bot", "--env", "eu", "--json"], cwd=project).stdout)
    assert eu["server_location"] == "eu-residency"
    assert eu["html"].startswith('<elevenlabs-convai agent-id="agent_eu_1" server-location="eu-residency">')
    assert snippet('a"b', None).startswith('<elevenlabs-convai agent-id="a&quot;b">')


def test_widget_errors_name_the_next_step(project: Path) -> None:
    not_synced = run_cli(["widget", "support-bot", "--env", "prod"], cwd=project, expect=1)
    assert "no remote id in environment 'prod'" in not_synced.stderr
    assert "agents sync --env prod" in not_synced.stderr
    assert "no agent named 'nope'" in run_cli(["widget", "nope"], cwd=project, expect=1).stderr
    assert (
        "unknown environment 'qa'"
        in run_cli(["widget", "support-bot", "--env", "qa"], cwd=project, expect=1).stderr
    )
