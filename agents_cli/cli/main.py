"""Composition root: the console-script entry point.

Importing ``project_commands`` and ``remote_commands`` registers their commands on ``app`` (in help
order); the error boundary is ``cli.app.dispatch``.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from agents_cli.cli import project_commands, remote_commands  # noqa: F401  (registers the commands)
from agents_cli.cli.app import app
from agents_cli.errors import ExitCode

__all__ = ["app", "main"]


def _click_exceptions() -> Any:
    # typer >= 0.29 vendors click as typer._click; older releases use the click package.
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


# Global flags that people also type after the command (`agents plan --debug`); click only accepts them first.
_HOISTED_FLAGS = ("--debug", "--no-color")


def hoist_global_flags(argv: list[str]) -> list[str]:
    """Move global flags found after the command to the front (not past a ``--`` separator)."""
    end = argv.index("--") if "--" in argv else len(argv)
    hoisted = [arg for arg in argv[:end] if arg in _HOISTED_FLAGS]
    rest = [arg for arg in argv[:end] if arg not in _HOISTED_FLAGS]
    return hoisted + rest + argv[end:]


def main() -> None:
    """Console-script entry point. Usage errors exit 1 (2 is reserved for 'changes present')."""
    exceptions = _click_exceptions()
    try:
        # In non-standalone mode click returns the code of a typer.Exit instead of raising it.
        result = app(args=hoist_global_flags(sys.argv[1:]), standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except exceptions.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.ERROR))
    except (typer.Abort, KeyboardInterrupt):
        print("error: interrupted", file=sys.stderr)
        sys.exit(int(ExitCode.INTERRUPTED))
    sys.exit(result if isinstance(result, int) else 0)
