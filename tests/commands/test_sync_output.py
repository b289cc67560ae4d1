"""What ``agents sync`` prints, over loopback HTTP against the served emulator: state-only refreshes are one
summary count (listed with --debug), and early updates are reported after the printed plan."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator
from tests.support.project import edit, state
from tests.support.samples import KEYS, cli, sample_project, with_two_agents


@pytest.fixture
def project(served_project: Path) -> Path:
    return served_project


def test_state_only_refreshes_are_one_summary_count_not_a_line_each(
    project: Path, served_emulator: ServedEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_two_agents(project, served_emulator.url)
    # State written before per-field hashes: the next sync records every resource again (no write).
    path = project / "state" / "staging.json"
    old = state(project, "staging")
    for kind in ("agents", "tools", "tests"):
        for entry in old[kind].values():
            entry.pop("fields")
    path.write_text(json.dumps(old))
    stdout, stderr = cli(project, "sync", "--prune", "--yes")
    assert "recorded" not in stderr
    assert (
        "Sync staging: 0 created, 0 updated, 0 deleted, 0 failed, 4 recorded in state only (no write)."
        in (stdout)
    )
    assert all("fields" in entry for entry in state(project, "staging")["agents"].values())
    path.write_text(json.dumps(old))
    # With --debug they are listed (called directly: the CLI's --debug would leave a log handler behind).
    from agents_cli.cli.boundary import run
    from agents_cli.cli.output import Output
    from agents_cli.commands.sync import SyncRequest, sync
    from agents_cli.context import AppContext
    from agents_cli.host import Host

    stderr_text = io.StringIO()
    host = Host.from_process().with_environ(**KEYS)
    out = Output(host=host, stdout=io.StringIO(), stderr=stderr_text, no_color=True)
    assert run(AppContext(host=host, out=out, debug=True, cwd=project), "sync", sync, SyncRequest()) == 0
    assert (
        "= recorded agent bot" in stderr_text.getvalue()
        and "= recorded tool lookup" in stderr_text.getvalue()
    )


def test_early_update_progress_comes_after_the_printed_plan(
    project: Path, served_emulator: ServedEmulator
) -> None:
    from agents_cli.emulator.faults import FaultSettings

    with_two_agents(project, served_emulator.url)
    other_id = state(project, "staging")["agents"]["other"]["id"]
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.1")
    # bot's update starts while the read of 'other' is still in flight.
    served_emulator.configure(
        faults=FaultSettings(routes={f"GET /v1/convai/agents/{other_id}": FaultSettings(latency_ms=600)})
    )
    result = run_cli(["sync"], cwd=project, env=KEYS)
    output = result.output
    assert output.index("Plan: 0 to create, 1 to update") < output.index("~ updated agent bot")
    assert output.index("~ updated agent bot") < output.index("Sync staging: 0 created, 1 updated")


def test_sync_dry_run_says_nothing_was_written(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    # 'sync --dry-run' printed the plan and never said that nothing was written.
    root = sample_project(tmp_path / "p", served_emulator.url)
    result = run_cli(["sync", "--dry-run"], cwd=root, env=KEYS)
    assert "Plan: 3 to create" in result.stdout
    assert result.stderr.rstrip().endswith("dry run: nothing was written")
    assert not (root / "state" / "staging.json").exists()
    assert "nothing was written" not in run_cli(["plan"], cwd=root, env=KEYS).stderr
