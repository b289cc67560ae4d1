"""Composition root: the console-script entry point.

Importing the modules of ``cli/commands/`` registers their commands on ``app`` (in help order); the error
boundary is ``cli.boundary``. ``main`` is the only place that reads the process (``Host.from_process``).
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import typer

from agents_cli.cli import commands  # noqa: F401  (registers the commands)
from agents_cli.cli.app import app
from agents_cli.cli.lazy import root_command
from agents_cli.errors import ExitCode
from agents_cli.host import Host, exit_now

__all__ = ["app", "entry", "main"]


def _click_exceptions() -> Any:
    # typer >= 0.29 vendors click as typer._click; older releases use the click package.
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


# Global flags that people also type after the command (`agents plan --debug`); click only accepts them first.
_HOISTED_FLAGS = ("--debug", "--no-color")
# Commands whose own --format is a file format (yaml|json): there --format after the command is theirs.
_OWN_FORMAT = ("add", "pull")


# Global options that take a value: what follows them is not the command.
_GLOBAL_WITH_VALUE = ("-C", "--chdir", "--format")


def _command_of(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def hoist_global_flags(argv: list[str]) -> list[str]:
    """Move global options found after the command to the front (not past a ``--`` separator)."""
    end = argv.index("--") if "--" in argv else len(argv)
    head, tail = argv[:end], argv[end:]
    command = _command_of(head)
    hoisted: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(head):
        arg = head[index]
        if arg in _HOISTED_FLAGS or (command not in _OWN_FORMAT and arg.startswith("--format=")):
            hoisted.append(arg)
        elif command not in _OWN_FORMAT and arg == "--format" and index + 1 < len(head):
            hoisted += [arg, head[index + 1]]
            index += 1
        else:
            rest.append(arg)
        index += 1
    return hoisted + rest + tail


def main() -> None:
    """Console-script entry point. Usage errors exit 1 (2 is reserved for 'changes present')."""
    exceptions = _click_exceptions()
    host = Host.from_process()
    try:
        # In non-standalone mode click returns the code of a typer.Exit instead of raising it.
        root = root_command(app)  # builds only the command this run names
        result = root(args=hoist_global_flags(list(host.argv)), standalone_mode=False, obj=host)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except exceptions.ClickException as exc:
        exc.show(file=host.stderr)
        sys.exit(int(ExitCode.ERROR))
    except (typer.Abort, KeyboardInterrupt):
        host.stderr.write("error: interrupted\n")
        sys.exit(int(ExitCode.INTERRUPTED))
    sys.exit(result if isinstance(result, int) else 0)


def entry() -> None:
    """The process's entry (console script, ``python -m``): ``main``, then leave at once.

    What is imported so far lives as long as the process: frozen, the collector never walks it again, and
    collections stay rare (a run's garbage is mostly acyclic and freed by reference counting). Once ``main``
    has returned every result is written (state files are fsynced when written) and the output is flushed
    by ``exit_now``; tearing the interpreter down would only free memory the kernel frees anyway."""
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    gc.enable()
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    exit_now(code)
