"""Test runs: run-tests, test invocations (get, list, resubmit) and simulate-conversation.

run-tests answers at once with every run ``pending``. A run completes when its invocation has been read
``completion_polls`` times and ``completion_delay`` seconds have passed since it was (re)submitted; it is
then judged by ``agents_cli.emulator.evaluation.evaluate_test`` against the agent *as it was when the run
was submitted*, with ``agent_config_override`` deep-merged over it. Every completed run and every simulation
is recorded as a conversation (``routes_conversations``), as the API records them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import branching, evaluation, records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response
from agents_cli.emulator.records import AGENT, INVOCATION, TEST, TOOL
from agents_cli.emulator.responses import json_response
from agents_cli.emulator.routes_conversations import store_conversation

RUN = "/v1/convai/agents/{agent_id}/run-tests"
ONE = "/v1/convai/test-invocations/{test_invocation_id}"
LIST = "/v1/convai/test-invocations"
RESUBMIT = "/v1/convai/test-invocations/{test_invocation_id}/resubmit"
SIMULATE = "/v1/convai/agents/{agent_id}/simulate-conversation"
OVERRIDE_MODEL = "AdhocAgentConfigOverrideForTestRequestModel"
# Internal key of a run: which resubmission's agent snapshot judges it (the response model drops it).
RESUBMIT_KEY = "_emulator_resubmit"
# Internal key of a run: its 0-based repetition within the invocation (``repeat_count``).
REPETITION_KEY = "_emulator_repetition"

log = logging.getLogger("agents_cli.emulator")


def _override(ctx: EmulatorContext, raw: object) -> dict[str, Any] | None:
    """The override as sent (validated, but without defaults, so that it only changes what it names)."""
    if not isinstance(raw, dict) or raw.get("agent_config_override") is None:
        return None
    value, errors = ctx.models.apply(
        OVERRIDE_MODEL,
        raw["agent_config_override"],
        loc=("body", "agent_config_override"),
        strict=ctx.settings.strict,
        fill_defaults=False,
    )
    if errors:
        raise ApiError.validation(errors)
    return value if isinstance(value, dict) else None


async def _body_and_override(
    ctx: EmulatorContext, request: Request, path: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A run-tests or resubmit body (defaults filled) and its ``agent_config_override`` as sent."""
    raw = await ctx.raw_body(request)
    body = ctx.validate(ctx.models.request_schema("post", path) or "", raw)
    return body, _override(ctx, raw)


def effective_agent(
    ctx: EmulatorContext, agent_id: str, override: Mapping[str, Any] | None, branch_id: str | None = None
) -> dict[str, Any]:
    """The agent as GET shows it (on ``branch_id`` when given), with the test override's
    ``conversation_config``/``platform_settings``."""
    record = records.get_or_404(ctx, AGENT, agent_id)
    if branch_id and branch_id != record.get("main_branch_id"):
        record = branching.tip(ctx, record, branching.branch_of(ctx, record, branch_id))
    view = records.agent_view(ctx, record)
    if override:
        for key in ("conversation_config", "platform_settings", "workflow"):
            if override.get(key) is not None:
                view[key] = records.deep_merge(view.get(key) or {}, override[key])
    return view


def _tools_for(ctx: EmulatorContext, agent: Mapping[str, Any], tests: list[dict[str, Any]]) -> dict[str, Any]:
    """Tool records the agent attaches or the tests reference, by id."""
    wanted = list(records.prompt_of(agent.get("conversation_config") or {}).get("tool_ids", []))
    for test in tests:
        referenced = ((test.get("tool_call_parameters") or {}).get("referenced_tool") or {}).get("id")
        if isinstance(referenced, str):
            wanted.append(referenced)
    return {tool_id: record for tool_id in wanted if (record := ctx.store.get(TOOL, tool_id)) is not None}


