"""``agents test``: run the tests attached to agents and their scenarios; say why failures failed; reports.

Flow: select (offline, errors early) → sync the test definitions the selection needs (and what they
reference; agents only with --sync-agents), through the workspace's plan and apply → start every agent's
runs concurrently → table, failure details, JUnit/JSON reports. Exit 0 only when every run passed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents_cli.cli.output import Output
from agents_cli.context import AppContext
from agents_cli.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from agents_cli.engine.outcome import Outcome
    from agents_cli.engine.workspace import Workspace
    from agents_cli.testing.model import RunReport
    from agents_cli.testing.selection import Selection

STDOUT = Path("-")  # the report file name that means "write it to stdout"


@dataclass(frozen=True)
class _Run:
    against: str
    repeat: int
    timeout: float
    sync_agents: bool
    base_url: str | None
    concurrency: int | None


def _check_options(against: str, junit: Path | None, json_report: Path | None, run: _Run) -> None:
    if against not in ("local", "deployed"):
        raise UsageError(f"--against must be 'local' or 'deployed', not {against!r}")
    if junit == STDOUT and json_report == STDOUT:
        raise UsageError(
            "--junit - and --json - cannot both write to stdout", hint="send one of them to a file"
        )
    if run.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    if run.sync_agents and against != "deployed":
        raise UsageError("--sync-agents applies only with --against deployed", hint="add --against deployed")


def _describe(outcome: Outcome) -> str:
    where = f" ({outcome.remote_id})" if outcome.remote_id else ""
    return f"{outcome.action} {outcome.kind} {outcome.name}{where}"


async def _execute(app: AppContext, workspace: Workspace, selection: Selection, run: _Run) -> list[Any]:
    from agents_cli.cli.render_tests import LiveProgress
    from agents_cli.remote.connect import build_client
    from agents_cli.testing.prepare import ApiTestClient, build_targets
    from agents_cli.testing.prerequisites import needed_resources, sync_prerequisites
    from agents_cli.testing.runner import run_targets

    def report(outcome: Outcome) -> None:
        if outcome.action != "recorded":
            app.out.info(f"sync: {_describe(outcome)}")

    desired = workspace.configs()
    keys = needed_resources(desired, selection, against=run.against, sync_agents=run.sync_agents)
    client = build_client(
        workspace.root, workspace.environment, base_url=run.base_url, concurrency=run.concurrency
    )
    async with client as api:
        await sync_prerequisites(api, workspace, keys, report)
        targets = await build_targets(
            api,
            workspace.project,
            workspace.environment.name,
            selection,
            desired,
            against=run.against,
            out=app.out,
        )
        with LiveProgress(app.out) as progress:
            return await run_targets(
                ApiTestClient(api), targets, repeat=run.repeat, timeout_s=run.timeout, progress=progress
            )


def _write_reports(app: AppContext, report: RunReport, junit: Path | None, json_report: Path | None) -> None:
    from agents_cli.testing.reports import json_text, junit_text, write_json, write_junit

    out = app.out
    if junit == STDOUT:
        out.stdout.write(junit_text(report))
    elif junit is not None:
        write_junit(report, junit)
        out.info(f"wrote JUnit report {junit}")
    if json_report == STDOUT:
        out.stdout.write(json_text(report))
        out.wrote_json = True
    elif json_report is not None:
        write_json(report, json_report)
        out.info(f"wrote JSON report {json_report}")
    out.stdout.flush()


def run(
    app: AppContext,
    *,
    agents: list[str],
    env: str | None,
    tests: list[str],
    against: str,
    repeat: int,
    junit: Path | None,
    json_report: Path | None,
    timeout: float,
    show_transcript: bool,
    sync_agents: bool,
    base_url: str | None,
    concurrency: int | None,
) -> int:
    from agents_cli.cli.render_tests import name_remote_ids, render_failures, render_table, summary_line
    from agents_cli.commands.validate import require_valid
    from agents_cli.engine.workspace import Workspace
    from agents_cli.kinds import REGISTRY
    from agents_cli.project.state import load_state
    from agents_cli.testing.model import RunReport
    from agents_cli.testing.selection import select

    options = _Run(against, repeat, timeout, sync_agents, base_url, concurrency)
    _check_options(against, junit, json_report, options)
    workspace = Workspace.open(app.cwd, env)
    environment = workspace.environment.name
    selection = select(workspace.project, environment, agents, tests)
    require_valid(app, workspace.validation(), environment, action="nothing was run")
    workspace.load()
    started_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    started = time.monotonic()
    results = asyncio.run(_execute(app, workspace, selection, options))
    state = load_state(workspace.root, environment)
    name_remote_ids(
        results, {remote_id: name for kind in REGISTRY.names for name, remote_id in state.ids(kind).items()}
    )
    report = RunReport(
        environment=environment,
        against=against,
        started_at=started_at,
        duration_s=time.monotonic() - started,
        timeout_s=timeout,
        results=results,
    )
    out = app.out
    # '-' puts that report alone on stdout (pipe it to jq or a JUnit tool); people's output moves to stderr.
    human = Output(stdout=out.stderr, no_color=out.no_color) if STDOUT in (junit, json_report) else out
    render_table(human, report)
    render_failures(human, report, show_transcript=show_transcript)
    _write_reports(app, report, junit, json_report)
    human.line()
    human.line(summary_line(report), style="green" if report.all_passed else "bold red")
    return int(ExitCode.OK if report.all_passed else ExitCode.ERROR)
