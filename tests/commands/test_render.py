"""``agents render NAME``: the effective config of one resource in one environment (overlay merged),
references by name or ``--resolve``d to that environment's ids, placeholders never resolved. Offline."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support.cli import run_cli
from tests.support.project import write_project

AGENT = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello
    prompt:
      prompt: You help.
      temperature: 0.3
      tool_ids: ['@tool:lookup', '@tool:card']
"""
TOOL = """\
type: webhook
name: lookup
description: Look up.
api_schema:
  url: https://x.example/orders
  request_headers: {Authorization: 'Bearer ${ORDERS_TOKEN}'}
"""


def project(root: Path) -> Path:
    return write_project(
        root,
        environments={"dev": {"api_key_env": "KEY_DEV"}, "prod": {"api_key_env": "KEY_PROD"}},
        agents={"bot": AGENT},
        tools={"lookup": TOOL, "card": "type: client\nname: card\ndescription: d\n"},
        files={
            "agents/bot.prod.yaml": "conversation_config:\n  agent:\n    prompt:\n      temperature: 0.1\n"
        },
        manifest={
            "agents": {"bot": {"config": "agents/bot.yaml", "overlays": {"prod": "agents/bot.prod.yaml"}}},
        },
        state={"prod": {"tools": {"lookup": "tool_prod_1"}}},
    )


def test_render_merges_the_overlay_and_keeps_references_and_placeholders(tmp_path: Path) -> None:
    root = project(tmp_path)
    shown = run_cli(["render", "bot", "--env", "prod"], cwd=root, env={"ORDERS_TOKEN": "s3cret"}).stdout
    assert shown.startswith(
        "# agent bot in 'prod': agents/bot.yaml + agents/bot.prod.yaml (references by name"
    )
    config = yaml.safe_load(shown)
    prompt = config["conversation_config"]["agent"]["prompt"]
    assert prompt["temperature"] == 0.1 and prompt["prompt"] == "You help."
    assert prompt["tool_ids"] == ["@tool:lookup", "@tool:card"]
    dev = yaml.safe_load(run_cli(["render", "bot", "--env", "dev"], cwd=root).stdout)
    assert dev["conversation_config"]["agent"]["prompt"]["temperature"] == 0.3
    tool = run_cli(
        ["render", "lookup", "--env", "prod", "--resolve"], cwd=root, env={"ORDERS_TOKEN": "s3cret"}
    )
    assert "Bearer ${ORDERS_TOKEN}" in tool.stdout and "s3cret" not in tool.stdout


def test_render_resolve_shows_the_environments_ids_and_names_what_has_none(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = run_cli(["render", "bot", "--env", "prod", "--resolve", "--json"], cwd=root)
    data = json.loads(result.stdout)
    assert data["files"] == ["agents/bot.yaml", "agents/bot.prod.yaml"] and data["unresolved"] == [
        "@tool:card"
    ]
    assert data["config"]["conversation_config"]["agent"]["prompt"]["tool_ids"] == [
        "tool_prod_1",
        "(not created in prod)",
    ]
    text = run_cli(["render", "bot", "--env", "prod", "--resolve"], cwd=root)
    assert "not created in 'prod' yet, so without an id: @tool:card" in text.stderr
    missing = run_cli(["render", "nope"], cwd=root, expect=1)
    assert "no resource named 'nope'" in missing.stderr
