"""Words for the errors of ``agents_cli.chat`` (``agents chat``, conversations, tests from them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.chat import errors as chat
from agents_cli.errors import AgentsError

Words = tuple[str, str | None]

WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    chat.ScriptInvalid: lambda error: (
        f"{error.path}: {error.problem}",
        "see 'agents chat --help' and docs/chat.md for the script and mock formats",
    ),
    chat.AgentNotSynced: lambda error: (
        f"agent {error.agent!r} has no id in environment {error.environment!r}",
        f"run 'agents sync --env {error.environment}' first",
    ),
    chat.SocketRefused: lambda error: (
        f"the Agent WebSocket {error.url} ended the conversation: {error.reason}",
        "check the agent id and, for a private agent, the API key",
    ),
    chat.ToolNotMocked: lambda error: (
        f"the agent called client tool {error.tool!r}, which "
        + (f"{error.mocks} does not answer" if error.mocks else "no mock file answers"),
        f"add '{error.tool}: RESULT' to the file given with --mock-tools",
    ),
    chat.TurnOutOfRange: lambda error: (
        f"conversation {error.conversation_id} has {error.turns} user turn(s), not turn {error.turn}",
        "pick a turn from 1 to the number of user messages",
    ),
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
