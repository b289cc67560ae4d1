"""One Agent WebSocket conversation in text mode, played by the scripted agent (rules in
``docs/emulator-evaluation.md``, "Conversations over the Agent WebSocket").

The session is independent of Starlette: ``run`` takes ``receive``/``send`` coroutines of JSON events, so the
route only adapts a WebSocket to them. What the agent does with a user message:

* it calls an attached tool when the message names it (its name with ``_``/``-`` read as spaces, any case):
  a client tool through a ``client_tool_call`` the client answers with ``client_tool_result`` (the agent waits
  for it, answering pings meanwhile), any other tool with its first stored response mock (else
  ``Tool Called.``); then it answers with the tool's result;
* with the ``end_call`` system tool attached, a message saying "bye"/"goodbye" ends the conversation;
* otherwise it answers with the prompt sentence sharing the most words with the message (``reply_to``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agents_cli.emulator.records import deep_merge, now
from agents_cli.emulator.scripted_agent import AgentView, AttachedTool, mapping, plan_call, sequence

Receive = Callable[[], Awaitable[dict[str, Any] | None]]  # None: the client went away
Send = Callable[[dict[str, Any]], Awaitable[None]]
_GOODBYE = re.compile(r"\b(good)?bye\b", re.IGNORECASE)
# What conversation_initiation_client_data may override (the API allows the prompt, first message, language).
_OVERRIDABLE = (("agent", "prompt", "prompt"), ("agent", "first_message"), ("agent", "language"))


class ClientGone(Exception):
    """The client closed the socket."""


@dataclass
class ConversationSession:
    """The state of one conversation: the effective agent, tools, transcript and the events exchanged."""

    conversation_id: str
    agent: dict[str, Any]
    tools: Mapping[str, Mapping[str, Any]]
    receive: Receive
    send: Send
    transcript: list[dict[str, Any]] = field(default_factory=list)
    client_data: dict[str, Any] = field(default_factory=dict)
    contextual_updates: list[str] = field(default_factory=list)
    started: int = field(default_factory=now)
    ended_by_agent: bool = False
    # Called after every transcript turn, so the stored conversation is current before the agent answers.
    on_turn: Callable[[], None] | None = None
    _event_id: int = 0
    _pending: list[dict[str, Any]] = field(default_factory=list)

    def apply_client_data(self, event: Mapping[str, Any]) -> None:
        """``conversation_initiation_client_data``: overrides (the allowed fields) and dynamic variables."""
        self.client_data = {k: v for k, v in event.items() if k != "type"}
        override = mapping(mapping(event.get("conversation_config_override")))
        config = self.agent.setdefault("conversation_config", {})
        for path in _OVERRIDABLE:
            node: Any = override
            for part in path:
                node = mapping(node).get(part) if isinstance(node, Mapping) else None
            if node is not None:
                patch: Any = node
                for part in reversed(path):
                    patch = {part: patch}
                self.agent["conversation_config"] = config = deep_merge(config, patch)

    def view(self) -> AgentView:
        return AgentView.of(self.agent, mapping(self.client_data.get("dynamic_variables")))

    def _next_event_id(self) -> int:
        self._event_id += 1
        return self._event_id

    def _say(self, role: str, message: str | None, **extra: Any) -> None:
        turn = {"role": role, "message": message, "tool_calls": [], "tool_results": [], **extra}
        turn["time_in_call_secs"] = len(self.transcript)
        self.transcript.append(turn)
        if self.on_turn is not None:
            self.on_turn()

    async def _agent_says(self, text: str) -> None:
        self._say("agent", text)
        await self.send(
            {
                "type": "agent_response",
                "agent_response_event": {"agent_response": text, "event_id": self._next_event_id()},
            }
        )

    async def start(self) -> None:
        await self.send(
            {
                "type": "conversation_initiation_metadata",
                "conversation_initiation_metadata_event": {
                    "conversation_id": self.conversation_id,
                    "agent_output_audio_format": "pcm_16000",
                    "user_input_audio_format": "pcm_16000",
                },
            }
        )
        await self.send({"type": "ping", "ping_event": {"event_id": self._next_event_id(), "ping_ms": 0}})
        first = self.view().first_message
        if first:
            await self._agent_says(first)

    async def _next(self) -> dict[str, Any]:
        if self._pending:
            return self._pending.pop(0)
        event = await self.receive()
        if event is None:
            raise ClientGone
        return event

    async def run(self, first_event: dict[str, Any] | None) -> None:
        """Serve events until the client leaves or the agent ends the call."""
        if first_event is not None:
            self._pending.append(first_event)
        try:
            while not self.ended_by_agent:
                await self.handle(await self._next())
        except ClientGone:
            return

    async def handle(self, event: Mapping[str, Any]) -> None:
        kind = event.get("type")
        if kind == "user_message":
            await self._answer(str(event.get("text") or ""))
        elif kind == "contextual_update":
            self.contextual_updates.append(str(event.get("text") or ""))
        # pong, user_activity and audio chunks need no answer in text mode; client_tool_result outside a
        # call it waits for is ignored, as the API does with a late result.

    async def _answer(self, text: str) -> None:
        self._say("user", text)
        view = self.view()
        tools = view.attached_tools(self.tools)
        end_call = next((t for t in tools if t.type == "system" and _is_end_call(t)), None)
        if end_call is not None and _GOODBYE.search(text):
            await self._end_call(end_call)
            return
        tool = _named_tool([t for t in tools if t is not end_call], text)
        if tool is None:
            await self._agent_says(view.reply_to(text))
            return
        result, is_error = await self._call(tool, view)
        await self._agent_says(result if not is_error else f"The tool {tool.name} failed: {result}")

    async def _end_call(self, tool: AttachedTool) -> None:
        """The agent calls ``end_call``, says goodbye, and the server closes the socket."""
        call_id = f"{tool.name}_{len(self.transcript)}_{self.conversation_id[-8:]}"
        self._say("agent", None, tool_calls=[_tool_call_turn(tool, call_id, "{}")])
        await self._tool_response(tool, call_id, False)
        await self._agent_says("Goodbye.")
        self.ended_by_agent = True

    async def _tool_response(self, tool: AttachedTool, call_id: str, is_error: bool) -> None:
        await self.send(
            {
                "type": "agent_tool_response",
                "agent_tool_response": {
                    "tool_name": tool.name,
                    "tool_call_id": call_id,
                    "tool_type": tool.type,
                    "is_error": is_error,
                    "event_id": self._next_event_id(),
                },
            }
        )

    async def _call(self, tool: AttachedTool, view: AgentView) -> tuple[str, bool]:
        call = plan_call(tool, self.transcript, view.variables)
        call_id = f"{tool.name}_{len(self.transcript)}_{self.conversation_id[-8:]}"
        params_json = json.dumps(call.params, sort_keys=True)
        self._say("agent", None, tool_calls=[_tool_call_turn(tool, call_id, params_json)])
        if tool.type == "client":
            await self.send(
                {
                    "type": "client_tool_call",
                    "client_tool_call": {
                        "tool_name": tool.name,
                        "tool_call_id": call_id,
                        "parameters": call.params,
                        "event_id": self._next_event_id(),
                    },
                }
            )
            result, is_error = await self._wait_for_result(call_id)
        else:
            result, is_error = _mock_result(self.tools.get(tool.id))
        self._say("agent", None, tool_results=[_tool_result_turn(tool, call_id, result, is_error)])
        await self._tool_response(tool, call_id, is_error)
        return result, is_error

    async def _wait_for_result(self, call_id: str) -> tuple[str, bool]:
        """The client's ``client_tool_result`` for ``call_id``; other events meanwhile are kept for later."""
        held: list[dict[str, Any]] = []
        try:
            while True:
                event = await self._next()
                if event.get("type") == "client_tool_result" and event.get("tool_call_id") == call_id:
                    value = event.get("result")
                    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                    return text, bool(event.get("is_error"))
                if event.get("type") == "contextual_update":
                    await self.handle(event)
                elif event.get("type") == "user_message":
                    held.append(event)
        finally:
            self._pending[:0] = held

    def record(self, agent_id: str, agent_name: str, status: str = "done") -> dict[str, Any]:
        """The stored conversation (``GetConversationResponseModel`` fields plus what the list shows)."""
        return {
            "conversation_id": self.conversation_id,
            "agent_id": agent_id,
            "agent_name": agent_name,
            "status": status,
            "transcript": self.transcript,
            "metadata": {
                "start_time_unix_secs": self.started,
                "call_duration_secs": max(now() - self.started, 0),
                "cost_fiat": None,
                "text_only": True,
            },
            "conversation_initiation_client_data": self.client_data or None,
            "has_audio": False,
            "has_user_audio": False,
            "has_response_audio": False,
            "has_auxiliary_audio": False,
            "contextual_updates": list(self.contextual_updates),
            "source": "websocket",
        }