def _evaluate(
    test: dict[str, Any], agent: dict[str, Any], tools: Mapping[str, Any], repetition: int = 0
) -> dict[str, Any]:
    """One run's verdict from the evaluation module; its failures become failed runs, not 500s."""
    try:
        outcome = evaluation.evaluate_test(test, agent, tools, repetition=repetition)
        return {
            "status": outcome.status,
            "condition_result": outcome.condition_result,
            "agent_responses": outcome.agent_responses,
        }
    except Exception as exc:  # an evaluation bug must not wedge the invocation in `pending`
        log.exception("evaluation of test %s failed", test.get("id"))
        return {
            "status": "failed",
            "condition_result": {
                "result": "unknown",
                "rationale": {
                    "messages": [f"emulator evaluation error: {type(exc).__name__}: {exc}"],
                    "summary": "The emulator could not evaluate this test.",
                },
            },
            "agent_responses": [],
        }


def _complete_if_due(ctx: EmulatorContext, invocation: dict[str, Any]) -> None:
    settings = ctx.settings
    state = invocation["_emulator"]
    state["polls"] += 1
    due = (
        state["polls"] >= settings.completion_polls
        and time.time() - state["started"] >= settings.completion_delay
    )
    if not due:
        return
    resubmitted = state.get("resubmits", [])
    for run in invocation["test_runs"]:
        if run["status"] != "pending":
            continue
        # A resubmitted run is judged against the agent of its resubmission; the others keep theirs.
        index = run.get(RESUBMIT_KEY)
        snapshot = resubmitted[index] if isinstance(index, int) and index < len(resubmitted) else state
        repetition = int(run.get(REPETITION_KEY) or 0)
        run.update(_evaluate(run["test_info"], snapshot["agent"], snapshot["tools"], repetition))
        run["last_updated_at_unix"] = records.now()
        history = [dict(t) for t in run["test_info"].get("chat_history") or [] if isinstance(t, dict)]
        store_conversation(ctx, snapshot["agent"], history + list(run.get("agent_responses") or []), "test")


def _summary(ctx: EmulatorContext, invocation: dict[str, Any]) -> dict[str, Any]:
    runs = invocation["test_runs"]
    counts = {
        status: sum(1 for run in runs if run["status"] == status)
        for status in ("passed", "failed", "pending")
    }
    return {
        "id": invocation["id"],
        "agent_id": invocation.get("agent_id"),
        "branch_id": invocation.get("branch_id"),
        "version_id": invocation.get("version_id"),
        "created_at_unix_secs": invocation["created_at"],
        "test_run_count": len(runs),
        "passed_count": counts["passed"],
        "failed_count": counts["failed"],
        "pending_count": counts["pending"],
        "access_info": records.access_info(ctx),
        "repeat_count": invocation.get("repeat_count", 1),
        # Required by the spec's summary model although it declares no such property.
        "title": f"{len(runs)} test run(s)",
    }


def _new_invocation(
    ctx: EmulatorContext,
    agent_id: str,
    body: dict[str, Any],
    override: dict[str, Any] | None,
) -> dict[str, Any]:
    """A run-tests invocation with every run pending, holding the agent snapshot that will judge them."""
    agent_record = records.get_or_404(ctx, AGENT, agent_id)
    tests = []
    for item in body["tests"]:
        test = ctx.store.get(TEST, item["test_id"])
        if test is None:
            raise ApiError.of(400, "test_not_found", f"Test {item['test_id']} does not exist.")
        tests.append((item, test))
    agent = effective_agent(ctx, agent_id, override, body.get("branch_id"))
    invocation_id = new_id("invocation")
    branch_id = body.get("branch_id") or agent_record.get("main_branch_id")
    stamp = records.now()
    runs = [
        {
            "test_run_id": new_id("run"),
            "test_info": test,
            "test_invocation_id": invocation_id,
            "agent_id": agent_id,
            "branch_id": branch_id,
            "version_id": agent_record.get("version_id"),
            "workflow_node_id": item.get("workflow_node_id"),
            "status": "pending",
            "agent_responses": None,
            "test_id": test["id"],
            "test_name": test.get("name", ""),
            "condition_result": None,
            "last_updated_at_unix": stamp,
            REPETITION_KEY: repetition,
        }
        for item, test in tests
        for repetition in range(body["repeat_count"])
    ]
    return {
        "id": invocation_id,
        "agent_id": agent_id,
        "branch_id": branch_id,
        "version_id": agent_record.get("version_id"),
        "created_at": stamp,
        "repeat_count": body["repeat_count"],
        "test_runs": runs,
        "_emulator": {
            "polls": 0,
            "started": time.time(),
            "agent": agent,
            "tools": _tools_for(ctx, agent, [test for _, test in tests]),
        },
    }


