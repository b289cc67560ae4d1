"""What can stop a pull, as structured errors (fields; ``cli/messages/pull.py`` words them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agents_cli.errors import UsageError


class NothingToPull(UsageError):
    """Names given to pull only that are among none of the remote resources it could pull (``candidates``)."""

    def __init__(self, unknown: Sequence[str], candidates: Iterable[str]) -> None:
        shown = sorted(candidates)
        super().__init__(unknown=list(unknown), candidates=shown)
        self.unknown, self.candidates = list(unknown), shown
