"""What ``agents test`` runs (``agents_cli/testing/selection.py``), on real project folders (offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents_cli.errors import ConfigError, UsageError
from agents_cli.project.manifest import load_project
from agents_cli.testing.selection import select
from tests.support.cli import run_cli
from tests.support.project import write_project

TESTS = ("greets", "polite")


def _write_project(root: Path, *, attached: list[str], scenarios: dict[str, Any] | None = None) -> Path:
    attached_yaml = "".join(f'      - test_id: "@test:{name}"\n' for name in attached)
    bot = (
        "name: Bot\nconversation_config:\n  agent:\n    first_message: Hi\nplatform_settings:\n  testing:\n"
        + ("    attached_tests:\n" + attached_yaml if attached else "    attached_tests: []\n")
    )
    return write_project(
        root,
        environments={"local": {"emulator": True}},
        default_environment="local",
        agents={"bot": bot, "other": "name: Other\nconversation_config: {}\n"},
        tests={
            name: f"type: llm\nname: {name}\nsuccess_condition: The agent says 'hi'.\n"
            for name in ("greets", "polite")
        },
        scenarios=scenarios or None,
    )


def test_attached_tests_and_scenarios_are_selected_per_agent(tmp_path: Path) -> None:
    scenario = {"agents": ["other"], "persona": "You say 'hello'.", "turn_limit": 2}
    project = load_project(
        _write_project(tmp_path, attached=["greets", "polite"], scenarios={"chat": scenario})
    )
    selection = select(project, "local", [], [])
    assert [(a.name, a.tests, [s.name for s in a.scenarios]) for a in selection.agents] == [
        ("bot", ["greets", "polite"], []),
        ("other", [], ["chat"]),
    ]
    assert selection.test_configs["greets"]["type"] == "llm"
    only = select(project, "local", [], ["polite"])
    assert [(a.name, a.tests) for a in only.agents] == [("bot", ["polite"])]


def test_empty_selection_is_an_error_naming_how_to_attach(tmp_path: Path) -> None:
    project = load_project(_write_project(tmp_path, attached=[]))
    with pytest.raises(UsageError) as caught:
        select(project, "local", [], [])
    assert "no tests or scenarios selected" in caught.value.message
    assert caught.value.hint is not None and "attached_tests" in caught.value.hint


def test_unknown_agent_and_test_names_list_the_known_ones(tmp_path: Path) -> None:
    project = load_project(_write_project(tmp_path, attached=["greets"]))
    with pytest.raises(UsageError, match=r"no agent named 'nope' in agents.json") as unknown_agent:
        select(project, "local", ["nope"], [])
    assert unknown_agent.value.hint == "declared: bot, other"
    # Only the agents that have tests are named (other has none).
    with pytest.raises(
        UsageError, match=r"no test or scenario named 'polite' attached to bot$"
    ) as unknown_test:
        select(project, "local", [], ["polite"])
    assert unknown_test.value.hint == "attached to bot: greets"


def test_scenario_naming_an_undeclared_agent_is_a_config_error(tmp_path: Path) -> None:
    scenario = {"agents": ["ghost"], "persona": "x"}
    project = load_project(_write_project(tmp_path, attached=["greets"], scenarios={"chat": scenario}))
    with pytest.raises(ConfigError, match="undeclared agent"):
        select(project, "local", [], [])


def test_validate_reports_scenario_typos_and_unknown_agents_at_their_line(tmp_path: Path) -> None:
    root = _write_project(
        tmp_path, attached=["greets"], scenarios={"chat": {"agents": ["bot"], "persona": "x"}}
    )
    (root / "scenarios" / "chat.json").write_text(
        '{\n  "agents": ["bott"],\n  "persona": "x",\n  "turn_limt": 3\n}\n', encoding="utf-8"
    )
    result = run_cli(["validate"], cwd=root, expect=1)
    assert "scenarios/chat.json:2:14: agents[0]: unknown agent 'bott'" in result.stdout
    assert (
        "scenarios/chat.json:4:3: turn_limt: unknown key 'turn_limt' (did you mean 'turn_limit'?)"
        in result.stdout
    )
