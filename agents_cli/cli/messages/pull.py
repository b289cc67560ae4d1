"""Words for the errors of ``agents_cli.pull``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError
from agents_cli.pull import errors as pull

Words = tuple[str, str | None]


def _nothing_to_pull(error: pull.NothingToPull) -> Words:
    return (
        f"--only names nothing to pull: {', '.join(error.unknown)}",
        f"candidates: {', '.join(error.candidates) or 'none'}",
    )


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    pull.NothingToPull: _nothing_to_pull,
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