async def run_tests(request: Request) -> Response:
    ctx = context_of(request)
    body, override = await _body_and_override(ctx, request, RUN)
    with ctx.store.transaction():
        invocation = _new_invocation(ctx, request.path_params["agent_id"], body, override)
        ctx.store.put(INVOCATION, invocation["id"], invocation)
    return ctx.respond("post", RUN, invocation)


async def get(request: Request) -> Response:
    ctx = context_of(request)
    invocation_id = request.path_params["test_invocation_id"]
    with ctx.store.transaction():
        invocation = records.get_or_404(ctx, INVOCATION, invocation_id)
        _complete_if_due(ctx, invocation)
        ctx.store.put(INVOCATION, invocation_id, invocation)
    return ctx.respond("get", ONE, invocation)


async def list_invocations(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.query_params.get("agent_id")
    items = [
        (seq, ident, invocation)
        for seq, ident, invocation in ctx.store.list(INVOCATION)
        if not agent_id or invocation.get("agent_id") == agent_id
    ]
    return page_response(
        ctx, request, LIST, "results", items, lambda found: _summary(ctx, found), extra={"meta": {}}
    )


def _runs_by_id(invocation: dict[str, Any], run_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The invocation's runs named by ``run_ids`` (400 ``test_run_not_found`` for any other id)."""
    by_id = {run["test_run_id"]: run for run in invocation["test_runs"]}
    unknown = [run_id for run_id in run_ids if run_id not in by_id]
    if unknown:
        raise ApiError.of(
            400, "test_run_not_found", f"Test runs not in this invocation: {', '.join(unknown)}"
        )
    return {run_id: by_id[run_id] for run_id in run_ids}


def _resubmit_runs(
    ctx: EmulatorContext, invocation: dict[str, Any], runs: dict[str, dict[str, Any]], agent: dict[str, Any]
) -> None:
    """Set ``runs`` back to pending, to be judged against ``agent`` (a new snapshot of the invocation)."""
    state = invocation["_emulator"]
    resubmits = state.setdefault("resubmits", [])
    tests = []
    for run in runs.values():
        run["test_info"] = ctx.store.get(TEST, run["test_id"]) or run["test_info"]
        run.update(status="pending", condition_result=None, agent_responses=None)
        run["last_updated_at_unix"] = records.now()
        run[RESUBMIT_KEY] = len(resubmits)
        tests.append(run["test_info"])
    resubmits.append({"agent": agent, "tools": _tools_for(ctx, agent, tests)})
    # Resubmitted runs are pending again for at least one poll (and the completion delay); runs still
    # pending from before wait with them.
    state.update(polls=0, started=time.time())


async def resubmit(request: Request) -> Response:
    ctx = context_of(request)
    invocation_id = request.path_params["test_invocation_id"]
    body, override = await _body_and_override(ctx, request, RESUBMIT)
    with ctx.store.transaction():
        invocation = records.get_or_404(ctx, INVOCATION, invocation_id)
        runs = _runs_by_id(invocation, body["test_run_ids"])
        agent = effective_agent(ctx, body["agent_id"], override)
        _resubmit_runs(ctx, invocation, runs, agent)
        ctx.store.put(INVOCATION, invocation_id, invocation)
    return json_response({})


async def simulate(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", SIMULATE)
    agent = effective_agent(ctx, request.path_params["agent_id"], None)
    result = evaluation.simulate_conversation(agent, _tools_for(ctx, agent, []), body)
    store_conversation(ctx, agent, list(result.get("simulated_conversation") or []), "simulation")
    return ctx.respond("post", SIMULATE, result)


ROUTES: list[BaseRoute] = [
    Route(RUN, run_tests, methods=["POST"]),
    Route(LIST, list_invocations, methods=["GET"]),
    Route(ONE, get, methods=["GET"]),
    Route(RESUBMIT, resubmit, methods=["POST"]),
    Route(SIMULATE, simulate, methods=["POST"]),
]
