"""``agents test``: run the tests attached to agents and their scenarios; say why failures failed; reports.

Flow: select (offline, errors early) → sync the test definitions the selection needs (and what they
reference; agents only with --sync-agents), through the workspace's plan and apply → start every agent's
runs concurrently → table, failure details, JUnit/JSON reports. Exit 0 only when every run passed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents_cli.context import AppContext
from agents_cli.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from agents_cli.engine.outcome import Outcome
    from agents_cli.engine.workspace import Workspace
    from agents_cli.testing.model import RunReport
    from agents_cli.testing.prepare import Preparation
    from agents_cli.testing.selection import Selection

STDOUT = Path("-")  # the report file name that means "write it to stdout"


@dataclass(frozen=True)
class TestRequest:
    agents: tuple[str, ...] = ()  # default: every agent with tests or scenarios
    env: str | None = None
    tests: tuple[str, ...] = ()  # only these tests/scenarios (names or globs)
    tags: tuple[str, ...] = ()  # only agents whose config has all these tags
    against: str = "local"  # local: the local config (before deploy); deployed: the deployed agent
    repeat: int = 1
    min_pass_rate: float | None = None  # the share of runs each test must pass (default: all)
    junit: Path | None = None  # a JUnit XML report ('-': stdout)
    json_report: Path | None = None  # a JSON report ('-': stdout)
    html: Path | None = None  # a self-contained HTML report
    timeout: float = 300.0
    show_transcript: bool = False
    sync_agents: bool = False  # with --against deployed: sync the agents first
    compare: str | None = None  # 'deployed': also run the tests against the deployed agent and compare
    changed: bool = False  # only agents whose fingerprint differs from their last successful run
    no_cache: bool = False  # with --changed: ignore the test cache (run everything)
    base_url: str | None = None
    concurrency: int | None = None

    __test__ = False  # not a pytest test class


@dataclass(frozen=True)
class TestRun:
    report: RunReport
    show_transcript: bool = False
    junit_on_stdout: bool = False
    json_on_stdout: bool = False
    unchanged: tuple[str, ...] = ()  # agents --changed left out: unchanged since their last successful run

    __test__ = False  # not a pytest test class

    @property
    def report_on_stdout(self) -> bool:
        return self.junit_on_stdout or self.json_on_stdout

    @property
    def exit_code(self) -> int:
        if not self.report.results and self.unchanged:
            return int(ExitCode.OK)  # nothing changed since every selected agent last passed
        if self.report.comparison:  # --compare: regressions fail the run, tests failing on both sides do not
            regressed = any(row.regression for row in self.report.comparison)
            return int(ExitCode.ERROR if regressed else ExitCode.OK)
        return int(ExitCode.OK if self.report.all_passed else ExitCode.ERROR)


def _check(request: TestRequest) -> None:
    if request.against not in ("local", "deployed"):
        raise UsageError(f"--against must be 'local' or 'deployed', not {request.against!r}")
    if request.junit == STDOUT and request.json_report == STDOUT:
        raise UsageError(
            "--junit - and --json - cannot both write to stdout", hint="send one of them to a file"
        )
    if request.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    if request.min_pass_rate is not None and not 0 < request.min_pass_rate <= 1:
        raise UsageError("--min-pass-rate must be more than 0 and at most 1", hint="e.g. 0.8: 4 runs in 5")
    if request.compare not in (None, "deployed"):
        raise UsageError(f"--compare takes 'deployed', not {request.compare!r}")
    if request.compare is not None and request.against != "local":
        raise UsageError(
            "--compare deployed compares the local config with it", hint="drop --against deployed"
        )
    if request.sync_agents and request.against != "deployed":
        raise UsageError("--sync-agents applies only with --against deployed", hint="add --against deployed")


def _describe(outcome: Outcome) -> str:
    where = f" ({outcome.remote_id})" if outcome.remote_id else ""
    return f"{outcome.action} {outcome.kind} {outcome.name}{where}"


async def _execute(
    app: AppContext, workspace: Workspace, selection: Selection, request: TestRequest
) -> tuple[list[Any], list[Any] | None]:
    """The runs against ``--against`` and, with ``--compare deployed``, the same tests' deployed runs."""
    from agents_cli.commands.shared import workspace_client
    from agents_cli.testing.prerequisites import needed_resources, sync_prerequisites

    def report(outcome: Outcome) -> None:
        if outcome.action != "recorded":
            app.out.info(f"sync: {_describe(outcome)}")

    desired = workspace.configs()
    keys = needed_resources(desired, selection, against=request.against, sync_agents=request.sync_agents)
    client = workspace_client(app, workspace, base_url=request.base_url, concurrency=request.concurrency)
    async with client as api:
        await sync_prerequisites(api, workspace, keys, report)
        deployed = None
        if request.compare is not None:
            deployed = await _run(app, api, workspace, selection, request, "deployed", tests_only=True)
        results = await _run(app, api, workspace, selection, request, request.against)
    return results, deployed


async def _run(
    app: AppContext,
    api: Any,
    workspace: Workspace,
    selection: Selection,
    request: TestRequest,
    against: str,
    *,
    tests_only: bool = False,
) -> list[Any]:
    from agents_cli.testing.prepare import ApiTestClient, build_targets
    from agents_cli.testing.runner import run_targets

    env = workspace.environment.name
    prepared = await build_targets(
        api, workspace.project, env, selection, workspace.configs(), against=against
    )
    if tests_only:
        for target in prepared.targets:
            target.scenarios = []
    else:
        _say_how(app, env, prepared)
    with app.progress() as progress:
        return await run_targets(
            ApiTestClient(api),
            prepared.targets,
            repeat=request.repeat,
            timeout_s=request.timeout,
            progress=progress,
        )


