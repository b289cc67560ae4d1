"""Everyday commands: list, delete, widget, status, pull, watch."""

from __future__ import annotations

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
    KindOption,
    OnlyOption,
    ResourceNameArgument,
    app,
)
from agents_cli.cli.boundary import invoke


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
    from agents_cli.commands import list_resources as command

    request = command.ListRequest(env, remote, kind.value if kind else None, base_url)
    invoke(ctx, "list", command.list_resources, request, json=as_json)


@app.command("delete")
def delete_command(
    ctx: typer.Context,
    name: ResourceNameArgument,
    env: EnvOption = None,
    kind: KindOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    keep_local: Annotated[
        bool,
        typer.Option("--keep-local", help="Delete only remotely; keep the files and the manifest entry."),
    ] = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Delete a resource remotely (in one environment) and locally (manifest entry and files)."""
    from agents_cli.commands import delete as command

    request = command.DeleteRequest(name, env, kind.value if kind else None, yes, keep_local, base_url)
    invoke(ctx, "delete", command.delete, request, json=as_json)


@app.command("widget")
def widget_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Local name of the agent.", autocompletion=completion.agents)],
    env: EnvOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the HTML embed snippet of a synced agent (with server-location for residency environments)."""
    from agents_cli.commands import widget as command

    invoke(ctx, "widget", command.widget, command.WidgetRequest(name, env), json=as_json)


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
    from agents_cli.commands import status as command

    request = command.StatusRequest(env, base_url, concurrency)
    invoke(ctx, "status", command.status, request, json=as_json)


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
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            metavar="VERSION_ID",
            help="Write this older version of an agent as its files (see 'agents history'); state is kept.",
            show_default=False,
        ),
    ] = None,
    all_branches: Annotated[
        bool,
        typer.Option("--all-branches", help="First add an environment for each agent branch without one."),
    ] = False,
) -> None:
    """Import remote agents, tools and tests into minimal config files, the manifest and state (default: only
    what the project does not have yet)."""
    if pull_all and update:
        raise typer.BadParameter("--all and --update exclude each other", param_hint="--all/--update")
    from agents_cli.commands import pull as command

    request = command.PullRequest(
        env=env,
        mode="all" if pull_all else "update" if update else "new",
        only=tuple(only or ()),
        file_format=file_format.value,
        force=force,
        dry_run=dry_run,
        yes=yes,
        base_url=base_url,
        concurrency=concurrency,
        version=version,
        all_branches=all_branches,
    )
    invoke(ctx, "pull", command.pull, request, json=as_json)


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
    from agents_cli.commands import watch as command

    request = command.WatchRequest(env, apply, interval, debounce, base_url)
    invoke(ctx, "watch", command.watch, request)
