"""The one error boundary. Every command runs inside ``invoke``: the typer function builds a typed request,
``invoke`` calls the command with it, renders what it returns (``render``: one renderer per result type,
text or JSON by ``--format``) and turns exceptions into exit codes and words:

- an expected error (``AgentsError``): its message and hint on stderr (``wording``), exit 1 (or its own
  code); with JSON output also ``{"error": {message, hint, exit_code}}`` on stdout unless the command
  already wrote its document;
- Ctrl-C: exit 130, with a hint where rerunning is safe;
- anything else is a bug: exit 3, a crash log (``crash``, keys redacted) named on stderr.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from agents_cli.cli.wording import words
from agents_cli.context import AppContext
from agents_cli.errors import AgentsError, ExitCode, use_wording

if TYPE_CHECKING:
    pass

R = TypeVar("R")
use_wording(words)  # structured errors read the CLI's words wherever their message is used

# Ctrl-C in the middle of remote writes: what the user most needs to know is that rerunning is safe.
INTERRUPTED_HINTS = {
    "sync": "every finished operation is recorded in state/<env>.json; run the same 'agents sync' again "
    "to finish (nothing is created twice)",
}


def app_context(ctx: typer.Context, *, json: bool = False) -> AppContext:
    """The command's context from the global options (``--json`` on the command wins over ``--format``)."""
    from agents_cli.cli.app import GlobalOptions

    options = ctx.find_root().obj
    if not isinstance(options, GlobalOptions):
        options = GlobalOptions()
    app = options.context()
    if json:
        app.format = "json"
    app.ask = lambda question: bool(typer.confirm(question, default=False, err=True))
    app.show = lambda value: _show(app, value)

    def report(error: BaseException) -> None:
        _report(app, error)

    app.report = report
    app.progress = lambda: _live_progress(app)
    app.reading = lambda: _live_reading(app)
    return app


def _live_reading(app: AppContext) -> AbstractContextManager[Any]:
    from agents_cli.cli.render.reading import LiveReading

    return LiveReading(app.out)


def _live_progress(app: AppContext) -> AbstractContextManager[Any]:
    from agents_cli.cli.render.tests import LiveProgress

    return LiveProgress(app.out)


def invoke(
    ctx: typer.Context,
    name: str,
    command: Callable[[AppContext, R], object],
    request: R,
    *,
    json: bool = False,
) -> NoReturn:
    """Run ``command(app, request)`` inside the boundary and exit with its code."""
    raise typer.Exit(run(app_context(ctx, json=json), name, command, request))


def run(app: AppContext, name: str, command: Callable[[AppContext, R], object], request: R) -> int:
    """``command(app, request)``, its result rendered; the exit code (never raises, but for typer.Exit)."""
    try:
        return present(app, command(app, request))
    except AgentsError as exc:
        return _report(app, exc)
    except KeyboardInterrupt:
        return _fail(app, "interrupted", INTERRUPTED_HINTS.get(name), int(ExitCode.INTERRUPTED))
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: one line, a crash log, exit 3
        return _crash(app, exc, list(app.host.argv) or [name])


def present(app: AppContext, result: object) -> int:
    """Render a command's result (an int is only an exit code) and return the exit code."""
    if isinstance(result, int):
        return result
    from agents_cli.cli.render import renderer_for

    renderer = renderer_for(result)
    if app.format == "markdown" and renderer.markdown is not None:
        write_markdown(app, renderer.markdown(result))
    elif app.json:
        if renderer.stderr is not None:
            renderer.stderr(app, result)
        app.out.json(renderer.json(result))
    else:
        renderer.text(app, result)
    error = getattr(result, "error", None)
    if isinstance(error, AgentsError):
        return _report(app, error)
    return int(getattr(result, "exit_code", 0))


def write_markdown(app: AppContext, document: str) -> None:
    """The document on stdout, and appended to ``$GITHUB_STEP_SUMMARY`` when set (a GitHub Actions job
    summary: the file is the runner's, each step appends to it)."""
    app.out.stdout.write(document)
    app.out.stdout.flush()
    summary = app.host.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from pathlib import Path

        with Path(summary).open("a", encoding="utf-8") as stream:
            stream.write(document + "\n")


def _show(app: AppContext, value: object) -> None:
    if app.json:
        return
    from agents_cli.cli.render import renderer_for

    renderer_for(value).text(app, value)


def _report(app: AppContext, error: BaseException) -> int:
    if not isinstance(error, AgentsError):
        raise error
    from agents_cli.cli.wording import details

    if app.debug:
        traceback.print_exception(error, file=app.out.stderr)
    for line in details(error, app.cwd):
        app.out.info(line)
    message, hint = words(error)
    return _fail(app, message, hint, int(error.exit_code))


def _fail(app: AppContext, message: str, hint: str | None, code: int) -> int:
    """The error for people on stderr; with JSON output also ``{"error": {...}}`` on stdout, so a script
    reading stdout always gets one JSON document (unless the command already wrote its own, e.g. a failed
    sync's summary, which carries the failures)."""
    app.out.error(message, hint=hint)
    if app.json and not app.out.wrote_json:
        app.out.json({"error": {"message": message, "hint": hint, "exit_code": code}})
    return code


def _crash(app: AppContext, error: Exception, argv: list[str]) -> int:
    from agents_cli.cli.crash import redact, write_crash_log

    environ = app.host.environ
    if app.debug:
        app.out.stderr.write(redact("".join(traceback.format_exception(error)), environ))
    log = write_crash_log(app.host.state_home / "agents-cli", error, argv, environ)
    where = f"a crash log is in {log}" if log is not None else "no crash log could be written"
    hint = f"{where}; please report it (run again with --debug for the traceback)"
    message = redact(f"internal error: {type(error).__name__}: {error}", environ)
    return _fail(app, message, hint, int(ExitCode.BUG))
