"""Scenario files: a simulated user, starting conditions and criteria, run through simulate-conversation.

A scenario names the agents it applies to in its own ``agents`` list, so agent configs stay exactly what the
API accepts. This module checks a loaded scenario document against ``schemas/scenario.schema.json``, maps it
to the simulate-conversation request body, and judges the response (every criterion must succeed).
"""

from __future__ import annotations

import copy
import difflib
import importlib
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from agents_cli.bundled import schemas_dir
from agents_cli.testing.errors import InvalidScenario
from agents_cli.testing.model import RunStatus, Turn

SCENARIO_SCHEMA = "scenario.schema.json"
MANIFEST_SECTION = "scenarios"


@dataclass(frozen=True)
class Scenario:
    name: str
    agents: tuple[str, ...]
    body: dict[str, Any] = field(hash=False)


@dataclass
class ScenarioVerdict:
    status: RunStatus
    summary: str
    messages: list[str]
    transcript: list[Turn]


@cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((schemas_dir() / SCENARIO_SCHEMA).read_text(encoding="utf-8"))
    return loaded


def scenario_issues(document: Any, agents: set[str] | None = None) -> list[tuple[tuple[str | int, ...], str]]:
    """(key path, message) for every schema problem and, given the declared ``agents``, unknown agent."""
    # Imported by name so this module type-checks with or without jsonschema's stubs installed.
    jsonschema: Any = importlib.import_module("jsonschema")
    validator = jsonschema.Draft202012Validator(_schema())
    issues: list[tuple[tuple[str | int, ...], str]] = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        known = error.schema.get("properties") if error.validator == "additionalProperties" else None
        if isinstance(known, dict) and isinstance(error.instance, dict):
            # Point at each unknown key (a typo the API would never see) with the closest known one.
            for key in error.instance:
                if key not in known:
                    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    issues.append(((*path, key), f"unknown key {key!r}{hint}"))
            continue
        issues.append((path, str(error.message)))
    if agents is not None and isinstance(document, dict) and isinstance(document.get("agents"), list):
        for index, name in enumerate(document["agents"]):
            if isinstance(name, str) and name not in agents:
                issues.append((("agents", index), f"unknown agent {name!r} (not in agents.json 'agents')"))
    return issues


def scenario_problems(document: Any) -> list[str]:
    """Every schema problem of a scenario document as ``key.path: message`` (empty when valid)."""
    return [
        f"{'.'.join(str(part) for part in path) or '(top level)'}: {message}"
        for path, message in scenario_issues(document)
    ]


def simulation_body(document: dict[str, Any]) -> dict[str, Any]:
    """The simulate-conversation request body for a (schema-valid) scenario document."""
    user_config: dict[str, Any] = copy.deepcopy(document.get("simulated_user_config") or {})
    prompt = dict(user_config.get("prompt") or {})
    prompt["prompt"] = document["persona"]
    user_config["prompt"] = prompt
    for key in ("first_message", "language"):
        if key in document:
            user_config[key] = document[key]
    specification: dict[str, Any] = {"simulated_user_config": user_config}
    if "tool_mocks" in document:
        # Keys are tool names as the agent calls them: user data, passed through untouched.
        specification["tool_mock_config"] = copy.deepcopy(document["tool_mocks"])
    if "partial_history" in document:
        specification["partial_conversation_history"] = [
            {"time_in_call_secs": 0, **turn} for turn in document["partial_history"]
        ]
    if "dynamic_variables" in document:
        specification["dynamic_variables"] = copy.deepcopy(document["dynamic_variables"])
    body: dict[str, Any] = {"simulation_specification": specification}
    if document.get("evaluation_criteria"):
        body["extra_evaluation_criteria"] = [
            {"name": criterion.get("name", criterion["id"]), **criterion}
            for criterion in document["evaluation_criteria"]
        ]
    if "turn_limit" in document:
        body["new_turns_limit"] = document["turn_limit"]
    return body


def parse_scenario(name: str, document: Any, *, source: str) -> Scenario:
    """A checked scenario; ``source`` names the file(s) in the error message."""
    problems = scenario_problems(document)
    if problems:
        raise InvalidScenario(source, name, problems, SCENARIO_SCHEMA)
    return Scenario(name=name, agents=tuple(document["agents"]), body=simulation_body(document))


def transcript_turns(raw_turns: Any) -> list[Turn]:
    """Transcript turns of the API (role, message, tool_calls[]) reduced to ``Turn``."""
    turns: list[Turn] = []
    for raw in raw_turns or []:
        if not isinstance(raw, dict):
            continue
        calls = [
            str(call.get("tool_name") or call.get("name") or "?")
            for call in raw.get("tool_calls") or []
            if isinstance(call, dict)
        ]
        message = str(raw.get("message") or "") or _tool_results_text(raw.get("tool_results"))
        turns.append(Turn(role=str(raw.get("role", "?")), message=message, tool_calls=calls))
    return turns


def _tool_results_text(results: Any) -> str:
    """A turn that only carries tool results (the mock's answer) read as text instead of an empty line."""
    parts = []
    for result in results if isinstance(results, list) else []:
        if isinstance(result, dict):
            value = str(result.get("result_value") or "")
            value = value if len(value) <= 200 else value[:199] + "…"
            error = " (error)" if result.get("is_error") else ""
            parts.append(f"[{result.get('tool_name') or '?'} returned{error}: {value}]")
    return " ".join(parts)


def judge_simulation(response: dict[str, Any]) -> ScenarioVerdict:
    """Passed when the call and every evaluation criterion succeeded; any failure fails; otherwise unknown."""
    analysis = response.get("analysis") or {}
    criteria = analysis.get("evaluation_criteria_results") or {}
    results = [str(analysis.get("call_successful", "unknown"))]
    messages: list[str] = []
    failing: list[str] = []
    for criterion_id, outcome in criteria.items():
        if not isinstance(outcome, dict):
            continue
        result = str(outcome.get("result", "unknown"))
        results.append(result)
        rationale = str(outcome.get("rationale") or "")
        messages.append(f"{criterion_id}: {result}" + (f" — {rationale}" if rationale else ""))
        if result != "success":
            failing.append(f"{criterion_id}: {rationale or result}")
    if "failure" in results:
        status: RunStatus = "failed"
    elif all(result == "success" for result in results):
        status = "passed"
    else:
        status = "unknown"
    summary = "; ".join(failing) if failing else str(analysis.get("transcript_summary") or "")
    if status != "passed" and not failing:
        summary = f"call_successful={results[0]}" + (f": {summary}" if summary else "")
    return ScenarioVerdict(
        status=status,
        summary=summary,
        messages=messages,
        transcript=transcript_turns(response.get("simulated_conversation")),
    )
