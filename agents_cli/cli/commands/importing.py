"""Taking over projects made with other tools: ``agents import official``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agents_cli.cli.app import AgentsGroup, EnvOption, FileFormat, JsonOption, app
from agents_cli.cli.boundary import invoke

import_app = typer.Typer(
    cls=AgentsGroup,
    help="Take over a project made with another tool (the official ElevenLabs CLI).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


@import_app.command("official")
def import_official(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(help="The official CLI's project (its agents.json, tools.json, tests.json).")
    ] = Path("."),
    env: EnvOption = None,
    file_format: Annotated[
        FileFormat, typer.Option("--file-format", help="Format of the config files written.")
    ] = FileFormat.yaml,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import an official ElevenLabs CLI project (1.x; 0.x too): configs with @references, the manifest, and
    the pushed ids in state/<env>.json, so the first plan creates nothing twice."""
    from agents_cli.commands import import_official as command

    request = command.ImportRequest(folder, env, file_format.value, dry_run)
    invoke(ctx, "import", command.import_official, request, json=as_json)
