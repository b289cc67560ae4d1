"""The typer application, the shared option types and the one error boundary (``dispatch``).

Command declarations live in ``cli_project`` (offline commands) and ``cli_remote`` (commands that talk to an
environment); ``cli`` imports both so they register, in help order. Command modules are imported inside each
command so that ``agents --help`` loads no heavy library. ``dispatch`` turns exceptions into exit codes
(0 ok, 1 error, 2 changes present with --detailed-exitcode, 3 bug, 130 interrupted) and one-line messages.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agents_cli import __version__
from agents_cli.cli import completion
from agents_cli.cli.output import Output
from agents_cli.context import AppContext
from agents_cli.errors import AgentsError, ExitCode
from agents_cli.kinds import REGISTRY

app = typer.Typer(
    name="agents",
    help="Manage ElevenLabs Conversational AI agents as code: validate, plan, sync and test per environment.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
templates_app = typer.Typer(help="List and show the built-in config templates.", no_args_is_help=True)
emulator_app = typer.Typer(
    help="Run the embedded emulator of the ElevenLabs convai API.", no_args_is_help=True
)
app.add_typer(templates_app, name="templates")
app.add_typer(emulator_app, name="emulator")


if TYPE_CHECKING:

    class Kind(StrEnum):
        """The registry's kind names (built at run time from ``agents_cli.kinds.REGISTRY``)."""

else:
    Kind = StrEnum("Kind", {kind.name: kind.name for kind in REGISTRY.listed()})


class FileFormat(StrEnum):
    yaml = "yaml"
    json = "json"


def _version(value: bool) -> None:
    if value:
        print(f"agents {__version__}")
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
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = AppContext(out=Output(no_color=no_color), debug=debug, cwd=(chdir or Path.cwd()).resolve())
    configure_logging(debug=debug)


def configure_logging(*, debug: bool) -> None:
    """Our loggers (``agents_cli.*``) write to the current stderr: warnings always (e.g. a request that keeps
    being retried), everything with --debug (requests, retries, key sources — never key values).

    Libraries stay at WARNING: httpcore/asyncio DEBUG lines would bury the few lines that matter. The handler
    looks up ``sys.stderr`` on every record, so in-process runs (tests) never write to an earlier run's
    closed stream. ``logging`` is imported here, not at module level, to keep ``agents --help`` light."""
    import logging

    class CurrentStderrHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                sys.stderr.write(self.format(record) + "\n")
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
    handler = CurrentStderrHandler(logging.DEBUG if debug else logging.WARNING)
    handler.name = "agents-cli"
    handler.setFormatter(DiagnosticFormatter())
    ours.addHandler(handler)
    # NOTSET without --debug: the handler filters, and the loggers' own levels stay as the process had them
    # (in-process runs must not change what a test's log capture sees).
    ours.setLevel(logging.DEBUG if debug else logging.NOTSET)
    if debug:
        logging.getLogger().setLevel(logging.WARNING)


# Ctrl-C in the middle of remote writes: what the user most needs to know is that rerunning is safe.
INTERRUPTED_HINTS = {
    "sync": "every finished operation is recorded in state/<env>.json; run the same 'agents sync' again "
    "to finish (nothing is created twice)",
}


def dispatch(ctx: typer.Context, command: str, **options: Any) -> None:
    """Run ``agents_cli.commands.<command>.run(app_ctx, **options)`` inside the error boundary."""
    app_ctx: AppContext = ctx.obj if isinstance(ctx.obj, AppContext) else AppContext()
    out = app_ctx.out
    try:
        module = importlib.import_module(f"agents_cli.commands.{command}")
        code = int(module.run(app_ctx, **options))
    except AgentsError as exc:
        if app_ctx.debug:
            traceback.print_exc(file=out.stderr)
        code = int(exc.exit_code)
        _report_error(out, exc.message, exc.hint, code, as_json=_wants_json(options))
    except KeyboardInterrupt:
        code = int(ExitCode.INTERRUPTED)
        hint = INTERRUPTED_HINTS.get(command)
        _report_error(out, "interrupted", hint, code, as_json=_wants_json(options))
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: say so in one line, traceback only with --debug
        if app_ctx.debug:
            traceback.print_exc(file=out.stderr)
        code = int(ExitCode.BUG)
        message = f"internal error: {type(exc).__name__}: {exc}"
        hint = "run again with --debug for the traceback and report it"
        _report_error(out, message, hint, code, as_json=_wants_json(options))
    raise typer.Exit(code)


def _wants_json(options: dict[str, Any]) -> bool:
    """--json, or 'agents test --json -' (the JSON report on stdout)."""
    return bool(options.get("as_json")) or str(options.get("json_report")) == "-"


def _report_error(out: Output, message: str, hint: str | None, code: int, *, as_json: bool) -> None:
    """The error for people on stderr; with --json also ``{"error": {...}}`` on stdout, so a script reading
    stdout always gets one JSON document (unless the command already wrote its own, e.g. a failed sync's
    summary, which carries the failures)."""
    out.error(message, hint=hint)
    if as_json and not out.wrote_json:
        out.json({"error": {"message": message, "hint": hint, "exit_code": code}})


# Shared option declarations -----------------------------------------------------------------------
EnvOption = Annotated[
    str | None,
    typer.Option(
        "--env", "-e", help="Environment name from agents.json.", autocompletion=completion.environments
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
OnlyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        metavar="NAME",
        help="Limit to these local resource names (repeatable).",
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
    int | None, typer.Option("--concurrency", min=1, max=64, help="Parallel requests (default 8).")
]
