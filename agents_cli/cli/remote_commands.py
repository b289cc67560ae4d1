"""Commands that talk to an environment: plan, sync, test, pull, status, auth… (declarations only)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from agents_cli.cli import completion
from agents_cli.cli.app import (
    BaseUrlOption,
    ConcurrencyOption,
    EnvOption,
    FileFormat,
    JsonOption,
    Kind,
    OnlyOption,
    app,
    dispatch,
    emulator_app,
)

# Remote commands ------------------------------------------------------------------------------
ReplaceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--replace",
        metavar="NAME",
        help="Create this agent again from its config (a new id), then delete the old one: applies what a "
        "PATCH cannot, such as removed map keys (repeatable).",
        autocompletion=completion.agents,
    ),
]


def _plan(
    ctx: typer.Context,
    env: EnvOption = None,
    as_json: JsonOption = False,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 2 when there are changes, 0 when none.")
    ] = False,
    only: OnlyOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Also show remote resources that would be deleted.")
    ] = False,
    replace: ReplaceOption = None,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Also save the plan to FILE; 'agents sync FILE' applies exactly it (no secret is written).",
        ),
    ] = None,
) -> None:
    """Show what sync would change, field by field, against the deployed state."""
    dispatch(
        ctx,
        "plan",
        env=env,
        as_json=as_json,
        detailed_exitcode=detailed_exitcode,
        only=only or [],
        prune=prune,
        replace=replace or [],
        base_url=base_url,
        concurrency=concurrency,
        out=out,
    )


app.command("plan")(_plan)
app.command("diff", help="Alias of 'plan'.")(_plan)


@app.command()
def sync(
    ctx: typer.Context,
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="PLANFILE",
            help="A plan saved by 'agents plan --out': apply exactly it, refused if anything moved since.",
            show_default=False,
        ),
    ] = None,
    env: EnvOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan, change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Delete remote resources removed locally.")] = False,
    only: OnlyOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite remote drift.")] = False,
    replace: ReplaceOption = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Apply the plan: create, update (and with --prune delete) remote resources, in dependency order."""
    dispatch(
        ctx,
        "sync",
        plan_file=plan_file,
        env=env,
        dry_run=dry_run,
        yes=yes,
        prune=prune,
        only=only or [],
        force=force,
        replace=replace or [],
        as_json=as_json,
        base_url=base_url,
        concurrency=concurrency,
    )


class Against(StrEnum):
    local = "local"
    deployed = "deployed"


@app.command("test")
def test_command(
    ctx: typer.Context,
    agents: Annotated[
        list[str] | None,
        typer.Argument(help="Agents to test (default: all with tests).", autocompletion=completion.agents),
    ] = None,
    env: EnvOption = None,
    test: Annotated[
        list[str] | None,
        typer.Option(
            "--test",
            help="Only these tests/scenarios (repeatable).",
            autocompletion=completion.tests_and_scenarios,
        ),
    ] = None,
    against: Annotated[
        Against,
        typer.Option("--against", help="Test the local config (before deploy) or the deployed agent."),
    ] = Against.local,
    repeat: Annotated[int, typer.Option("--repeat", min=1, max=50, help="Run each test N times.")] = 1,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Write a JUnit XML report here (- for stdout).")
    ] = None,
    json_report: Annotated[
        Path | None, typer.Option("--json", help="Write a JSON report here (- for stdout).")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Give up waiting after this many seconds.")
    ] = 300.0,
    show_transcript: Annotated[
        bool, typer.Option("--show-transcript", help="Print every transcript turn, not only failures'.")
    ] = False,
    sync_agents: Annotated[
        bool, typer.Option("--sync-agents", help="With --against deployed: sync the agents first.")
    ] = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Run the tests attached to agents and simulated-conversation scenarios; write JUnit/JSON reports."""
    dispatch(
        ctx,
        "test",
        agents=agents or [],
        env=env,
        tests=test or [],
        against=against.value,
        repeat=repeat,
        junit=junit,
        json_report=json_report,
        timeout=timeout,
        show_transcript=show_transcript,
        sync_agents=sync_agents,
        base_url=base_url,
        concurrency=concurrency,
    )


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
    dispatch(
        ctx,
        "emulator",
        host=host,
        port=port,
        data=data,
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        fault_rate=fault_rate,
        faults=faults,
        seed=seed,
        strict=strict,
        api_keys=api_key or [],
        completion_polls=completion_polls,
        completion_delay=completion_delay,
    )


# Everyday commands: auth, list, delete, widget (issue 6) -------------------------------------------
auth_app = typer.Typer(help="Store, check and forget API keys per environment.", no_args_is_help=True)
app.add_typer(auth_app, name="auth")


@auth_app.command("login")
def auth_login(
    ctx: typer.Context,
    env: EnvOption = None,
    key_stdin: Annotated[
        bool, typer.Option("--key-stdin", help="Read the key from stdin instead of a hidden prompt.")
    ] = False,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Store the key without checking it.")
    ] = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Store an API key for an environment in the OS keyring (or a 0600 file), after checking it."""
    dispatch(
        ctx, "auth", action="login", env=env, key_stdin=key_stdin, verify=not no_verify, base_url=base_url
    )