def _spoken(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _named_tool(tools: list[AttachedTool], text: str) -> AttachedTool | None:
    said = " " + _spoken(text) + " "
    for tool in tools:
        if f" {_spoken(tool.name)} " in said:
            return tool
    return None


def _is_end_call(tool: AttachedTool) -> bool:
    return tool.name == "end_call" or mapping(tool.config.get("params")).get("system_tool_type") == "end_call"


def _mock_result(record: Mapping[str, Any] | None) -> tuple[str, bool]:
    for mock in (mapping(m) for m in sequence(mapping(record).get("response_mocks"))):
        if not mock.get("parameter_conditions"):
            return str(mock.get("mock_result") or ""), bool(mock.get("is_error"))
    return "Tool Called.", False


def _tool_call_turn(tool: AttachedTool, call_id: str, params_json: str) -> dict[str, Any]:
    return {
        "type": tool.type if tool.type in ("system", "webhook", "client", "mcp") else None,
        "request_id": call_id,
        "tool_name": tool.name,
        "params_as_json": params_json,
        "tool_has_been_called": True,
        "tool_details": {"type": "client", "parameters": params_json} if tool.type == "client" else None,
    }


def _tool_result_turn(tool: AttachedTool, call_id: str, result: str, is_error: bool) -> dict[str, Any]:
    return {
        "request_id": call_id,
        "tool_name": tool.name,
        "result_value": result,
        "is_error": is_error,
        "tool_has_been_called": True,
        "tool_latency_secs": 0,
        "type": tool.type if tool.type in ("system", "client", "webhook", "mcp") else None,
    }
