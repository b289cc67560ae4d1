"""Chat scripts (``agents chat --script s.yaml``) and tool mocks (``--mock-tools mocks.yaml``).

A script is ``{turns: [...]}``; each entry is ``{user: TEXT, expect: {...}}`` (one turn, numbered from 1)
or ``{context: TEXT}`` (a contextual update, not a turn). Expectations of a turn:

* ``reply_contains``: a string or a list; the agent's reply contains each (any case);
* ``reply_matches``: a regular expression the reply matches (``re.search``);
* ``tool_called``: a tool name, or ``{name, parameters}`` whose parameters the call carries (subset);
* ``no_tool_called: true``; ``ended``: whether the agent ended the conversation in this turn.

Mocks map a client tool's name to its result: ``lookup_order: "shipped"`` or
``lookup_order: {result: ..., is_error: false}`` (a non-string result is sent as JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agents_cli.chat.errors import ScriptInvalid
from agents_cli.chat.socket import AgentTurn

_EXPECTATIONS = {"reply_contains", "reply_matches", "tool_called", "no_tool_called", "ended"}


@dataclass(frozen=True)
class ScriptStep:
    user: str | None = None  # a turn
    context: str | None = None  # a contextual update
    expect: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnFailure:
    turn: int
    user: str
    problems: list[str]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScriptInvalid(str(path), str(exc.strerror or exc)) from exc
    except yaml.YAMLError as exc:
        raise ScriptInvalid(str(path), f"not valid YAML: {exc}") from exc


def load_script(path: Path) -> list[ScriptStep]:
    data = _read_yaml(path)
    turns = data.get("turns") if isinstance(data, dict) else None
    if not isinstance(turns, list) or not turns:
        raise ScriptInvalid(str(path), "needs a non-empty 'turns' list")
    steps: list[ScriptStep] = []
    for index, entry in enumerate(turns, start=1):
        where = f"turns[{index - 1}]"
        if not isinstance(entry, dict) or ("user" in entry) == ("context" in entry):
            raise ScriptInvalid(str(path), f"{where} needs exactly one of 'user' or 'context'")
        expect = entry.get("expect") or {}
        if not isinstance(expect, dict) or set(expect) - _EXPECTATIONS:
            unknown = ", ".join(sorted(set(expect) - _EXPECTATIONS)) if isinstance(expect, dict) else "?"
            known = ", ".join(sorted(_EXPECTATIONS))
            raise ScriptInvalid(str(path), f"{where}.expect: unknown expectation {unknown} (known: {known})")
        if "reply_matches" in expect:
            try:
                re.compile(str(expect["reply_matches"]))
            except re.error as exc:
                raise ScriptInvalid(str(path), f"{where}.expect.reply_matches: {exc}") from exc
        if "context" in entry:
            steps.append(ScriptStep(context=str(entry["context"])))
        else:
            steps.append(ScriptStep(user=str(entry["user"]), expect=expect))
    return steps


def load_mocks(path: Path | None) -> dict[str, tuple[str, bool]]:
    if path is None:
        return {}
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ScriptInvalid(str(path), "must map tool names to results")
    mocks: dict[str, tuple[str, bool]] = {}
    for name, value in data.items():
        is_error = False
        if isinstance(value, dict) and "result" in value:
            is_error = bool(value.get("is_error"))
            value = value["result"]
        mocks[str(name)] = (value if isinstance(value, str) else json.dumps(value, sort_keys=True), is_error)
    return mocks


def _tool_problems(wanted: Any, turn: AgentTurn) -> list[str]:
    name = wanted if isinstance(wanted, str) else str((wanted or {}).get("name") or "")
    parameters = {} if isinstance(wanted, str) else dict((wanted or {}).get("parameters") or {})
    called = [call for call in turn.tool_calls if call.name == name]
    if not called:
        made = ", ".join(call.name for call in turn.tool_calls) or "none"
        return [f"expected a call of tool {name!r} (tools called: {made})"]
    for call in called:
        if all(str(call.parameters.get(key)) == str(value) for key, value in parameters.items()):
            return []
    return [
        f"tool {name!r} was called with {json.dumps(called[0].parameters, sort_keys=True)}, "
        f"expected parameters {json.dumps(parameters, sort_keys=True)}"
    ]


def check_turn(expect: Mapping[str, Any], turn: AgentTurn) -> list[str]:
    """What of ``expect`` the agent's turn did not do (empty: the turn passed)."""
    problems: list[str] = []
    reply = turn.reply
    contains = expect.get("reply_contains")
    for text in [contains] if isinstance(contains, str) else list(contains or []):
        if str(text).lower() not in reply.lower():
            problems.append(f"the reply does not contain {str(text)!r} (it said {reply!r})")
    pattern = expect.get("reply_matches")
    if pattern is not None and not re.search(str(pattern), reply):
        problems.append(f"the reply does not match /{pattern}/ (it said {reply!r})")
    if expect.get("tool_called"):
        problems += _tool_problems(expect["tool_called"], turn)
    if expect.get("no_tool_called") and turn.tool_calls:
        problems.append(f"expected no tool call, got {', '.join(c.name for c in turn.tool_calls)}")
    if "ended" in expect and bool(expect["ended"]) != turn.ended:
        problems.append("expected the conversation to end" if expect["ended"] else "the agent ended the call")
    return problems