@auth_app.command("logout")
def auth_logout(ctx: typer.Context, env: EnvOption = None) -> None:
    """Forget the stored API key of an environment (environment variables and .env are left alone)."""
    dispatch(ctx, "auth", action="logout", env=env, key_stdin=False, verify=False, base_url=None)


@auth_app.command("whoami")
def auth_whoami(
    ctx: typer.Context, env: EnvOption = None, as_json: JsonOption = False, base_url: BaseUrlOption = None
) -> None:
    """Show the user behind an environment's key, the masked key, where it came from and the base URL."""
    dispatch(ctx, "auth", action="whoami", env=env, as_json=as_json, base_url=base_url)


@app.command("list")
def list_command(
    ctx: typer.Context,
    env: EnvOption = None,
    remote: Annotated[
        bool, typer.Option("--remote", help="List the remote agents, tools and tests instead (all pages).")
    ] = False,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind.")] = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """List local resources (kind, name, file, remote id) or, with --remote, what the environment holds."""
    dispatch(
        ctx,
        "list_resources",
        env=env,
        remote=remote,
        kind=kind.value if kind else None,
        as_json=as_json,
        base_url=base_url,
    )


@app.command("delete")
def delete_command(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(help="Local name of the agent, tool or test.", autocompletion=completion.resources),
    ],
    env: EnvOption = None,
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Disambiguate when several kinds share the name.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    keep_local: Annotated[
        bool,
        typer.Option("--keep-local", help="Delete only remotely; keep the files and the manifest entry."),
    ] = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Delete a resource remotely (in one environment) and locally (manifest entry and files)."""
    dispatch(
        ctx,
        "delete",
        name=name,
        env=env,
        kind=kind.value if kind else None,
        yes=yes,
        keep_local=keep_local,
        as_json=as_json,
        base_url=base_url,
    )


@app.command("widget")
def widget_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Local name of the agent.", autocompletion=completion.agents)],
    env: EnvOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the HTML embed snippet of a synced agent (with server-location for residency environments)."""
    dispatch(ctx, "widget", name=name, env=env, as_json=as_json)


@app.command("status")
def status_command(
    ctx: typer.Context,
    env: EnvOption = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Where every resource stands: in sync, local changes, remote drift, not yet created, missing remotely,
    untracked remote."""
    dispatch(ctx, "status", env=env, as_json=as_json, base_url=base_url, concurrency=concurrency)


@app.command("pull")
def pull_command(
    ctx: typer.Context,
    env: EnvOption = None,
    pull_all: Annotated[
        bool, typer.Option("--all", help="Import new remote resources and update the tracked ones.")
    ] = False,
    update: Annotated[
        bool, typer.Option("--update", help="Only update resources this environment already tracks.")
    ] = False,
    only: OnlyOption = None,
    file_format: Annotated[
        FileFormat, typer.Option("--format", help="Format of new files.")
    ] = FileFormat.yaml,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files with local changes that were never synced.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be written, write nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before overwriting files.")] = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Import remote agents, tools and tests into minimal config files, the manifest and state (default: only
    what the project does not have yet)."""
    if pull_all and update:
        raise typer.BadParameter("--all and --update exclude each other", param_hint="--all/--update")
    dispatch(
        ctx,
        "pull",
        env=env,
        mode="all" if pull_all else "update" if update else "new",
        only=only or [],
        file_format=file_format.value,
        force=force,
        dry_run=dry_run,
        yes=yes,
        as_json=as_json,
        base_url=base_url,
        concurrency=concurrency,
    )


@app.command("watch")
def watch_command(
    ctx: typer.Context,
    env: EnvOption = None,
    apply: Annotated[
        bool, typer.Option("--sync", help="Apply the plan on every change (sync --yes).")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.05, help="Seconds between scans of the project files.")
    ] = 0.5,
    debounce: Annotated[
        float,
        typer.Option("--debounce", min=0.0, help="Wait this long after the last change before running."),
    ] = 0.3,
    base_url: BaseUrlOption = None,
) -> None:
    """Re-validate and re-plan (or sync) whenever a config file changes, until Ctrl-C."""
    dispatch(ctx, "watch", env=env, apply=apply, interval=interval, debounce=debounce, base_url=base_url)
