"""What a renderer is: how a result reads as text (for people) and as JSON (one document on stdout)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from agents_cli.context import AppContext

T = TypeVar("T")


@dataclass(frozen=True)
class Renderer(Generic[T]):
    text: Callable[[AppContext, T], None]
    json: Callable[[T], Any]
    # With JSON output, what people still see on stderr (a test run's table), if anything.
    stderr: Callable[[AppContext, T], None] | None = None
    # ``--format markdown`` (a pull-request comment, a job summary): one document; text if there is none.
    markdown: Callable[[T], str] | None = None


def split_text(split: Mapping[str, float]) -> str:
    """A traffic split as people read it: ``main 90%, canary 10%`` (``(none)`` when empty)."""
    shares = sorted(split.items(), key=lambda pair: -pair[1])
    return ", ".join(f"{name} {share:g}%" for name, share in shares) or "(none)"
