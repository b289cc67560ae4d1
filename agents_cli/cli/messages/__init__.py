"""The words of structured errors, one module per core package: each module's ``WORDING`` maps an error
class to a function giving its (message, hint), and ``DETAILS`` to one giving lines shown before them.
``wording`` reads the merged tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.cli.messages import chat, engine, general, project, pull, remote, testing
from agents_cli.errors import AgentsError

Words = tuple[str, str | None]
_MODULES = (chat, engine, general, project, pull, remote, testing)

WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    kind: function for module in _MODULES for kind, function in module.WORDING.items()
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {
    kind: function for module in _MODULES for kind, function in module.DETAILS.items()
}
