"""The sync engine's state file under concurrency, over loopback HTTP: every outcome it reports is already on
disk (grouped writes never lose one), and updates handed over early (while reads are in flight) are applied
once and appear in the final plan as the same objects."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.support import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from faults_converge import KEY_VARIABLE, write_scale_agent, write_scale_project

from agents_cli.engine.outcome import Outcome, SyncResult
from agents_cli.engine.plan import PlanOptions, ResourcePlan
from agents_cli.engine.workspace import PlanResult, Workspace
from agents_cli.host import Host
from agents_cli.project.state import load_state
from agents_cli.remote.connect import build_client
from tests.support.emulator import serve_emulator

AGENTS = 12
HOST = Host.from_process(environ={KEY_VARIABLE: "sk_engine"})  # the run's variables: just the key


def sync_with_checks(root: Path) -> tuple[SyncResult, list[ResourcePlan], list[str]]:
    """One sync through the workspace; every reported outcome is checked against the file on disk."""
    workspace = Workspace.open(root, None, environ=HOST.environ)
    workspace.load()
    problems: list[str] = []
    early: list[ResourcePlan] = []

    def on_outcome(outcome: Outcome) -> None:
        # On disk: the state file plus its journal (what a killed run leaves is what the next one reads).
        entry = load_state(root, "bench").get(outcome.kind, outcome.name)
        if entry is None or entry.id != outcome.remote_id or entry.fields is None:
            problems.append(f"{outcome.kind} {outcome.name} reported before its state was written")

    async def main() -> SyncResult:
        async with build_client(workspace.root, workspace.environment, concurrency=4, host=HOST) as api:
            applier = workspace.applier(api, workspace.directory(api), on_outcome)

            def start(item: ResourcePlan) -> None:
                early.append(item)
                applier.start(item)

            computed: PlanResult = await workspace.plan(
                api, PlanOptions(), directory=applier.directory, on_planned=start
            )
            for item in early:
                assert any(planned is item for planned in computed.plan.resources)
            return await applier.run(computed.plan)

    return asyncio.run(main()), early, problems


def test_reported_outcomes_are_on_disk_and_early_updates_apply_once(
    tmp_path: Path,
) -> None:
    with serve_emulator() as url:
        root = write_scale_project(tmp_path / "proj", url, agents=AGENTS, tools=2)
        created, early, problems = sync_with_checks(root)
        assert not problems and not created.failures and early == []  # creates never start early
        assert created.count("created") == AGENTS + 2
        for index in range(AGENTS):
            write_scale_agent(root, f"agent-{index:03d}", index, tools=2, temperature=0.9)
        updated, early, problems = sync_with_checks(root)
        assert not problems and not updated.failures
        assert sorted(item.name for item in early) == [f"agent-{index:03d}" for index in range(AGENTS)]
        assert [outcome.action for outcome in updated.outcomes] == ["updated"] * AGENTS  # each exactly once
        again, early, _ = sync_with_checks(root)
        assert again.outcomes == [] and early == []
