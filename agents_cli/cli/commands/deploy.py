"""plan (alias diff) and sync: the plan against an environment, and applying it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agents_cli.cli import completion
from agents_cli.cli.app import BaseUrlOption, ConcurrencyOption, EnvOption, JsonOption, OnlyOption, app
from agents_cli.cli.boundary import invoke

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
MessageOption = Annotated[
    str | None,
    typer.Option(
        "--message",
        "-m",
        help="Description of the agent versions this sync makes (default: the git commit subject and short "
        "hash, '(uncommitted changes)' when the tree differs).",
        show_default=False,
    ),
]
PruneOption = Annotated[
    bool, typer.Option("--prune", help="Also show remote resources that would be deleted.")
]


def _plan(
    ctx: typer.Context,
    env: EnvOption = None,
    as_json: JsonOption = False,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 2 when there are changes, 0 when none.")
    ] = False,
    only: OnlyOption = None,
    prune: PruneOption = False,
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
    against_version: Annotated[
        str | None,
        typer.Option(
            "--against-version",
            metavar="VERSION_ID",
            help="Compare with this older version of an agent, not the live one (see 'agents history').",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show what sync would change, field by field, against the deployed state."""
    from agents_cli.commands import plan as command

    request = command.PlanRequest(
        env=env,
        detailed_exitcode=detailed_exitcode,
        only=tuple(only or ()),
        prune=prune,
        replace=tuple(replace or ()),
        base_url=base_url,
        concurrency=concurrency,
        out=out,
        against_version=against_version,
    )
    invoke(ctx, "plan", command.plan, request, json=as_json)


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
    refresh_kb: Annotated[
        bool,
        typer.Option("--refresh-kb", help="Fetch URL knowledge-base documents again (not done otherwise)."),
    ] = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
    message: MessageOption = None,
) -> None:
    """Apply the plan: create, update (and with --prune delete) remote resources, in dependency order."""
    from agents_cli.commands import apply_plan
    from agents_cli.commands import sync as command

    request = command.SyncRequest(
        plan_file=plan_file,
        env=env,
        dry_run=dry_run,
        yes=yes,
        prune=prune,
        only=tuple(only or ()),
        force=force,
        replace=tuple(replace or ()),
        refresh_kb=refresh_kb,
        base_url=base_url,
        concurrency=concurrency,
        message=message,
    )
    run = apply_plan.apply_saved_plan if plan_file is not None else command.sync
    invoke(ctx, "sync", run, request, json=as_json)
