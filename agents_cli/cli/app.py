"""The typer application, the global options and the option types commands share.

Command declarations live in ``cli/commands/`` (one module per group); each typer function builds its
command's typed request and hands it to ``boundary.invoke``, importing the command module inside the
function so that ``agents --help`` loads no heavy library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from agents_cli import __version__
from agents_cli.cli import coercion, completion
from agents_cli.cli.output import Output
from agents_cli.context import AppContext, Format
from agents_cli.host import Host
from agents_cli.kinds import REGISTRY

coercion.install()  # option values without pydantic (start-up time)


# Options that take several names: `--only A B` reads as `--only A --only B` (click takes one value per flag).
MULTI_VALUE_OPTIONS = ("--only", "--replace")


def expand_multi_value_options(args: list[str]) -> list[str]:
    """``--only A B --force`` → ``--only A --only B --force``: names up to the next option; nothing after
    ``--`` is touched."""
    expanded: list[str] = []
    repeating: str | None = None  # the option whose names are being read
    given = False  # whether it already has its first name
    for index, arg in enumerate(args):
        if arg == "--":
            return expanded + args[index:]
        if arg.startswith("-"):
            name = arg.split("=", 1)[0]
            repeating = name if name in MULTI_VALUE_OPTIONS else None
            expanded.append(arg)
            given = "=" in arg
        elif repeating is not None and given:
            expanded += [repeating, arg]
        else:
            expanded.append(arg)
            given = repeating is not None
    return expanded


class AgentsGroup(TyperGroup):
    """The root command group: multi-value options expanded before click parses the command line."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, expand_multi_value_options(args))

    def list_commands(self, ctx: Any) -> list[str]:
        """In declaration order, without building them (typer's version reads the commands' values)."""
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command's first sentence in full, wrapped to the terminal (click cut it with "..." to fit
        one line)."""
        rows = []
        summary = getattr(self.commands, "summary", None)  # a lazy tree (cli/lazy.py) builds none of them
        for name in self.list_commands(ctx):
            command = summary(name) if summary is not None else self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="agents",
    cls=AgentsGroup,
    help="Manage ElevenLabs Conversational AI agents as code: validate, plan, sync and test per environment.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
templates_app = typer.Typer(
    cls=AgentsGroup, help="List and show the built-in config templates.", no_args_is_help=True
)
emulator_app = typer.Typer(
    cls=AgentsGroup, help="Run the embedded emulator of the ElevenLabs convai API.", no_args_is_help=True
)
auth_app = typer.Typer(
    cls=AgentsGroup, help="Store, check and forget API keys per environment.", no_args_is_help=True
)
app.add_typer(templates_app, name="templates")
app.add_typer(emulator_app, name="emulator")
app.add_typer(auth_app, name="auth")

if TYPE_CHECKING:

    class Kind(StrEnum):
        """The registry's kind names (built at run time from ``agents_cli.kinds.REGISTRY``)."""

else:
    Kind = StrEnum("Kind", {kind.name: kind.name for kind in REGISTRY.listed()})


class FileFormat(StrEnum):
    yaml = "yaml"
    json = "json"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@dataclass
class GlobalOptions:
    """The options given before (or, hoisted, after) the command, and the host the run sees."""

    host: Host = field(default_factory=Host.from_process)
    debug: bool = False
    no_color: bool = False
    chdir: Path | None = None
    format: Format = "text"

    def context(self) -> AppContext:
        cwd = (self.host.cwd / self.chdir if self.chdir else self.host.cwd).resolve()
        out = Output(host=self.host, no_color=self.no_color)
        return AppContext(host=self.host, out=out, debug=self.debug, cwd=cwd, format=self.format)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"agents {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks and log HTTP requests (keys redacted).")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="Disable colour (also NO_COLOR=1).")] = False,
    chdir: Annotated[
        Path | None,
        typer.Option("--chdir", "-C", help="Run as if started in this folder.", show_default=False),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="Output: text for people, json for machines (one document on stdout), markdown for pull "
            "requests (plan, test; also appended to $GITHUB_STEP_SUMMARY when set).",
        ),
    ] = OutputFormat.text,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    host = _host(ctx.obj)
    ctx.obj = GlobalOptions(host, debug, no_color, chdir, output_format.value)
    configure_logging(host, debug=debug)


def _host(given: object) -> Host:
    """The run's host: the one ``main`` read, or one made now by a factory an in-process caller passed
    (called here, once the caller's streams are in place), else this process's."""
    if isinstance(given, Host):
        return given
    if callable(given):
        made = given()
        if isinstance(made, Host):
            return made
    return Host.from_process()


def configure_logging(host: Host, *, debug: bool) -> None:
    """Our loggers (``agents_cli.*``) write to the run's stderr: warnings always (e.g. a request that keeps
    being retried), everything with --debug (requests, retries, key sources — never key values).

    Libraries stay at WARNING: httpcore/asyncio DEBUG lines would bury the few lines that matter. The handler
    is replaced on every run, so in-process runs (tests) never write to an earlier run's closed stream.
    ``logging`` is imported here, not at module level, to keep ``agents --help`` light."""
    import logging

    class RunStderrHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                host.stderr.write(self.format(record) + "\n")
            except Exception:
                self.handleError(record)

    class DiagnosticFormatter(logging.Formatter):
        """``warning: …`` like Output's diagnostics; ``<logger>: …`` with --debug."""

        def format(self, record: logging.LogRecord) -> str:
            prefix = record.name if debug else record.levelname.lower()
            return f"{prefix}: {record.getMessage()}"

    ours = logging.getLogger("agents_cli")
    for previous in [h for h in ours.handlers if isinstance(h, logging.Handler) and h.name == "agents-cli"]:
        ours.removeHandler(previous)
    handler = RunStderrHandler(logging.DEBUG if debug else logging.WARNING)
    handler.name = "agents-cli"
    handler.setFormatter(DiagnosticFormatter())
    ours.addHandler(handler)
    # NOTSET without --debug: the handler filters, and the loggers' own levels stay as the process had them
    # (in-process runs must not change what a test's log capture sees).
    ours.setLevel(logging.DEBUG if debug else logging.NOTSET)
    if debug:
        logging.getLogger().setLevel(logging.WARNING)


# Shared option declarations -----------------------------------------------------------------------
EnvOption = Annotated[
    str | None,
    typer.Option(
        "--env", "-e", help="Environment name from agents.json.", autocompletion=completion.environments
    ),
]
ResourceNameArgument = Annotated[
    str, typer.Argument(help="Local name of the resource.", autocompletion=completion.resources)
]
KindOption = Annotated[
    Kind | None, typer.Option("--kind", help="Disambiguate when several kinds share the name.")
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Machine-readable JSON on stdout (the same as --format json).")
]
OnlyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        metavar="NAME",
        help="Limit to these local resource names (--only A B, or repeated).",
        autocompletion=completion.resources,
    ),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url", help="Override the API base URL (also ELEVENLABS_BASE_URL).", show_default=False
    ),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        min=1,
        max=64,
        help="Most parallel requests (default: AGENTS_CONCURRENCY, else the environment's 'concurrency', "
        "else 8); fewer while the API rate-limits.",
    ),
]
