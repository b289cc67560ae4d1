"""A text conversation over the Agent WebSocket (``/v1/convai/conversation``), with the `websockets` library.

The client speaks the documented events: it sends ``conversation_initiation_client_data`` first (text-only
mode and the overrides), then ``user_message``, ``contextual_update``, ``client_tool_result`` and ``pong``;
it reads ``conversation_initiation_metadata``, ``agent_response`` (and ``agent_response_correction``),
``client_tool_call``, ``agent_tool_response``, ``ping`` and ``interruption``. A user message's turn ends
with the agent's response, or when the server closes the socket (the agent ended the call).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from agents_cli.chat.errors import SocketRefused

# Answers a client tool call: (tool name, parameters) → (result, is_error).
ToolAnswerer = Callable[[str, Mapping[str, Any]], tuple[str, bool]]
# How long to wait for a greeting the agent has (its first message), and for anything at all.
GREETING_WAIT_S = 10.0
EVENT_WAIT_S = 60.0


@dataclass
class ToolCall:
    name: str
    parameters: dict[str, Any]
    result: str | None = None
    is_error: bool = False
    client: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parameters": self.parameters,
            "result": self.result,
            "is_error": self.is_error,
            "client": self.client,
        }


@dataclass
class AgentTurn:
    """What the agent did after one user message."""

    reply: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    ended: bool = False


def socket_url(base_url: str, agent_id: str) -> str:
    """``wss://host/v1/convai/conversation?agent_id=…`` for an API base URL (``https`` → ``wss``)."""
    scheme, rest = base_url.rstrip("/").split("://", 1)
    ws = "wss" if scheme == "https" else "ws"
    return f"{ws}://{rest}/v1/convai/conversation?agent_id={agent_id}"


def client_data(override: Mapping[str, Any] | None, variables: Mapping[str, Any] | None) -> dict[str, Any]:
    """The first event: text-only mode, the agent overrides (``--against local``) and dynamic variables."""
    config: dict[str, Any] = {"conversation": {"text_only": True}}
    if override:
        config["agent"] = dict(override)
    event: dict[str, Any] = {
        "type": "conversation_initiation_client_data",
        "conversation_config_override": config,
    }
    if variables:
        event["dynamic_variables"] = dict(variables)
    return event