def _say_how(app: AppContext, env: str, prepared: Preparation) -> None:
    """How agents that were never synced are tested, and where scenarios run."""
    for used in prepared.placeholders:
        if used.reused:
            app.out.info(
                f"{used.agent}: not in state/{env}.json; reusing agent {used.agent_id} tagged for it by an "
                "earlier run to run tests against (your config is sent with each run)"
            )
        else:
            app.out.info(
                f"{used.agent}: not deployed in {env!r}; created placeholder agent {used.agent_id} to run "
                "tests against (your config is sent with each run; 'agents sync' will fill it)"
            )
    if prepared.scenarios_against_deployed:
        app.out.info(
            "note: scenarios run against the deployed agent (simulate-conversation takes no config override)"
        )


def _write_reports(app: AppContext, report: RunReport, request: TestRequest) -> None:
    from agents_cli.testing.reports import write_json, write_junit

    if request.html is not None:
        from agents_cli.testing.html_report import write_html

        write_html(report, app.cwd / request.html)
        app.out.info(f"wrote HTML report {request.html}")
    if request.junit is not None and request.junit != STDOUT:
        write_junit(report, app.cwd / request.junit)
        app.out.info(f"wrote JUnit report {request.junit}")
    if request.json_report is not None and request.json_report != STDOUT:
        write_json(report, app.cwd / request.json_report)
        app.out.info(f"wrote JSON report {request.json_report}")


def _thresholds(selection: Selection) -> dict[tuple[str, str], float]:
    """Per-test pass rates from the test files' ``x-agents.min_pass_rate``, by (agent, test)."""
    found: dict[tuple[str, str], float] = {}
    for agent in selection.agents:
        for test in agent.tests:
            value = selection.test_settings.get(test, {}).get("min_pass_rate")
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise UsageError(
                    f"test {test!r}: x-agents.min_pass_rate must be a number more than 0 and at most 1",
                    hint="e.g. 'x-agents: {min_pass_rate: 0.8}'",
                )
            found[(agent.name, test)] = float(value)
    return found


def _skip_unchanged(
    workspace: Workspace, selection: Selection, request: TestRequest
) -> tuple[dict[str, str], tuple[str, ...]]:
    """(fingerprint by agent, agents left out as unchanged); only ``--changed`` leaves any out."""
    from agents_cli.testing.cache import TestCache, fingerprint

    env = workspace.environment.name
    digests = {a.name: fingerprint(workspace.project, env, a, selection) for a in selection.agents}
    if not request.changed or request.no_cache:
        return digests, ()
    cache = TestCache.load(workspace.root)
    unchanged = tuple(
        a.name for a in selection.agents if cache.unchanged(env, request.against, a.name, digests[a.name])
    )
    selection.agents = [agent for agent in selection.agents if agent.name not in unchanged]
    return digests, unchanged


def _remember(workspace: Workspace, report: RunReport, digests: dict[str, str], request: TestRequest) -> None:
    """Record fingerprints of agents whose whole set of tests ran and reached their pass rates."""
    from agents_cli.testing.cache import TestCache

    if request.tests:
        return  # a narrowed run says nothing about the tests it left out
    cache = TestCache.load(workspace.root)
    cache.record(report, digests)
    cache.save()


def run_tests(app: AppContext, request: TestRequest) -> TestRun:
    from agents_cli.commands.validate import require_valid
    from agents_cli.engine.workspace import Workspace
    from agents_cli.kinds import REGISTRY
    from agents_cli.project.state import load_state
    from agents_cli.testing.model import RunReport, name_remote_ids
    from agents_cli.testing.selection import select
    from agents_cli.worktree import version_description

    _check(request)
    workspace = Workspace.open(app.cwd, request.env, environ=app.host.environ)
    workspace.version_description = version_description(workspace.root, None)  # prerequisites it syncs
    environment = workspace.environment.name
    selection = select(
        workspace.project, environment, list(request.agents), list(request.tests), tuple(request.tags)
    )
    require_valid(workspace.validation(), environment, action="nothing was run")
    workspace.load()
    digests, unchanged = _skip_unchanged(workspace, selection, request)
    started_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    started = time.monotonic()
    results, deployed = (
        asyncio.run(_execute(app, workspace, selection, request)) if selection.agents else ([], None)
    )
    state = load_state(workspace.root, environment)
    name_remote_ids(
        results, {remote_id: name for kind in REGISTRY.names for name, remote_id in state.ids(kind).items()}
    )
    report = RunReport(
        environment=environment,
        against=request.against,
        started_at=started_at,
        duration_s=time.monotonic() - started,
        timeout_s=request.timeout,
        results=results,
        min_pass_rate=request.min_pass_rate or 1.0,
        thresholds=_thresholds(selection),
    )
    if deployed is not None:
        from agents_cli.testing.compare import compare

        report.comparison = compare(report, dataclasses.replace(report, results=deployed, against="deployed"))
    if results:
        _remember(workspace, report, {a.name: digests[a.name] for a in selection.agents}, request)
    _write_reports(app, report, request)
    json_on_stdout = request.json_report == STDOUT or app.json
    return TestRun(report, request.show_transcript, request.junit == STDOUT, json_on_stdout, unchanged)
