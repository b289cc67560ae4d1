"""``pull.official``: reading the official CLI's registries and configs (1.x and 0.x spellings), ids turned
into references, and what cannot be mapped listed rather than guessed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents_cli.pull.errors import NotAnOfficialProject
from agents_cli.pull.official import read_official
from tests.support.cli import run_cli


def write(root: Path, files: dict[str, Any]) -> Path:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data))
    return root


def test_ids_become_references_and_unknown_ids_are_listed(tmp_path: Path) -> None:
    agent = {
        "name": "Bot",
        "conversation_config": {"agent": {"prompt": {"tool_ids": ["tool_1", "tool_gone"]}}},
    }
    root = write(
        tmp_path,
        {
            "agents.json": {
                "agents": [{"config": "agent_configs/Bot.json", "id": "agent_1"}, {"id": "agent_2"}]
            },
            "tools.json": {"tools": [{"type": "client", "config": "tool_configs/show.json", "id": "tool_1"}]},
            "agent_configs/Bot.json": agent,
            "tool_configs/show.json": {"name": "show", "description": "d"},
        },
    )
    project = read_official(root)
    assert project.registries == ("tools.json", "agents.json")
    tool, bot = project.resources
    assert (tool.name, tool.config["type"], tool.remote_id) == (
        "show",
        "client",
        "tool_1",
    )  # type from tools.json
    assert bot.name == "bot"
    assert bot.config["conversation_config"]["agent"]["prompt"]["tool_ids"] == ["@tool:show", "tool_gone"]
    assert [(u.source, u.where, u.reason, u.value) for u in project.unmapped] == [
        ("agents.json", "agents[1]", "no_config", ""),
        ("agent_configs/Bot.json", "conversation_config.agent.prompt.tool_ids[1]", "unknown_id", "tool_gone"),
    ]
    assert project.ids()["agent"] == {"bot": "agent_1"}


def test_0x_spellings_and_a_folder_that_is_no_official_project(tmp_path: Path) -> None:
    root = write(
        tmp_path / "old",
        {
            "agents.json": {
                "agents": [{"name": "bot", "configPath": "agent_configs/bot.json", "agentId": "agent_9"}]
            },
            "agent_configs/bot.json": {"name": "Bot"},
        },
    )
    [bot] = read_official(root).resources
    assert (bot.name, bot.remote_id) == ("bot", "agent_9")
    with pytest.raises(NotAnOfficialProject):
        read_official(tmp_path / "empty")


def test_import_refuses_to_overwrite_and_says_what_it_could_not_map(tmp_path: Path) -> None:
    agent = {"name": "Bot", "conversation_config": {"agent": {"prompt": {"tool_ids": ["tool_gone"]}}}}
    root = write(
        tmp_path / "p",
        {"agents.json": {"agents": [{"config": "agent_configs/bot.json"}]}, "agent_configs/bot.json": agent},
    )
    dry = run_cli(["import", "official", "--dry-run"], cwd=root)
    assert "would import agent bot: agent_configs/bot.json → agents/bot.yaml (never pushed)" in dry.stdout
    assert "'tool_gone' is the id of no resource" in dry.stdout and "nothing written" in dry.stderr
    assert not (root / "agents").exists()
    (root / "agents").mkdir()
    (root / "agents" / "bot.yaml").write_text("name: Mine\n")
    refused = run_cli(["import", "official"], cwd=root, expect=1)
    assert "agents/bot.yaml" in refused.stderr and "nothing was written" in refused.stderr
    assert (root / "agents" / "bot.yaml").read_text() == "name: Mine\n"
    assert json.loads((root / "agents.json").read_text()) == {
        "agents": [{"config": "agent_configs/bot.json"}]
    }
