"""Everyday commands that need no remote: list (local), widget, delete of never-deployed resources,
confirmation rules, shell completion, and the colour conventions (NO_COLOR, no colour off a TTY)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.commands.widget import server_location, snippet
from agents_cli.project.manifest import Environment
from tests.support.cli import on_a_terminal, run_cli
from tests.support.project import write_project
from tests.support.samples import offline_project

NO_COLOR = {"NO_COLOR": "1"}


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return offline_project(tmp_path / "proj")


def test_list_local_json_and_table(project: Path) -> None:
    data = json.loads(run_cli(["list", "--json"], cwd=project).stdout)
    assert data["environment"] == "dev"
    assert [(r["kind"], r["name"], r["file"], r["remote_id"]) for r in data["resources"]] == [
        ("tool", "lookup", "tools/lookup.yaml", None),
        ("test", "greets", "tests/greets.yaml", None),
        ("agent", "support-bot", "agents/support-bot.yaml", "agent_dev_1"),
    ]
    only_agents = json.loads(
        run_cli(["list", "--env", "eu", "--kind", "agent", "--json"], cwd=project).stdout
    )
    assert [r["remote_id"] for r in only_agents["resources"]] == ["agent_eu_1"]
    table = run_cli(["list"], cwd=project).stdout
    assert "REMOTE ID (dev)" in table and "agent_dev_1" in table and "\x1b[" not in table


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


def test_delete_off_a_tty_without_yes_is_refused(project: Path) -> None:
    result = run_cli(["delete", "lookup", "--env", "prod"], cwd=project, expect=1)
    assert "needs confirmation and stdin is not a terminal" in result.stderr
    assert "hint: use --yes" in result.stderr
    assert (project / "tools" / "lookup.yaml").exists()
    assert "lookup" in json.loads((project / "agents.json").read_text())["tools"]


def test_delete_never_deployed_removes_manifest_entry_and_file(project: Path) -> None:
    result = run_cli(["delete", "lookup", "--env", "prod", "--yes", "--json"], cwd=project)
    outcome = json.loads(result.stdout)
    assert outcome == {
        "kind": "tool",
        "name": "lookup",
        "environment": "prod",
        "remote_id": None,
        "remote_deleted": False,
        "local_removed": True,
        "files_removed": ["tools/lookup.yaml"],
        "kept_locally_because": None,
    }
    manifest = json.loads((project / "agents.json").read_text())
    assert manifest["tools"] == {} and list(manifest["agents"]) == ["support-bot"]
    assert not (project / "tools" / "lookup.yaml").exists()
    # The agent still says @tool:lookup: the user is told before anything is deleted.
    assert "agents/support-bot.yaml references @tool:lookup" in result.stderr


def test_delete_keeps_local_files_while_another_environment_has_it(project: Path) -> None:
    result = run_cli(["delete", "support-bot", "--env", "prod", "--yes", "--json"], cwd=project)
    outcome = json.loads(result.stdout)
    assert outcome["local_removed"] is False
    assert outcome["kept_locally_because"] == "still deployed in dev, eu"
    assert (project / "agents" / "support-bot.yaml").exists()
    assert "kept agent 'support-bot' locally" in result.stderr


def test_delete_unknown_or_ambiguous_names(project: Path, tmp_path: Path) -> None:
    assert "no resource named 'ghost'" in run_cli(["delete", "ghost", "--yes"], cwd=project, expect=1).stderr
    both = write_project(tmp_path / "two", agents={"x": "name: x\n"}, tools={"x": "name: x\n"})
    ambiguous = run_cli(["delete", "x", "--yes"], cwd=both, expect=1)
    assert "names several resources (tool, agent)" in ambiguous.stderr and "--kind" in ambiguous.stderr
    run_cli(["delete", "x", "--kind", "tool", "--yes"], cwd=both)
    assert list(json.loads((both / "agents.json").read_text())["agents"]) == ["x"]


def test_delete_asks_on_a_terminal(project: Path) -> None:
    code, declined = on_a_terminal(["delete", "lookup", "--env", "prod"], project, env=NO_COLOR, answer="n")
    assert code == 1 and "Delete tool 'lookup'? [y/N]" in declined and "nothing deleted" in declined
    assert (project / "tools" / "lookup.yaml").exists()
    code, accepted = on_a_terminal(["delete", "lookup", "--env", "prod"], project, env=NO_COLOR, answer="y")
    assert code == 0 and "removed tool 'lookup' from agents.json and deleted tools/lookup.yaml" in accepted
    assert not (project / "tools" / "lookup.yaml").exists()
