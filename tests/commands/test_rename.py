"""``agents rename``: the remote resources, state, overlays and every ``@kind:name`` reference follow the new
name, and the next sync refreshes the agent's hidden name tag and keeps the user's tags."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from agents_cli.cli.output import Output
from agents_cli.errors import AgentsError
from tests.support.cli import init_project, run_cli
from tests.support.emulator import ServedEmulator, remote_get
from tests.support.project import edit, state
from tests.support.samples import cli, cli_json


@pytest.fixture
def project(served_project: Path) -> Path:
    return served_project


def test_rename_is_wired_into_the_cli(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--template", "minimal"], cwd=tmp_path)
    run_cli(["rename", "bot", "Front Desk"], cwd=tmp_path)
    manifest = json.loads((tmp_path / "agents.json").read_text())
    assert list(manifest["agents"]) == ["front-desk"]
    run_cli(["validate"], cwd=tmp_path)


def test_rename_keeps_the_remote_resources_and_every_reference(tmp_path: Path) -> None:
    # Renaming the key in agents.json by hand makes the next sync create a second remote agent (state is
    # keyed by local name) and leave the first orphaned; 'rename' moves everything that carries the name.
    from agents_cli.commands import rename
    from agents_cli.context import AppContext

    root = init_project(tmp_path)
    run_cli(["add", "tool", "lookup-order", "--template", "webhook"], cwd=root)
    run_cli(["add", "test", "finds", "--template", "tool"], cwd=root)
    run_cli(["add", "agent", "bot", "--env", "prod"], cwd=root)
    config = root / "agents" / "bot.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["conversation_config"]["agent"]["prompt"]["tool_ids"] = ["@tool:lookup-order"]
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    run_cli(["sync"], cwd=root)
    ids_before = state(root, "local")

    quiet = Output(stdout=io.StringIO(), stderr=io.StringIO())
    app = AppContext(out=quiet, cwd=root)
    assert rename.rename(app, rename.RenameRequest("lookup-order", "Order Lookup")) == 0
    assert rename.rename(app, rename.RenameRequest("bot", "support-bot")) == 0

    manifest = json.loads((root / "agents.json").read_text(encoding="utf-8"))
    assert manifest["tools"] == {"order-lookup": {"config": "tools/order-lookup.yaml"}}
    assert manifest["agents"] == {
        "support-bot": {
            "config": "agents/support-bot.yaml",
            "overlays": {"prod": "agents/support-bot.prod.yaml"},
        }
    }
    assert "'@tool:order-lookup'" in (root / "agents" / "support-bot.yaml").read_text(encoding="utf-8")
    assert "'@tool:order-lookup'" in (root / "tests" / "finds.yaml").read_text(encoding="utf-8")
    assert not (root / "agents" / "bot.prod.yaml").exists()
    ids_after = state(root, "local")
    assert ids_after["tools"]["order-lookup"] == ids_before["tools"]["lookup-order"]
    assert ids_after["agents"]["support-bot"] == ids_before["agents"]["bot"]

    run_cli(["validate"], cwd=root)
    # The one update refreshes the agent's hidden name tag (agents-cli:name=bot → support-bot); nothing is
    # created or deleted.
    planned = run_cli(["plan", "--prune"], cwd=root).stdout
    assert "Plan: 0 to create, 1 to update, 0 to delete." in planned
    assert "tags: (agents-cli tags refreshed)" in planned
    remote = json.loads(run_cli(["list", "--remote", "--json"], cwd=root).stdout)["resources"]
    assert len(remote) == 3

    run_cli(["add", "agent", "other"], cwd=root)
    with pytest.raises(AgentsError, match="agent 'other' is already registered"):
        rename.rename(AppContext(out=quiet, cwd=root), rename.RenameRequest("support-bot", "other"))


def remote_tags(url: str, agent_id: str) -> list[str]:

    tags: list[str] = remote_get(url, f"/v1/convai/agents/{agent_id}").json()["tags"]
    return tags


def test_sync_refreshes_the_name_tag_after_a_rename_and_keeps_user_tags(
    project: Path, served_emulator: ServedEmulator
) -> None:
    cli(project, "sync")
    agent_id = state(project, "staging")["agents"]["bot"]["id"]
    cli(project, "rename", "bot", "helper")
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert f"~ agent helper (update, id {agent_id})\n    tags: (agents-cli tags refreshed)\n" in stdout
    assert "Plan: 0 to create, 1 to update, 0 to delete." in stdout
    change = cli_json(project, "plan")["resources"][0]["changes"]
    assert change == [
        {
            "path": "tags",
            "change": "changed",
            "remote": ["agents-cli:env=staging", "agents-cli:name=bot"],
            "local": ["agents-cli:env=staging", "agents-cli:name=helper"],
            "note": "agents-cli tags refreshed",
        }
    ]
    stdout, _ = cli(project, "sync")
    assert "Sync staging: 0 created, 1 updated" in stdout
    assert sorted(remote_tags(served_emulator.url, agent_id)) == [
        "agents-cli:env=staging",
        "agents-cli:name=helper",
        "support",
    ]
    stdout, _ = cli(project, "plan", "--detailed-exitcode")
    assert "No changes." in stdout
    # A user tag change carries our tags with it: one change, no separate refresh line.
    edit(project / "agents" / "helper.yaml", "tags: [support]", "tags: [support, vip]")
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "agents-cli tags refreshed" not in stdout and 'tags: ["support"] → ["support", "vip"]' in stdout
