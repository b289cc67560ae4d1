"""How a chat and a list of conversations read (the turns themselves are printed as they happen)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agents_cli.cli.render.base import Renderer
from agents_cli.commands.chat import ChatResult
from agents_cli.commands.conversations import ConversationList
from agents_cli.context import AppContext


def _chat_text(app: AppContext, result: ChatResult) -> None:
    for failure in result.failures:
        app.out.error(f"turn {failure.turn} ({failure.user!r}): " + "; ".join(failure.problems))
    if result.scripted and not result.failures:
        app.out.success(f"script passed: {result.turns} turn(s) as expected")
    elif result.scripted:
        app.out.error(f"script failed: {len(result.failures)} of {result.turns} turn(s) not as expected")
    app.out.info(f"conversation {result.conversation_id}; transcript {result.transcript_path}")


def _chat_json(result: ChatResult) -> dict[str, Any]:
    return {
        "agent": result.agent,
        "conversation_id": result.conversation_id,
        "transcript": result.transcript_path,
        "turns": result.turns,
        "passed": not result.failures,
        "failures": [{"turn": f.turn, "user": f.user, "problems": list(f.problems)} for f in result.failures],
    }


def _when(seconds: object) -> str:
    if not isinstance(seconds, int | float) or not seconds:
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _list_text(app: AppContext, result: ConversationList) -> None:
    if not result.conversations:
        app.out.info(f"no conversations in environment {result.environment!r}")
        return
    rows = [
        [
            str(item.get("conversation_id")),
            str(item.get("agent")),
            _when(item.get("start_time_unix_secs")),
            str(item.get("message_count", "")),
            ", ".join(item.get("tool_names") or []) or "-",
            str(item.get("status", "")),
        ]
        for item in result.conversations
    ]
    app.out.table(["CONVERSATION", "AGENT", "STARTED (UTC)", "MESSAGES", "TOOLS", "STATUS"], rows)
    if result.next_cursor:
        app.out.info(f"more: --cursor {result.next_cursor}")


CHAT = Renderer[ChatResult](_chat_text, _chat_json)
CONVERSATION_LIST = Renderer[ConversationList](
    _list_text,
    lambda result: {
        "environment": result.environment,
        "conversations": result.conversations,
        "next_cursor": result.next_cursor,
    },
)
