"""A reviewable test config made from a recorded conversation (``agents add test --from-conversation``).

Turn N is the Nth user message. The test's chat history is the conversation up to and including it; what
the agent did next becomes what the test checks: a tool test for the tool it called (parameters compared
exactly), else an llm test whose success condition quotes the agent's reply (edit it to what matters).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from agents_cli.chat.errors import TurnOutOfRange


def _user_turn_indexes(transcript: list[Mapping[str, Any]]) -> list[int]:
    return [i for i, turn in enumerate(transcript) if turn.get("role") == "user" and turn.get("message")]


def _history(transcript: list[Mapping[str, Any]], end: int) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = []
    for turn in transcript[: end + 1]:
        if turn.get("message") and turn.get("role") in ("user", "agent"):
            history.append(
                {
                    "role": turn["role"],
                    "message": turn["message"],
                    "time_in_call_secs": len(history),
                }
            )
    return history


def test_from_conversation(
    conversation: Mapping[str, Any],
    name: str,
    until_turn: int | None,
    tool_references: Mapping[str, str],
) -> dict[str, Any]:
    """The test config; ``tool_references`` maps a tool's API name to its ``@tool:`` reference."""
    transcript = [turn for turn in conversation.get("transcript") or [] if isinstance(turn, Mapping)]
    users = _user_turn_indexes(transcript)
    conversation_id = str(conversation.get("conversation_id") or "")
    turn = until_turn if until_turn is not None else len(users)
    if not users or not 1 <= turn <= len(users):
        raise TurnOutOfRange(conversation_id, turn, len(users))
    end = users[turn - 1]
    following = users[turn] if turn < len(users) else len(transcript)
    after = transcript[end + 1 : following]
    call = next((c for t in after for c in t.get("tool_calls") or [] if isinstance(c, Mapping)), None)
    base: dict[str, Any] = {"name": name, "chat_history": _history(transcript, end)}
    if call is not None and str(call.get("tool_name")) in tool_references:
        try:
            params = json.loads(str(call.get("params_as_json") or "{}"))
        except ValueError:
            params = {}
        tool_type = str(call.get("type") or "webhook")
        return {
            "type": "tool",
            **base,
            "tool_call_parameters": {
                "referenced_tool": {"id": tool_references[str(call["tool_name"])], "type": tool_type},
                "parameters": [
                    {"path": path, "eval": {"type": "exact", "expected_value": str(value)}}
                    for path, value in sorted(params.items())
                    if not isinstance(value, dict | list)
                ],
            },
        }
    reply = next((str(t["message"]) for t in after if t.get("role") == "agent" and t.get("message")), "")
    quoted = reply.replace("'", "")
    return {
        "type": "llm",
        **base,
        "success_condition": f"The agent replies like it did in conversation {conversation_id}: '{quoted}'",
        "success_examples": [{"type": "success", "response": reply}] if reply else [],
        "failure_examples": [],
    }
