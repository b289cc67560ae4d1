"""``agents test``: run the tests attached to agents and their scenarios; say why failures failed; reports.

Flow: select (offline, errors early) → sync the test definitions the selection needs (and the tools they
reference; agents only with --sync-agents) → start every agent's runs concurrently → table, failure details,
JUnit/JSON reports. Exit 0 only when every run passed.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents_cli.cli.output import Output
from agents_cli.context import AppContext
from agents_cli.errors import ExitCode, UsageError
from agents_cli.project.manifest import load_project

STDOUT = Path("-")  # the report file name that means "write it to stdout"


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
    from agents_cli.cli.render_tests import (
        LiveProgress,
        name_remote_ids,
        render_failures,
        render_table,
        summary_line,
    )
    from agents_cli.commands.validate import require_valid
    from agents_cli.engine.desired import load_desired
    from agents_cli.kinds import REGISTRY
    from agents_cli.project.state import load_state
    from agents_cli.remote.connect import build_client
    from agents_cli.testing.model import RunReport
    from agents_cli.testing.prepare import ApiTestClient, build_targets
    from agents_cli.testing.prerequisites import sync_prerequisites
    from agents_cli.testing.reports import json_text, junit_text, write_json, write_junit
    from agents_cli.testing.runner import run_targets
    from agents_cli.testing.selection import select

    if against not in ("local", "deployed"):
        raise UsageError(f"--against must be 'local' or 'deployed', not {against!r}")
    if junit == STDOUT and json_report == STDOUT:
        raise UsageError(
            "--junit - and --json - cannot both write to stdout", hint="send one of them to a file"
        )
    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    if sync_agents and against != "deployed":
        raise UsageError("--sync-agents applies only with --against deployed", hint="add --against deployed")
    out = app.out
    project = load_project(app.cwd)
    environment = project.environment(env)
    selection = select(project, environment.name, agents, tests)
    require_valid(app, project.root, environment.name, action="nothing was run")
    desired = load_desired(project, environment.name)
    started_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    started = time.monotonic()

    async def execute() -> list[Any]:
        async with build_client(project.root, environment, base_url=base_url, concurrency=concurrency) as api:
            await sync_prerequisites(
                api, project, desired, selection, against=against, sync_agents=sync_agents, out=out
            )
            targets = await build_targets(
                api, project, environment.name, selection, desired, against=against, out=out
            )
            with LiveProgress(out) as progress:
                return await run_targets(
                    ApiTestClient(api), targets, repeat=repeat, timeout_s=timeout, progress=progress
                )

    results = asyncio.run(execute())
    state = load_state(project.root, environment.name)
    name_remote_ids(
        results,
        {remote_id: name for kind in REGISTRY.names for name, remote_id in state.ids(kind).items()},
    )
    report = RunReport(
        environment=environment.name,
        against=against,
        started_at=started_at,
        duration_s=time.monotonic() - started,
        timeout_s=timeout,
        results=results,
    )
    # '-' puts that report alone on stdout (pipe it to jq or a JUnit tool); people's output moves to stderr.
    human = Output(stdout=out.stderr, no_color=out.no_color) if STDOUT in (junit, json_report) else out
    render_table(human, report)
    render_failures(human, report, show_transcript=show_transcript)
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
    human.line()
    human.line(summary_line(report), style="green" if report.all_passed else "bold red")
    return int(ExitCode.OK if report.all_passed else ExitCode.ERROR)
