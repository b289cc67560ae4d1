"""Everyday commands that need no remote: list (local), widget, delete of never-deployed resources,
confirmation rules, shell completion, and the colour conventions (NO_COLOR, no colour off a TTY)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from agents_cli.commands.widget import server_location, snippet
from agents_cli.project.manifest import Environment
from tests.support.project import Cli, isolated_home, memory_keyring, write_project

__all__ = ["isolated_home", "memory_keyring"]

REPO_ROOT = Path(__file__).resolve().parent.parent
AGENT_YAML = (
    "name: Support Bot\nconversation_config:\n  agent:\n    prompt:\n      tool_ids: ['@tool:lookup']\n"
)
ENVIRONMENTS = {
    "local": {"emulator": True},
    "dev": {"api_key_env": "ELEVENLABS_API_KEY_DEV"},
    "eu": {"residency": "eu-residency"},
    "prod": {"base_url": "https://api.in.residency.elevenlabs.io/"},
}


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return write_project(
        tmp_path / "proj",
        environments=ENVIRONMENTS,
        agents={"support-bot": AGENT_YAML},
        tools={"lookup": "type: webhook\nname: lookup\n"},
        tests={"greets": "type: llm\nname: greets\n"},
        state={
            "dev": {"agents": {"support-bot": "agent_dev_1"}},
            "eu": {"agents": {"support-bot": "agent_eu_1"}},
        },
    )


def test_list_local_json_and_table(project: Path) -> None:
    cli = Cli(project)
    data = json.loads(cli.ok("list", "--json").stdout)
    assert data["environment"] == "dev"
    assert [(r["kind"], r["name"], r["file"], r["remote_id"]) for r in data["resources"]] == [
        ("tool", "lookup", "tools/lookup.yaml", None),
        ("test", "greets", "tests/greets.yaml", None),
        ("agent", "support-bot", "agents/support-bot.yaml", "agent_dev_1"),
    ]
    only_agents = json.loads(cli.ok("list", "--env", "eu", "--kind", "agent", "--json").stdout)
    assert [r["remote_id"] for r in only_agents["resources"]] == ["agent_eu_1"]
    table = cli.ok("list").stdout
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
    cli = Cli(project)
    assert cli.ok("widget", "support-bot", "--env", "dev").stdout.strip() == (
        '<elevenlabs-convai agent-id="agent_dev_1"></elevenlabs-convai>'
        '<script src="https://unpkg.com/@elevenlabs/convai-widget-embed" async type="text/javascript">'
        "</script>"
    )
    eu = json.loads(cli.ok("widget", "support-bot", "--env", "eu", "--json").stdout)
    assert eu["server_location"] == "eu-residency"
    assert eu["html"].startswith('<elevenlabs-convai agent-id="agent_eu_1" server-location="eu-residency">')
    assert snippet('a"b', None).startswith('<elevenlabs-convai agent-id="a&quot;b">')


def test_widget_errors_name_the_next_step(project: Path) -> None:
    cli = Cli(project)
    not_synced = cli.fails("widget", "support-bot", "--env", "prod")
    assert "no remote id in environment 'prod'" in not_synced.stderr
    assert "agents sync --env prod" in not_synced.stderr
    assert "no agent named 'nope'" in cli.fails("widget", "nope").stderr
    assert "unknown environment 'qa'" in cli.fails("widget", "support-bot", "--env", "qa").stderr


def test_delete_off_a_tty_without_yes_is_refused(project: Path) -> None:
    result = Cli(project).fails("delete", "lookup", "--env", "prod")
    assert "needs confirmation and stdin is not a terminal" in result.stderr
    assert "hint: use --yes" in result.stderr
    assert (project / "tools" / "lookup.yaml").exists()
    assert "lookup" in json.loads((project / "agents.json").read_text())["tools"]


def test_delete_never_deployed_removes_manifest_entry_and_file(project: Path) -> None:
    result = Cli(project).ok("delete", "lookup", "--env", "prod", "--yes", "--json")
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
    result = Cli(project).ok("delete", "support-bot", "--env", "prod", "--yes", "--json")
    outcome = json.loads(result.stdout)
    assert outcome["local_removed"] is False
    assert outcome["kept_locally_because"] == "still deployed in dev, eu"
    assert (project / "agents" / "support-bot.yaml").exists()
    assert "kept agent 'support-bot' locally" in result.stderr


def test_delete_unknown_or_ambiguous_names(project: Path, tmp_path: Path) -> None:
    cli = Cli(project)
    assert "no resource named 'ghost'" in cli.fails("delete", "ghost", "--yes").stderr
    both = write_project(tmp_path / "two", agents={"x": "name: x\n"}, tools={"x": "name: x\n"})
    ambiguous = Cli(both).fails("delete", "x", "--yes")
    assert "names several resources (tool, agent)" in ambiguous.stderr and "--kind" in ambiguous.stderr
    Cli(both).ok("delete", "x", "--kind", "tool", "--yes")
    assert list(json.loads((both / "agents.json").read_text())["agents"]) == ["x"]


def test_bash_completion_script_and_completions(project: Path) -> None:
    cli = Cli(project)
    script = cli.runner.invoke(cli_app(), ["--show-completion", "bash"], prog_name="agents")
    assert script.exit_code == 0
    assert "_AGENTS_COMPLETE=complete_bash" in script.stdout
    assert "complete -o default -F _agents_completion agents" in script.stdout
    completions = cli.runner.invoke(
        cli_app(),
        [],
        prog_name="agents",
        env={"_AGENTS_COMPLETE": "complete_bash", "COMP_WORDS": "agents au", "COMP_CWORD": "1"},
    )
    assert completions.stdout.split() == ["auth"]
    options = cli.runner.invoke(
        cli_app(),
        [],
        prog_name="agents",
        env={"_AGENTS_COMPLETE": "complete_bash", "COMP_WORDS": "agents delete x --ke", "COMP_CWORD": "3"},
    )
    assert options.stdout.split() == ["--keep-local"]


def cli_app() -> object:
    from agents_cli.cli.main import app

    return app


def _run_on_a_tty(args: list[str], cwd: Path, extra_env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; returns (exit code, everything written)."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"PYTHONPATH": str(REPO_ROOT), "COLUMNS": "200", "TERM": "xterm-256color", **extra_env})
    process = subprocess.Popen(
        [sys.executable, "-m", "agents_cli", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO once the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_tty_and_never_with_no_color(project: Path) -> None:
    code, coloured = _run_on_a_tty(["widget", "nope"], project, {})
    assert code == 1 and "\x1b[" in coloured and "no agent named 'nope'" in coloured
    code, plain = _run_on_a_tty(["widget", "nope"], project, {"NO_COLOR": "1"})
    assert code == 1 and "\x1b[" not in plain and "error: no agent named 'nope'" in plain
    code, flag = _run_on_a_tty(["--no-color", "list"], project, {})
    assert code == 0 and "\x1b[" not in flag and "support-bot" in flag


def _answer_on_a_tty(args: list[str], cwd: Path, answer: str) -> tuple[int, str]:
    """Run the CLI with stdin, stdout and stderr on one pseudo-terminal and type ``answer`` at the prompt."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "agents_cli", *args],
        cwd=cwd,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks: list[bytes] = []
    answered = False
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
        if not answered and b"[y/N]" in b"".join(chunks):
            os.write(leader, answer.encode() + b"\n")
            answered = True
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_delete_asks_on_a_terminal(project: Path) -> None:
    code, declined = _answer_on_a_tty(["delete", "lookup", "--env", "prod"], project, "n")
    assert code == 1 and "Delete tool 'lookup'? [y/N]" in declined and "nothing deleted" in declined
    assert (project / "tools" / "lookup.yaml").exists()
    code, accepted = _answer_on_a_tty(["delete", "lookup", "--env", "prod"], project, "y")
    assert code == 0 and "removed tool 'lookup' from agents.json and deleted tools/lookup.yaml" in accepted
    assert not (project / "tools" / "lookup.yaml").exists()
