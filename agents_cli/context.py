"""What every command receives: the host (variables, streams, folders), output, options every command
shares, and the few things only the CLI layer can do for a command (ask a question, show an intermediate
result, report an error in a long-running loop), injected so that commands import no terminal code."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from agents_cli.cli.output import Output
from agents_cli.host import Host

Format = Literal["text", "json", "markdown"]


class _QuietProgress:
    def __enter__(self) -> _QuietProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def started(self, agent: str, total: int) -> None:
        return None

    def finished(self, result: object) -> None:
        return None


class _QuietReading:
    """Reading the remote without a display (``engine.workspace.ReadProgress``)."""

    def __enter__(self) -> _QuietReading:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def start(self, total: int) -> None:
        return None

    def advance(self) -> None:
        return None


def _never_asked(question: str) -> bool:
    return False


def _nothing(value: object) -> None:
    return None


@dataclass
class AppContext:
    host: Host = field(default_factory=Host.from_process)
    out: Output = field(default=None)  # type: ignore[assignment]  # set in __post_init__ from the host
    debug: bool = False
    cwd: Path = field(default=None)  # type: ignore[assignment]  # the folder to look for the project in
    format: Format = "text"
    # Asks a yes/no question on the terminal (the CLI sets it; commands check for a terminal first).
    ask: Callable[[str], bool] = _never_asked
    # Shows an intermediate result (sync's plan before it is applied) in text output; nothing in JSON.
    show: Callable[[object], None] = _nothing
    # Reports an error without stopping (watch keeps watching).
    report: Callable[[BaseException], None] = _nothing
    # The display of a test run's progress (``testing.runner.Progress``): bars on a terminal.
    progress: Callable[[], AbstractContextManager[Any]] = field(default=lambda: _QuietProgress())
    # The display of reading the remote (``engine.workspace.ReadProgress``): a counter on a terminal.
    reading: Callable[[], AbstractContextManager[Any]] = field(default=lambda: _QuietReading())

    def __post_init__(self) -> None:
        if self.out is None:
            self.out = Output(host=self.host)
        if self.cwd is None:
            self.cwd = self.host.cwd

    @property
    def environ(self) -> dict[str, str]:
        return dict(self.host.environ)

    @property
    def json(self) -> bool:
        return self.format == "json"
