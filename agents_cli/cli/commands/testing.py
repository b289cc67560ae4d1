"""agents test (run attached tests and scenarios) and agents emulator serve."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from agents_cli.cli import completion
from agents_cli.cli.app import BaseUrlOption, ConcurrencyOption, EnvOption, app, emulator_app
from agents_cli.cli.boundary import invoke


class Against(StrEnum):
    local = "local"
    deployed = "deployed"


AgentsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Agents to test, names or globs ('support-*'; default: all with tests).",
        autocompletion=completion.agents,
    ),
]
TestOption = Annotated[
    list[str] | None,
    typer.Option(
        "--test",
        help="Only these tests/scenarios, names or globs (repeatable).",
        autocompletion=completion.tests_and_scenarios,
    ),
]
TagOption = Annotated[
    list[str] | None, typer.Option("--tag", help="Only agents whose config has this tag (repeatable: all).")
]
AgainstOption = Annotated[
    Against, typer.Option("--against", help="Test the local config (before deploy) or the deployed agent.")
]
RepeatOption = Annotated[int, typer.Option("--repeat", min=1, max=50, help="Run each test N times.")]
MinPassRateOption = Annotated[
    float | None,
    typer.Option(
        "--min-pass-rate", help="A test passes when this share of its runs pass (0..1; default: all)."
    ),
]
JunitOption = Annotated[
    Path | None, typer.Option("--junit", help="Write a JUnit XML report here (- for stdout).")
]
JsonReportOption = Annotated[
    Path | None, typer.Option("--json", help="Write a JSON report here (- for stdout).")
]
HtmlOption = Annotated[
    Path | None, typer.Option("--html", help="Write a self-contained HTML report here (no network needed).")
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Give up waiting after this many seconds.")]
ShowTranscriptOption = Annotated[
    bool, typer.Option("--show-transcript", help="Print every transcript turn, not only failures'.")
]
SyncAgentsOption = Annotated[
    bool, typer.Option("--sync-agents", help="With --against deployed: sync the agents first.")
]


class CompareWith(StrEnum):
    deployed = "deployed"


CompareOption = Annotated[
    CompareWith | None,
    typer.Option(
        "--compare",
        help="Also run the tests against the deployed agent; report flips (passed → failed exits 1).",
    ),
]
ChangedOption = Annotated[
    bool,
    typer.Option(
        "--changed",
        help="Only agents whose config, tests or referenced tools/documents changed since they last "
        "passed (.agents/test-cache.json).",
    ),
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="With --changed: ignore the test cache and run everything.")
]


@app.command("test")
def test_command(
    ctx: typer.Context,
    agents: AgentsArgument = None,
    env: EnvOption = None,
    test: TestOption = None,
    tag: TagOption = None,
    against: AgainstOption = Against.local,
    repeat: RepeatOption = 1,
    min_pass_rate: MinPassRateOption = None,
    junit: JunitOption = None,
    json_report: JsonReportOption = None,
    html: HtmlOption = None,
    timeout: TimeoutOption = 300.0,
    show_transcript: ShowTranscriptOption = False,
    sync_agents: SyncAgentsOption = False,
    compare: CompareOption = None,
    changed: ChangedOption = False,
    no_cache: NoCacheOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Run the tests attached to agents and simulated-conversation scenarios; write JUnit/JSON reports."""
    from agents_cli.commands import test as command

    request = command.TestRequest(
        agents=tuple(agents or ()),
        env=env,
        tests=tuple(test or ()),
        tags=tuple(tag or ()),
        against=against.value,
        repeat=repeat,
        min_pass_rate=min_pass_rate,
        junit=junit,
        # --format json: the JSON report on stdout, people's output on stderr (as with --json -)
        json_report=json_report if json_report is not None or not _wants_json(ctx) else command.STDOUT,
        html=html,
        timeout=timeout,
        show_transcript=show_transcript,
        sync_agents=sync_agents,
        compare=compare.value if compare else None,
        changed=changed,
        no_cache=no_cache,
        base_url=base_url,
        concurrency=concurrency,
    )
    invoke(ctx, "test", command.run_tests, request, json=request.json_report == command.STDOUT)


def _wants_json(ctx: typer.Context) -> bool:
    from agents_cli.cli.app import GlobalOptions

    options = ctx.find_root().obj
    return isinstance(options, GlobalOptions) and options.format == "json"


@emulator_app.command("serve")
def emulator_serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Bind address (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port; 0 picks a free one.")] = 8765,
    data: Annotated[Path | None, typer.Option("--data", help="SQLite file (default: in memory).")] = None,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Fixed latency per request.")] = 0.0,
    jitter_ms: Annotated[float, typer.Option("--jitter-ms", help="Random extra latency, up to this.")] = 0.0,
    fault_rate: Annotated[
        float, typer.Option("--fault-rate", help="Share of requests that fail (0..1).")
    ] = 0.0,
    faults: Annotated[
        str | None, typer.Option("--faults", help="Fault kinds, e.g. '429,500,502,503,drop,slow'.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for reproducible faults.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Reject unknown keys instead of dropping them.")
    ] = False,
    api_key: Annotated[
        list[str] | None,
        typer.Option("--api-key", help="Accepted xi-api-key values (default: any non-empty)."),
    ] = None,
    completion_polls: Annotated[
        int | None, typer.Option("--completion-polls", help="Test runs complete after this many polls.")
    ] = None,
    completion_delay: Annotated[
        float | None, typer.Option("--completion-delay", help="Test runs complete after this many seconds.")
    ] = None,
) -> None:
    """Serve the emulator over HTTP until SIGINT/SIGTERM."""
    from agents_cli.commands import emulator as command

    request = command.ServeRequest(
        host=host,
        port=port,
        data=data,
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        fault_rate=fault_rate,
        faults=faults,
        seed=seed,
        strict=strict,
        api_keys=tuple(api_key or ()),
        completion_polls=completion_polls,
        completion_delay=completion_delay,
    )
    invoke(ctx, "emulator", command.serve_emulator, request)
