"""The process's surroundings — environment variables, standard streams, the home and working folders —
read once by the entry point (``Host.from_process``) and handed to everything that needs them.

No other module reads ``os.environ``, ``sys.stdin``/``stdout``/``stderr`` or the home folder (a test in
tests/test_layout.py checks): an in-process run (a test) builds a ``Host`` with exactly the variables and
streams it wants, and two runs never see each other's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


def _is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


@dataclass(frozen=True)
class Host:
    environ: Mapping[str, str]
    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
    home: Path
    cwd: Path
    argv: tuple[str, ...] = ()  # the command line after the program name (for crash logs)

    @classmethod
    def from_process(cls, **changes: Any) -> Host:
        """This process's variables, streams and folders (a copy of the variables: later changes to
        ``os.environ`` do not leak into a run)."""
        host = cls(
            dict(os.environ), sys.stdin, sys.stdout, sys.stderr, Path.home(), Path.cwd(), tuple(sys.argv[1:])
        )
        return dataclasses.replace(host, **changes) if changes else host

    def with_environ(self, **variables: str) -> Host:
        return dataclasses.replace(self, environ={**self.environ, **variables})

    @property
    def stdin_is_tty(self) -> bool:
        return _is_tty(self.stdin)

    @property
    def stdout_is_tty(self) -> bool:
        return _is_tty(self.stdout)

    @property
    def no_color(self) -> bool:
        return bool(self.environ.get("NO_COLOR"))

    @property
    def config_home(self) -> Path:
        """``$XDG_CONFIG_HOME`` or ``~/.config``: where stored keys live."""
        base = self.environ.get("XDG_CONFIG_HOME")
        return Path(base) if base else self.home / ".config"

    @property
    def state_home(self) -> Path:
        """``$XDG_STATE_HOME`` or ``~/.local/state``: where crash logs go."""
        base = self.environ.get("XDG_STATE_HOME")
        return Path(base) if base else self.home / ".local" / "state"


def exit_now(code: object) -> None:
    """End the process with ``code`` (as ``sys.exit`` would word it) after flushing stdout and stderr,
    without the interpreter's teardown (freeing every object, running atexit hooks): callers make sure
    nothing else is pending — files are written and synced, clients closed."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (``agents list | head``): nothing more to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
