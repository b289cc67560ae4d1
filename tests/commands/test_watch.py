"""``agents watch``: change detection with debounce (configs wherever the manifest keeps them), and a real
process that re-plans / syncs on edits and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.commands.watch import changed_files, scan, wait_for_change
from tests.support.cli import CliProcess, run_cli


def test_scan_sees_configs_overlays_manifest_and_dotenv(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents.json").write_text("{}")
    (tmp_path / "agents" / "bot.yaml").write_text("name: a\n")
    (tmp_path / "agents" / "bot.prod.yaml").write_text("name: b\n")
    (tmp_path / "agents" / "notes.txt").write_text("ignored")
    before = scan(tmp_path)
    assert {p.name for p in before} == {"agents.json", "bot.yaml", "bot.prod.yaml"}
    (tmp_path / ".env").write_text("X=1\n")
    (tmp_path / "agents" / "bot.yaml").write_text("name: changed\n")
    assert [p.name for p in changed_files(before, scan(tmp_path))] == [".env", "bot.yaml"]


def test_changes_in_quick_succession_are_one_run(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    first, second = tmp_path / "tools" / "a.yaml", tmp_path / "tools" / "b.yaml"
    first.write_text("name: a\n")
    snapshot = scan(tmp_path)
    edits = iter([lambda: first.write_text("name: a2\n"), lambda: second.write_text("name: b\n")])

    def edit_instead_of_sleeping(_seconds: float) -> None:
        # The first wait ends in an edit, the second (inside the debounce) in another: one run sees both.
        edit = next(edits, None)
        if edit:
            edit()

    _, changed = wait_for_change(
        tmp_path, snapshot, interval=0.01, debounce=0.1, sleep=edit_instead_of_sleeping
    )
    assert changed == [first, second]


def watch(project: Path, *args: str) -> CliProcess:
    """``agents watch`` on ``project``, scanning often."""
    return CliProcess(["watch", "--interval", "0.05", "--debounce", "0.1", *args], cwd=project)


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    root = tmp_path / "proj"
    run_cli(["init", str(root)], cwd=tmp_path)
    run_cli(["add", "agent", "bot", "--template", "minimal"], cwd=root)
    return root


def test_watch_syncs_on_every_edit_survives_errors_and_stops_on_ctrl_c(project: Path) -> None:
    watcher = watch(project, "--sync")
    try:
        watcher.wait_for("watching")
        assert (project / "state" / "local.json").exists()  # the first run synced the new agent
        agent = project / "agents" / "bot.yaml"
        agent.write_text(agent.read_text() + "tags: [watched]\n")
        watcher.wait_for("changed: agents/bot.yaml")
        watcher.wait_for("updated agent bot")
        agent.write_text(agent.read_text() + "temprature: 1\n")  # a typo: validation fails, watching goes on
        watcher.wait_for("temprature")
        watcher.wait_for("watching")
        code, output = watcher.interrupt()
    finally:
        watcher.kill()
    assert code == 0, output
    assert "stopped watching" in output and "Traceback" not in output


def test_watch_plans_without_applying(project: Path) -> None:
    watcher = watch(project)
    try:
        watcher.wait_for("watching")
        (project / "agents" / "bot.yaml").write_text("name: Bot\nconversation_config: {}\n")
        watcher.wait_for("changed: agents/bot.yaml")
        watcher.wait_for("Plan: 1 to create")
        code, output = watcher.interrupt()
    finally:
        watcher.kill()
    assert code == 0 and "stopped watching" in output
    assert not (project / "state" / "local.json").exists()


def test_watch_sees_configs_the_manifest_keeps_outside_the_default_folders(tmp_path: Path) -> None:
    # This repository's own example keeps configs under configs/: watch never noticed an edit there.
    from agents_cli.commands.watch import changed_files, scan

    (tmp_path / "configs" / "agents").mkdir(parents=True)
    (tmp_path / "configs" / "scenarios").mkdir()
    bot, prod, scenario = (
        tmp_path / "configs" / "agents" / "bot.yaml",
        tmp_path / "configs" / "agents" / "bot.prod.yaml",
        tmp_path / "configs" / "scenarios" / "late.yaml",
    )
    for path in (bot, prod, scenario):
        path.write_text("name: a\n")
    manifest = {
        "agents": {
            "bot": {"config": "configs/agents/bot.yaml", "overlays": {"prod": "configs/agents/bot.prod.yaml"}}
        },
        "scenarios": {"late": {"config": "configs/scenarios/late.yaml"}},
    }
    (tmp_path / "agents.json").write_text(json.dumps(manifest))
    before = scan(tmp_path)
    for path in (bot, prod, scenario):
        path.write_text("name: changed\n")
    assert changed_files(before, scan(tmp_path)) == sorted([bot, prod, scenario])
