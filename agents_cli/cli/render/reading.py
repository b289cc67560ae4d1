"""``Reading N resources… k/N`` on a terminal while plan, sync and status read the remote (stderr, gone once
everything is read); nothing off a terminal, where a log would only collect redraws."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from agents_cli.cli.output import Output

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class LiveReading:
    """An ``engine.workspace.ReadProgress`` drawn as a transient counter; stops itself after the last read,
    before the plan is printed."""

    def __init__(self, out: Output) -> None:
        isatty = getattr(out.stderr, "isatty", None)
        self.out = out
        self.live = bool(isatty and isatty())
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> LiveReading:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop()

    def start(self, total: int) -> None:
        if not self.live or total == 0:
            return
        from rich.console import Console
        from rich.progress import MofNCompleteColumn, Progress, TextColumn

        # A terminal console even with NO_COLOR (Output's is then a plain one, which draws no live display).
        console = Console(
            file=self.out.stderr,
            force_terminal=True,
            no_color=self.out.no_color,
            color_system=None if self.out.no_color else "auto",
            _environ=dict(self.out.host.environ),
        )
        self._bar = Progress(
            TextColumn(f"Reading {total} resource{'s' if total != 1 else ''}…"),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("read", total=total)
        self._bar.start()

    def advance(self) -> None:
        if self._bar is None or self._task is None:
            return
        self._bar.advance(self._task)
        if self._bar.tasks[0].finished:
            self._stop()

    def _stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