class AgentSocket:
    """One open conversation. ``transcript`` holds every turn in the order it happened."""

    def __init__(self, url: str, headers: Mapping[str, str] | None = None) -> None:
        self.url = url
        self.headers = dict(headers or {})
        self.conversation_id = ""
        self.transcript: list[dict[str, Any]] = []
        self.closed = False
        self._ws: ClientConnection | None = None
        self._stack = contextlib.ExitStack()

    def open(self, first_event: dict[str, Any], *, greeting: bool) -> str:
        """Connect and start; the agent's greeting (when it has one) is read into the transcript."""
        try:
            opened = connect(self.url, additional_headers=self.headers, open_timeout=EVENT_WAIT_S)
            self._ws = self._stack.enter_context(opened)
        except InvalidStatus as exc:
            raise SocketRefused(_shown(self.url), f"HTTP {exc.response.status_code}") from exc
        except (OSError, WebSocketException) as exc:
            raise SocketRefused(_shown(self.url), str(exc) or type(exc).__name__) from exc
        self._send(first_event)
        while not self.conversation_id:
            event = self._receive(EVENT_WAIT_S)
            if event is None:
                raise SocketRefused(_shown(self.url), self._close_reason())
            metadata = event.get("conversation_initiation_metadata_event") or {}
            if event.get("type") == "conversation_initiation_metadata":
                self.conversation_id = str(metadata.get("conversation_id") or "")
        if greeting:
            turn = self._read_turn(None, GREETING_WAIT_S)
            self.closed = turn.ended
        return self.conversation_id

    def say(self, text: str, answer: ToolAnswerer) -> AgentTurn:
        self.transcript.append({"role": "user", "message": text, "tool_calls": []})
        self._send({"type": "user_message", "text": text})
        turn = self._read_turn(answer, EVENT_WAIT_S)
        self.closed = turn.ended
        return turn

    def context(self, text: str) -> None:
        self.transcript.append({"role": "context", "message": text, "tool_calls": []})
        self._send({"type": "contextual_update", "text": text})

    def close(self) -> None:
        self._stack.close()
        self.closed = True

    def _read_turn(self, answer: ToolAnswerer | None, wait_s: float) -> AgentTurn:
        turn = AgentTurn()
        calls: dict[str, ToolCall] = {}
        while True:
            event = self._receive(wait_s)
            if event is None:
                turn.ended = True
                break
            kind = event.get("type")
            if kind == "ping":
                ping = event.get("ping_event") or {}
                self._send({"type": "pong", "event_id": ping.get("event_id")})
            elif kind == "client_tool_call":
                self._answer_call(event.get("client_tool_call") or {}, answer, turn, calls)
            elif kind == "agent_tool_response":
                self._tool_response(event.get("agent_tool_response") or {}, turn, calls)
            elif kind == "agent_response_correction":
                correction = event.get("agent_response_correction_event") or {}
                turn.reply = str(correction.get("corrected_agent_response") or turn.reply)
            elif kind == "agent_response":
                turn.reply = str((event.get("agent_response_event") or {}).get("agent_response") or "")
                if any(call.name == "end_call" for call in turn.tool_calls):
                    turn.ended = self._drain()  # the agent ended the call: the server closes next
                break
        self.transcript.append(
            {"role": "agent", "message": turn.reply, "tool_calls": [c.to_json() for c in turn.tool_calls]}
        )
        return turn

    def _answer_call(
        self,
        call: Mapping[str, Any],
        answer: ToolAnswerer | None,
        turn: AgentTurn,
        calls: dict[str, ToolCall],
    ) -> None:
        name = str(call.get("tool_name") or "")
        parameters = dict(call.get("parameters") or {})
        result, is_error = answer(name, parameters) if answer else ("", True)
        made = ToolCall(name, parameters, result, is_error, client=True)
        calls[str(call.get("tool_call_id") or "")] = made
        turn.tool_calls.append(made)
        self._send(
            {
                "type": "client_tool_result",
                "tool_call_id": call.get("tool_call_id"),
                "result": result,
                "is_error": is_error,
            }
        )

    def _tool_response(
        self, response: Mapping[str, Any], turn: AgentTurn, calls: dict[str, ToolCall]
    ) -> None:
        call_id = str(response.get("tool_call_id") or "")
        if call_id not in calls:  # a server-side tool: known only by name and outcome
            made = ToolCall(str(response.get("tool_name") or ""), {}, None, bool(response.get("is_error")))
            calls[call_id] = made
            turn.tool_calls.append(made)

    def _drain(self) -> bool:
        """Read until the server closes the socket (events after the goodbye are dropped)."""
        with contextlib.suppress(SocketRefused):
            while self._receive(EVENT_WAIT_S) is not None:
                pass
        return True

    def _send(self, event: Mapping[str, Any]) -> None:
        if self._ws is None:
            raise SocketRefused(_shown(self.url), "not connected")
        try:
            self._ws.send(json.dumps(event))
        except ConnectionClosed as exc:
            raise SocketRefused(_shown(self.url), self._close_reason()) from exc

    def _receive(self, wait_s: float) -> dict[str, Any] | None:
        """The next event, or None when the server closed the socket."""
        assert self._ws is not None
        try:
            raw = self._ws.recv(timeout=wait_s)
        except ConnectionClosed:
            return None
        except TimeoutError as exc:
            raise SocketRefused(_shown(self.url), f"no event for {wait_s:g} s") from exc
        try:
            event = json.loads(raw)
        except (TypeError, ValueError):
            return {}
        return event if isinstance(event, dict) else {}

    def _close_reason(self) -> str:
        ws = self._ws
        if ws is not None and ws.close_code is not None:
            return f"closed with {ws.close_code} {ws.close_reason or ''}".strip()
        return "closed"


def _shown(url: str) -> str:
    """The URL without its signature (a credential for one conversation)."""
    return url.split("&conversation_signature=", 1)[0]
