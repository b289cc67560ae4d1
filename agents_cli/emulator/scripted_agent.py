"""The emulator's scripted agent: what an agent "says" and which tool it "calls", derived from its config.

There is no language model. Everything here is a deterministic function of the agent config, the test (or
simulation request) and the tool records, so users can predict it (rules in ``docs/emulator-evaluation.md``):

* the behaviour text is the first message, the system prompt and the language, with ``{{dynamic_variables}}``
  substituted (test values over the agent's placeholders);
* a reply to a user message is the prompt sentence sharing the most words with it (the first on ties), as
  the agent says it ("You help customers." is said "I help customers.");
* a tool parameter's value comes from the tool schema (constant / dynamic variable), else the latest user
  message that names it ("order id is ORD-1"), else a dynamic variable of the same name;
* transcript turns are shaped like the spec's ``ConversationHistoryTranscriptCommonModel``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents_cli.emulator.evaluation_rules import TextSource, content_words, is_negated, sentences, text_of

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")
_MENTION_VALUE = r"\s*(?:is|are|was|=|:|of)?\s*(?:\"(?P<dq>[^\"]+)\"|'(?P<sq>[^']+)'|(?P<word>[^\s,;!?\"']+))"


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def sequence(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


@dataclass(frozen=True)
class AttachedTool:
    """A tool the agent can call: a stored tool (``tool_ids``) or a built-in system tool."""

    id: str
    name: str
    type: str
    config: Mapping[str, Any]


@dataclass(frozen=True)
class AgentView:
    """The parts of an effective agent config the scripted agent uses, variables substituted."""

    first_message: str
    prompt: str
    language: str
    tool_ids: list[str]
    built_in_tools: Mapping[str, Any]
    variables: Mapping[str, Any]
    evaluation_criteria: list[Mapping[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, agent: Mapping[str, Any], dynamic_variables: Mapping[str, Any]) -> AgentView:
        agent_config = mapping(mapping(agent.get("conversation_config")).get("agent"))
        prompt = mapping(agent_config.get("prompt"))
        placeholders = mapping(
            mapping(agent_config.get("dynamic_variables")).get("dynamic_variable_placeholders")
        )
        variables = {**placeholders, **dynamic_variables}
        evaluation = mapping(mapping(agent.get("platform_settings")).get("evaluation"))
        return cls(
            first_message=substitute(str(agent_config.get("first_message") or ""), variables),
            prompt=substitute(str(prompt.get("prompt") or ""), variables),
            language=str(agent_config.get("language") or ""),
            tool_ids=[str(tool_id) for tool_id in sequence(prompt.get("tool_ids"))],
            built_in_tools=mapping(prompt.get("built_in_tools")),
            variables=variables,
            evaluation_criteria=[mapping(c) for c in sequence(evaluation.get("criteria"))],
        )

    def behaviour_sources(self) -> list[TextSource]:
        return [
            ("first message", self.first_message),
            ("system prompt", self.prompt),
            ("language", self.language),
        ]

    def attached_tools(self, tools: Mapping[str, Mapping[str, Any]]) -> list[AttachedTool]:
        """Stored tools in ``tool_ids`` order (unknown ids skipped), then built-in tools in config order."""
        attached: list[AttachedTool] = []
        for tool_id in self.tool_ids:
            config = mapping(mapping(tools.get(tool_id)).get("tool_config"))
            if config:
                attached.append(
                    AttachedTool(tool_id, str(config.get("name") or tool_id), _tool_type(config), config)
                )
        for key, value in self.built_in_tools.items():
            if isinstance(value, Mapping):
                attached.append(AttachedTool(key, str(value.get("name") or key), "system", value))
        return attached

    def find_tool(self, tools: Mapping[str, Mapping[str, Any]], tool_id: str) -> AttachedTool | None:
        """The attached tool a test references: by stored id, or a system tool by key, name or type."""
        for tool in self.attached_tools(tools):
            system_type = mapping(tool.config.get("params")).get("system_tool_type")
            if tool_id in (tool.id, tool.name) or (tool.type == "system" and tool_id == system_type):
                return tool
        return None

    def reply_to(self, user_message: str) -> str:
        """The prompt sentence sharing most words with the user message; the first message if no prompt."""
        # The agent says what its prompt tells it to do, never its prohibitions ("Never discuss X.").
        candidates = [sentence for sentence in sentences(self.prompt) if not is_negated(sentence)]
        if not candidates:
            return self.first_message or "How can I help you?"
        wanted = content_words(user_message)
        scores = [len(wanted & content_words(sentence)) for sentence in candidates]
        return spoken_by_agent(candidates[scores.index(max(scores))])


_ADDRESSED = (("You are ", "I am "), ("You're ", "I'm "), ("Your ", "My "), ("You ", "I "))


def spoken_by_agent(sentence: str) -> str:
    """A prompt sentence as the agent says it: told "You are X" / "You help…", it says "I am X" / "I help…"
    (only the sentence's first word is rewritten)."""
    for told, said in _ADDRESSED:
        if sentence.startswith(told):
            return said + sentence[len(told) :]
    return sentence


def _tool_type(config: Mapping[str, Any]) -> str:
    return str(config.get("type") or "webhook")


def substitute(text: str, variables: Mapping[str, Any]) -> str:
    """Replace ``{{name}}`` with a known variable's value; unknown placeholders stay as written."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return text_of(variables[name]) if name in variables else match.group(0)

    return _PLACEHOLDER.sub(value, text)


def first_sentence(text: str) -> str:
    return next(iter(sentences(text)), "")


def _schema_leaves(schema: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(dot path, leaf property schema) for every literal property of an object schema."""
    for name, prop in mapping(schema.get("properties")).items():
        prop = mapping(prop)
        path = f"{prefix}{name}"
        if prop.get("type") == "object" and "properties" in prop:
            yield from _schema_leaves(prop, path + ".")
        else:
            yield path, prop


def tool_parameter_schemas(tool: AttachedTool) -> dict[str, Mapping[str, Any]]:
    """The parameters a call of ``tool`` carries, keyed by dot path (webhook path, query and body merged)."""
    config = tool.config
    leaves: dict[str, Mapping[str, Any]] = {}
    if tool.type == "client":
        leaves.update(_schema_leaves(mapping(config.get("parameters"))))
    elif tool.type == "webhook":
        api_schema = mapping(config.get("api_schema"))
        leaves.update({name: mapping(p) for name, p in mapping(api_schema.get("path_params_schema")).items()})
        leaves.update(_schema_leaves(mapping(api_schema.get("query_params_schema"))))
        leaves.update(_schema_leaves(mapping(api_schema.get("request_body_schema"))))
    return leaves


def derive_parameter(
    path: str, schema: Mapping[str, Any], history: Sequence[Mapping[str, Any]], variables: Mapping[str, Any]
) -> tuple[bool, Any, str]:
    """(found, value, where it came from) for one parameter the scripted agent would pass."""
    constant = schema.get("constant_value")
    if constant not in (None, ""):
        return True, constant, "the tool schema's constant_value"
    variable = str(schema.get("dynamic_variable") or "")
    if variable and variable in variables:
        return True, variables[variable], f"dynamic variable '{variable}'"
    name = path.rsplit(".", 1)[-1]
    spoken = re.escape(name).replace("_", "[ _-]").replace(r"\-", "[ _-]")
    pattern = re.compile(r"(?<![\w])" + spoken + r"(?![\w])" + _MENTION_VALUE, re.IGNORECASE)
    for turn in reversed(history):
        if turn.get("role") != "user":
            continue
        match = pattern.search(str(turn.get("message") or ""))
        if match:
            value = match.group("dq") or match.group("sq") or (match.group("word") or "").rstrip(".")
            return True, value, "the latest user message naming it"
    for key in (path, name):
        if key in variables:
            return True, variables[key], f"dynamic variable '{key}'"
    return False, None, "nowhere (no constant, dynamic variable or user message names it)"


@dataclass(frozen=True)
class PlannedCall:
    """The scripted agent's tool call: parameters, and where each value came from."""

    tool: AttachedTool
    params: dict[str, Any]
    origins: dict[str, str]

    def value_at(self, path: str) -> tuple[bool, Any]:
        node: Any = self.params
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return False, None
            node = node[part]
        return True, node


def plan_call(
    tool: AttachedTool,
    history: Sequence[Mapping[str, Any]],
    variables: Mapping[str, Any],
    extra_paths: Sequence[str] = (),
) -> PlannedCall:
    """The call the scripted agent makes: a value for each declared parameter it can derive.

    ``extra_paths`` (paths a test asks about) are derived too when the tool declares no parameters at all
    (system and MCP tools); a path the tool's schema does not declare gets no value.
    """
    schemas = tool_parameter_schemas(tool)
    params: dict[str, Any] = {}
    origins = {path: "nowhere (the tool's schema does not declare it)" for path in extra_paths}
    for path in list(schemas) if schemas else list(dict.fromkeys(extra_paths)):
        found, value, origin = derive_parameter(path, schemas.get(path, {}), history, variables)
        origins[path] = origin
        if found:
            node = params
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
    return PlannedCall(tool, params, origins)


class TranscriptBuilder:
    """Appends turns in the spec's transcript shape; ``time_in_call_secs`` grows by one per turn."""

    def __init__(self, history: Sequence[Mapping[str, Any]], seed: str) -> None:
        self.turns: list[dict[str, Any]] = [_history_turn(turn) for turn in history]
        self.new_turns: list[dict[str, Any]] = []
        self._clock = max((int(t.get("time_in_call_secs") or 0) for t in self.turns), default=-1) + 1
        self._seed = seed

    def say(self, role: str, message: str | None, **extra: Any) -> dict[str, Any]:
        turn = {"role": role, "message": message, "tool_calls": [], "tool_results": [], **extra}
        turn["time_in_call_secs"] = self._clock
        self._clock += 1
        self.turns.append(turn)
        self.new_turns.append(turn)
        return turn

    def call(self, call: PlannedCall, result: str | None, is_error: bool = False) -> None:
        tool = call.tool
        request_id = (
            f"{tool.name}_" + hashlib.sha1(f"{self._seed}:{len(self.turns)}".encode()).hexdigest()[:32]
        )
        params_json = json.dumps(call.params, sort_keys=True)
        self.say("agent", None, tool_calls=[_tool_call(tool, request_id, params_json, result is not None)])
        if result is not None:
            outcome: dict[str, Any] = {
                "request_id": request_id,
                "tool_name": tool.name,
                "result_value": result,
                "is_error": is_error,
                "tool_has_been_called": True,
                "tool_latency_secs": 0,
                "type": tool.type if tool.type in ("system", "client", "webhook", "mcp") else None,
            }
            self.say("agent", None, tool_results=[outcome])

    def agent_side_text(self) -> str:
        """What the agent said in the new turns, tool results included (user messages excluded)."""
        parts: list[str] = []
        for turn in self.new_turns:
            if turn["role"] == "agent":
                parts.append(str(turn.get("message") or ""))
                parts.extend(str(result.get("result_value") or "") for result in turn["tool_results"])
        return "\n".join(part for part in parts if part)


def _history_turn(turn: Mapping[str, Any]) -> dict[str, Any]:
    copied = {key: turn[key] for key in ("role", "message", "tool_calls", "tool_results") if key in turn}
    copied.setdefault("message", None)
    copied["time_in_call_secs"] = int(turn.get("time_in_call_secs") or 0)
    return copied


def _tool_call(tool: AttachedTool, request_id: str, params_json: str, called: bool) -> dict[str, Any]:
    details: dict[str, Any] | None = None
    if tool.type == "client":
        details = {"type": "client", "parameters": params_json}
    elif tool.type == "webhook":
        api_schema = mapping(tool.config.get("api_schema"))
        details = {"type": "webhook", "method": str(api_schema.get("method") or "GET")}
        details["url"] = str(api_schema.get("url") or "")
    tool_type = tool.type if tool.type in ("system", "webhook", "client", "mcp") else None
    return {
        "type": tool_type,
        "request_id": request_id,
        "tool_name": tool.name,
        "params_as_json": params_json,
        "tool_has_been_called": called,
        "tool_details": details,
    }
