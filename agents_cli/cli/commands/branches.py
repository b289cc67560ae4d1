"""agents history (an agent's versions), agents promote (one environment's agents into another) and agents
rebase (a branch environment's branch brought up to date with main)."""

from __future__ import annotations

from typing import Annotated

import typer

from agents_cli.cli import completion
from agents_cli.cli.app import BaseUrlOption, ConcurrencyOption, EnvOption, JsonOption, app
from agents_cli.cli.boundary import invoke


@app.command("history")
def history_command(
    ctx: typer.Context,
    agent: Annotated[str, typer.Argument(help="The agent.", autocompletion=completion.agents)],
    env: EnvOption = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """List the versions of the agent's branch in the environment (id, time, description), oldest first."""
    from agents_cli.commands import history as command

    invoke(ctx, "history", command.history, command.HistoryRequest(agent, env, base_url), json=as_json)


@app.command("promote")
def promote_command(
    ctx: typer.Context,
    agents: Annotated[
        list[str], typer.Argument(help="The agents to promote.", autocompletion=completion.agents)
    ],
    source: Annotated[
        str,
        typer.Option("--from", help="The environment promoted from.", autocompletion=completion.environments),
    ],
    target: Annotated[
        str,
        typer.Option("--to", help="The environment promoted to.", autocompletion=completion.environments),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Promote despite conflicts: the source's values win.")
    ] = False,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Separate workspaces: describe the versions the sync makes."),
    ] = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Promote agents from one environment to another: branches of one agent are merged after a reviewed
    merge plan (conflicts refused without --force); separate workspaces get the source's configs synced."""
    from agents_cli.commands import promote as command

    request = command.PromoteRequest(
        tuple(agents), source, target, yes, force, base_url, concurrency, message
    )
    invoke(ctx, "promote", command.promote, request, json=as_json)


@app.command("rebase")
def rebase_command(
    ctx: typer.Context,
    agents: Annotated[
        list[str], typer.Argument(help="The agents to rebase.", autocompletion=completion.agents)
    ],
    env: EnvOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebase despite conflicts: main's values win.")
    ] = False,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help="With --force: describe the version that takes main's values."),
    ] = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Bring a branch environment's branch of the agents up to date with main, after a reviewed rebase
    plan (conflicts refused without --force); state records the rebased version."""
    from agents_cli.commands import rebase as command

    request = command.RebaseRequest(tuple(agents), env, yes, force, base_url, concurrency, message)
    invoke(ctx, "rebase", command.rebase, request, json=as_json)
