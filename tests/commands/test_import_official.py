"""``agents import official``: a project pushed by the official CLI 1.x (tests/support/official.py) becomes a
project of ours whose first plan against the same remote — the emulator, over loopback — creates nothing and
duplicates nothing; raw ids become references, secrets leave the files, what cannot be mapped is said."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_list
from tests.support.official import LOOKUP_TOKEN, pushed_official_project

KEY = {"ELEVENLABS_API_KEY": "sk_official", "LOOKUP_ORDER_AUTHORIZATION": f"Bearer {LOOKUP_TOKEN}"}


def remote_counts(url: str) -> tuple[int, int, int]:
    return (
        len(remote_list(url, "/v1/convai/agents", "agents")),
        len(remote_list(url, "/v1/convai/tools", "tools")),
        len(remote_list(url, "/v1/convai/agent-testing", "tests")),
    )


def test_official_project_imports_and_first_plan_creates_nothing(
    tmp_path: Path, served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    root = tmp_path / "repo"
    ids = pushed_official_project(root, client)
    before = remote_counts(served_emulator.url)

    result = run_cli(["import", "official"], cwd=root, env=KEY)
    assert (
        "imported agent support-bot: agent_configs/support-bot.json → agents/support-bot.yaml "
        f"(id {ids['support-bot']} in state/prod.json)" in result.stdout
    )
    assert "could not map" not in result.stdout
    assert "LOOKUP_ORDER_AUTHORIZATION" in result.stderr
    manifest = json.loads((root / "agents.json").read_text())
    assert set(manifest["agents"]) == {"support-bot", "front-desk"}
    assert set(manifest["tools"]) == {"lookup-order", "show-card"} and set(manifest["tests"]) == {"greets"}
    assert (root / "agents.official.json").is_file()
    support = (root / "agents" / "support-bot.yaml").read_text()
    assert (
        "'@tool:lookup-order'" in support and "'@tool:show-card'" in support and "'@test:greets'" in support
    )
    assert "'@agent:support-bot'" in (root / "agents" / "front-desk.yaml").read_text()
    for path in [*root.glob("agents/*"), *root.glob("tools/*"), *root.glob("tests/*")]:
        text = path.read_text()
        assert LOOKUP_TOKEN not in text and not any(remote_id in text for remote_id in ids.values()), path
    assert LOOKUP_TOKEN not in (root / "state" / "prod.json").read_text()

    planned = json.loads(
        run_cli(["plan", "--base-url", served_emulator.url, "--json"], cwd=root, env=KEY).stdout
    )
    assert planned["summary"]["create"] == 0 and planned["summary"]["replace"] == 0
    run_cli(["sync", "--base-url", served_emulator.url, "--yes"], cwd=root, env=KEY)
    assert remote_counts(served_emulator.url) == before  # nothing duplicated
    state = json.loads((root / "state" / "prod.json").read_text())
    assert state["agents"]["support-bot"]["id"] == ids["support-bot"]
    stdout = run_cli(
        ["plan", "--base-url", served_emulator.url, "--detailed-exitcode"], cwd=root, env=KEY
    ).stdout
    assert stdout.startswith("No changes.")
