"""Offline commands: init, add, templates, validate, rename."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agents_cli.cli import completion
from agents_cli.cli.app import (
    EnvOption,
    FileFormat,
    JsonOption,
    Kind,
    KindOption,
    ResourceNameArgument,
    app,
    templates_app,
)
from agents_cli.cli.boundary import invoke


@app.command()
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Folder to create the project in.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Replace existing files (and say which).")] = False,
) -> None:
    """Scaffold a project: agents.json with local/dev/prod environments, folders, .gitignore, .env.example."""
    from agents_cli.commands import init as command

    invoke(ctx, "init", command.init, command.InitRequest(path=path, force=force))


@app.command()
def add(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="What to add.")],
    name: Annotated[str, typer.Argument(help="Local name, e.g. 'Support Bot'.")],
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            "-t",
            help="Template name (agents templates list).",
            autocompletion=completion.templates,
        ),
    ] = None,
    env: Annotated[
        str | None,
        typer.Option(
            "--env",
            "-e",
            help="Also create an overlay for this environment (a registered NAME gets only the overlay).",
            autocompletion=completion.environments,
        ),
    ] = None,
    file_format: Annotated[
        FileFormat, typer.Option("--format", help="Config file format.")
    ] = FileFormat.yaml,
    from_conversation: Annotated[
        str | None,
        typer.Option("--from-conversation", help="A test from this conversation (its id; reads the API)."),
    ] = None,
    until_turn: Annotated[
        int | None,
        typer.Option(
            "--until-turn", min=1, help="With --from-conversation: the turn to test (default last)."
        ),
    ] = None,
) -> None:
    """Create a config from a template and register it in agents.json (offline; a test from a conversation
    with --from-conversation reads the API)."""
    from agents_cli.commands import add as command

    if from_conversation is not None:
        from agents_cli.commands import conversations

        made = conversations.FromConversationRequest(name, from_conversation, env, until_turn)
        invoke(ctx, "add", conversations.add_test_from_conversation, made)
        return
    request = command.AddRequest(kind.value, name, template, env, file_format.value)
    invoke(ctx, "add", command.add, request)


@templates_app.command("list")
def templates_list(
    ctx: typer.Context,
    kind: Annotated[Kind | None, typer.Argument(help="Only this kind.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the built-in templates."""
    from agents_cli.commands import templates as command

    request = command.ListTemplatesRequest(kind.value if kind else None)
    invoke(ctx, "templates", command.list_builtin, request, json=as_json)


@templates_app.command("show")
def templates_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template name.", autocompletion=completion.templates)],
    kind: Annotated[Kind | None, typer.Option("--kind", help="Disambiguate by kind.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print a template."""
    from agents_cli.commands import templates as command

    request = command.ShowTemplateRequest(name, kind.value if kind else None)
    invoke(ctx, "templates", command.show_builtin, request, json=as_json)


@app.command()
def validate(
    ctx: typer.Context,
    env: EnvOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat catalog warnings (unknown LLM ids…) as errors.")
    ] = False,
    allow_literal: Annotated[
        bool,
        typer.Option(
            "--allow-literal", help="Let a secret's value be written out instead of a ${VAR} placeholder."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check the manifest and every config offline against the API schemas; report all problems at once."""
    from agents_cli.commands import validate as command

    request = command.ValidateRequest(env, strict, allow_literal)
    invoke(ctx, "validate", command.validate, request, json=as_json)


@app.command("rename")
def rename_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The current local name.", autocompletion=completion.resources)],
    new_name: Annotated[str, typer.Argument(help="The new local name (slugged like 'agents add').")],
    kind: KindOption = None,
) -> None:
    """Change a resource's local name (manifest, files, state, references) without a new remote resource."""
    from agents_cli.commands import rename as command

    request = command.RenameRequest(name, new_name, kind.value if kind else None)
    invoke(ctx, "rename", command.rename, request)


@app.command("render")
def render_command(
    ctx: typer.Context,
    name: ResourceNameArgument,
    env: EnvOption = None,
    kind: KindOption = None,
    resolve: Annotated[
        bool,
        typer.Option("--resolve", help="Show references as the environment's remote ids (from its state)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Print the effective config of one resource in one environment: overlays merged, references by name
    (or resolved with --resolve), placeholders never resolved. Offline."""
    from agents_cli.commands import render as command

    request = command.RenderRequest(name, env, kind.value if kind else None, resolve)
    invoke(ctx, "render", command.render, request, json=as_json)
