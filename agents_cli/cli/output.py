"""One output object for every command: rich text for people, JSON for machines.

Data goes to stdout, diagnostics (warnings, errors, progress) to stderr — the host's streams. Colour only on
a TTY and never when ``NO_COLOR`` is set. Rich is imported lazily so ``agents --help`` stays fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from agents_cli.host import Host


# rich replaces ``:name:`` emoji codes even without markup; text that may hold one goes through rich.
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
# Rich markup tags (``[bold]``, ``[/]``, ``[green]+[/]``), and ``\\[`` for a literal bracket.
_MARKUP_TAG = re.compile(r"(\\*)\[([a-z#/@][^\[\]]*?)\]")


def strip_markup(text: str) -> str:
    """``text`` as rich would print it without styles."""

    def replace(match: re.Match[str]) -> str:
        backslashes = match.group(1)
        if len(backslashes) % 2:  # escaped: a literal [tag]
            return backslashes[:-1] + match.group(0)[len(backslashes) :]
        return backslashes

    return _MARKUP_TAG.sub(replace, text)


def _wants_colour(stream: IO[str], no_color: bool) -> bool:
    if no_color:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Output:
    def __init__(
        self,
        *,
        host: Host | None = None,
        no_color: bool = False,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        """Streams are the host's (or the given ones); colour never with ``NO_COLOR`` or ``--no-color``."""
        from agents_cli.host import Host

        self.host = host or Host.from_process()
        self.no_color = no_color or self.host.no_color
        self._stdout = stdout
        self._stderr = stderr
        self._out_console: Console | None = None
        self._err_console: Console | None = None
        self.wrote_json = False  # a --json command that fails after its document needs no error document

    @property
    def stdout(self) -> IO[str]:
        return self._stdout or self.host.stdout

    @property
    def stderr(self) -> IO[str]:
        return self._stderr or self.host.stderr

    @property
    def is_tty(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty())

    @property
    def styled(self) -> bool:
        """Whether stdout gets colour (a terminal, and colour not turned off)."""
        return self.is_tty and not self.no_color

    @property
    def stdin_is_tty(self) -> bool:
        return self.host.stdin_is_tty

    def _console(self, err: bool) -> Console:
        from rich.console import Console

        stream = self.stderr if err else self.stdout
        colour = _wants_colour(stream, self.no_color)
        cached = self._err_console if err else self._out_console
        if cached is None or cached.file is not stream:
            cached = Console(
                file=stream,
                no_color=not colour,
                color_system="auto" if colour else None,
                force_terminal=colour,
                highlight=False,
                soft_wrap=True,
                width=None if colour else 10_000,
                _environ=dict(self.host.environ),  # COLUMNS, TERM…: the host's, not the process's
            )
            if err:
                self._err_console = cached
            else:
                self._out_console = cached
        return cached

    @property
    def console(self) -> Console:
        """The stdout console, for commands that render rich objects (tables, diffs)."""
        return self._console(err=False)

    @property
    def err_console(self) -> Console:
        return self._console(err=True)

    # -- data ---------------------------------------------------------------------------------------
    def json(self, payload: Any) -> None:
        self.wrote_json = True
        self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False) + "\n")
        self.stdout.flush()

    def line(self, text: str = "", *, style: str | None = None) -> None:
        """A line of human output on stdout (rich markup is not interpreted)."""
        if not self._plain(self.stdout, text, self._out_console):
            self.console.print(text, style=style, markup=False)

    def markup(self, text: str) -> None:
        """A line with rich markup, e.g. ``[green]+[/] create``."""
        if not self._plain(self.stdout, strip_markup(text), self._out_console):
            self.console.print(text)

    def _plain(self, stream: IO[str], text: str, console: Console | None) -> bool:
        """Write ``text`` as it is when it would print uncoloured anyway (no terminal, or colour off) and
        rich is not already in use on the stream: rich (≈40 ms to import) then only serves terminals."""
        if (
            console is not None
            or _wants_colour(stream, self.no_color)
            or (":" in text and _EMOJI.search(text))
        ):
            return False
        stream.write(text + "\n")
        stream.flush()
        return True

    def table(
        self, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None
    ) -> None:
        from rich.measure import Measurement
        from rich.table import Table

        table = Table(title=title, show_edge=False, pad_edge=False, box=None)
        for column in columns:
            table.add_column(column, no_wrap=True)
        for row in rows:
            table.add_row(*("" if cell is None else str(cell) for cell in row))
        console = self.console
        # Cells are ids and names people copy: on a narrow terminal let lines run long rather than have
        # rich shrink columns and crop an id with "…".
        needed = Measurement.get(console, console.options.update_width(100_000), table).maximum
        terminal_width = console.width
        console.width = max(terminal_width, needed)
        try:
            with console.capture() as captured:
                console.print(table)
        finally:
            console.width = terminal_width
        # Cells are padded to the column width: without the trailing blanks, lines diff and grep cleanly.
        self.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
        self.stdout.flush()

    # -- diagnostics (stderr) -------------------------------------------------------------------------
    def info(self, text: str) -> None:
        self._diagnostic(text, None)

    def warn(self, text: str) -> None:
        self._diagnostic(f"warning: {text}", "yellow")

    def error(self, text: str, *, hint: str | None = None) -> None:
        self._diagnostic(f"error: {text}", "bold red")
        if hint:
            self._diagnostic(f"hint: {hint}", "cyan")

    def success(self, text: str) -> None:
        self._diagnostic(text, "green")

    def _diagnostic(self, text: str, style: str | None) -> None:
        if not self._plain(self.stderr, text, self._err_console):
            self.err_console.print(text, style=style, markup=False, highlight=False)
