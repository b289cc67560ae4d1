"""Run tests and scenarios for many agents at once and collect one result per run.

All agents' run-tests invocations are started concurrently, then each invocation is polled with exponential
backoff until none of its runs is ``pending`` or the shared deadline passes; runs still pending then are
``timed_out``. Scenarios are single simulate-conversation calls, also concurrent and bounded by the deadline.
The HTTP client is behind ``TestApi`` (see ``prepare.ApiTestClient``) so this module does no IO of its own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar

from agents_cli.errors import AgentsError
from agents_cli.testing.model import AgentTarget, CaseResult, RunStatus, ScenarioCase, TestCase, Turn
from agents_cli.testing.scenarios import judge_simulation, transcript_turns

T = TypeVar("T")
P = ParamSpec("P")
SCENARIO_CONTEXT_TURNS = 4  # a failed scenario shows its last few turns unless --show-transcript


class TestApi(Protocol):
    async def run_tests(self, agent_id: str, body: dict[str, Any]) -> dict[str, Any]: ...

    async def get_test_invocation(self, invocation_id: str) -> dict[str, Any]: ...

    async def simulate_conversation(self, agent_id: str, body: dict[str, Any]) -> dict[str, Any]: ...


class Progress(Protocol):
    """Told when an agent's runs start and whenever one run reaches its final status."""

    def started(self, agent: str, total: int) -> None: ...

    def finished(self, result: CaseResult) -> None: ...


@dataclass(frozen=True)
class PollPolicy:
    first_delay_s: float = 0.2
    factor: float = 1.6
    max_delay_s: float = 5.0


class _Clock:
    def __init__(self, timeout_s: float) -> None:
        self.start = time.monotonic()
        self.deadline = self.start + timeout_s
        self.timeout_s = timeout_s

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


async def _before_deadline(
    clock: _Clock, call: Callable[P, Awaitable[T]], *args: P.args, **kw: P.kwargs
) -> T:
    remaining = clock.remaining()
    if remaining <= 0:
        raise TimeoutError
    return await asyncio.wait_for(call(*args, **kw), timeout=remaining)


def _error_text(exc: AgentsError) -> str:
    """The API's refusal with its detail (e.g. the 422 field errors), as one line."""
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message


def start_body(target: AgentTarget, repeat: int) -> dict[str, Any]:
    """The run-tests request body for all of a target's attached tests."""
    body: dict[str, Any] = {
        "tests": [
            {"test_id": test.remote_id}
            | ({"workflow_node_id": test.workflow_node_id} if test.workflow_node_id else {})
            for test in target.tests
        ]
    }
    if repeat > 1:
        body["repeat_count"] = repeat
    if target.config_override is not None:
        body["agent_config_override"] = target.config_override
    if target.branch_id is not None:
        body["branch_id"] = target.branch_id
    return body


def _outcome(run: dict[str, Any]) -> tuple[RunStatus, str, list[str]]:
    condition = run.get("condition_result") or {}
    rationale = condition.get("rationale") or {}
    summary = str(rationale.get("summary") or "")
    messages = [str(message) for message in rationale.get("messages") or []]
    status: RunStatus
    if condition.get("result") == "unknown":
        status = "unknown"
        summary = summary or "the evaluation was inconclusive"
    elif run.get("status") == "passed":
        status = "passed"
    else:
        status = "failed"
        summary = summary or (messages[0] if messages else "the test failed without a rationale")
    return status, summary, messages


def _run_transcript(run: dict[str, Any]) -> tuple[list[Turn], list[int]]:
    """The test's chat history followed by the agent's responses; relevant = last history turn + responses."""
    info = run.get("test_info") or {}
    history = transcript_turns(info.get("chat_history"))
    responses = transcript_turns(run.get("agent_responses"))
    first_relevant = max(0, len(history) - 1)
    return history + responses, list(range(first_relevant, len(history) + len(responses)))


class _Invocation:
    """The runs of one agent's run-tests invocation, matched to local tests and repetitions."""

    def __init__(self, target: AgentTarget, repeat: int, progress: Progress, clock: _Clock) -> None:
        self.target = target
        self.repeat = repeat
        self.progress = progress
        self.clock = clock
        self.by_remote_id = {test.remote_id: test for test in target.tests}
        self.results: dict[str, CaseResult] = {}  # test_run_id -> final result
        self.slots: dict[str, tuple[TestCase, int]] = {}  # test_run_id -> (test, repetition)
        self.invocation_id: str | None = None
        self.started = time.monotonic()

    def _slot(self, run: dict[str, Any]) -> tuple[TestCase, int]:
        run_id = str(run.get("test_run_id"))
        if run_id not in self.slots:
            remote_id = str(run.get("test_id"))
            test = self.by_remote_id.get(remote_id) or TestCase(
                name=str(run.get("test_name") or remote_id), remote_id=remote_id, type="?"
            )
            repetition = 1 + sum(1 for known, _ in self.slots.values() if known.remote_id == remote_id)
            self.slots[run_id] = (test, repetition)
        return self.slots[run_id]

    def _result(self, test: TestCase, repetition: int, status: RunStatus, summary: str) -> CaseResult:
        return CaseResult(
            agent=self.target.agent,
            name=test.name,
            kind="test",
            type=test.type,
            repetition=repetition,
            repeat=self.repeat,
            status=status,
            duration_s=round(time.monotonic() - self.started, 3),
            rationale_summary=summary,
            remote_id=test.remote_id,
            invocation_id=self.invocation_id,
        )

    def absorb(self, invocation: dict[str, Any]) -> bool:
        """Record runs that finished since the last poll; True when none is pending any more."""
        self.invocation_id = str(invocation.get("id") or self.invocation_id or "")
        pending = False
        for run in invocation.get("test_runs") or []:
            if not isinstance(run, dict):
                continue
            test, repetition = self._slot(run)
            run_id = str(run.get("test_run_id"))
            if run.get("status") == "pending":
                pending = True
                continue
            if run_id in self.results:
                continue
            status, summary, messages = _outcome(run)
            result = self._result(test, repetition, status, summary)
            result.rationale_messages = messages
            result.transcript, result.relevant_turns = _run_transcript(run)
            info_type = (run.get("test_info") or {}).get("type")
            if test.type == "?" and info_type:
                result.type = str(info_type)
            self.results[run_id] = result
            self.progress.finished(result)
        return not pending

    def close(self, status: RunStatus, summary: str) -> list[CaseResult]:
        """Results in test order; runs not finished (or never started) get ``status``."""
        finished: dict[tuple[str, int], CaseResult] = {}
        for run_id, (test, repetition) in self.slots.items():
            if run_id in self.results:
                finished[(test.remote_id, repetition)] = self.results[run_id]
        ordered = []
        for test in self.target.tests:
            for repetition in range(1, self.repeat + 1):
                result = finished.get((test.remote_id, repetition))
                if result is None:
                    result = self._result(test, repetition, status, summary)
                    self.progress.finished(result)
                ordered.append(result)
        return ordered


async def _run_attached(
    api: TestApi, target: AgentTarget, repeat: int, progress: Progress, clock: _Clock, poll: PollPolicy
) -> list[CaseResult]:
    tracker = _Invocation(target, repeat, progress, clock)
    body = start_body(target, repeat)
    try:
        invocation = await _before_deadline(clock, api.run_tests, target.remote_id, body)
        delay = poll.first_delay_s
        while not tracker.absorb(invocation):
            if clock.remaining() <= 0:
                raise TimeoutError
            await asyncio.sleep(min(delay, clock.remaining()))
            delay = min(delay * poll.factor, poll.max_delay_s)
            invocation = await _before_deadline(clock, api.get_test_invocation, str(invocation.get("id")))
    except TimeoutError:
        return tracker.close("timed_out", f"still pending after the {clock.timeout_s:g}s timeout")
    except AgentsError as exc:
        return tracker.close("error", _error_text(exc))
    return tracker.close("error", "the invocation did not report this run")


async def _run_scenario(
    api: TestApi,
    target: AgentTarget,
    scenario: ScenarioCase,
    repetition: int,
    repeat: int,
    progress: Progress,
    clock: _Clock,
) -> CaseResult:
    started = time.monotonic()
    result = CaseResult(
        agent=target.agent,
        name=scenario.name,
        kind="scenario",
        type="scenario",
        repetition=repetition,
        repeat=repeat,
        status="error",
        duration_s=0.0,
    )
    try:
        if scenario.blocked is not None:
            raise scenario.blocked
        response = await _before_deadline(clock, api.simulate_conversation, target.remote_id, scenario.body)
    except TimeoutError:
        result.status = "timed_out"
        result.rationale_summary = f"no answer within the {clock.timeout_s:g}s timeout"
    except AgentsError as exc:
        result.rationale_summary = _error_text(exc)
    else:
        verdict = judge_simulation(response)
        result.status = verdict.status
        result.rationale_summary = verdict.summary
        result.rationale_messages = verdict.messages
        result.transcript = verdict.transcript
        count = len(verdict.transcript)
        result.relevant_turns = list(range(max(0, count - SCENARIO_CONTEXT_TURNS), count))
    result.duration_s = round(time.monotonic() - started, 3)
    progress.finished(result)
    return result


async def run_targets(
    api: TestApi,
    targets: list[AgentTarget],
    *,
    repeat: int,
    timeout_s: float,
    progress: Progress,
    poll: PollPolicy | None = None,
) -> list[CaseResult]:
    """Run every target's tests and scenarios concurrently; results come back in selection order."""
    clock = _Clock(timeout_s)
    policy = poll or PollPolicy()
    jobs: list[Awaitable[list[CaseResult]]] = []
    for target in targets:
        progress.started(target.agent, target.case_count * repeat)
        if target.tests:
            jobs.append(_run_attached(api, target, repeat, progress, clock, policy))
        for scenario in target.scenarios:
            for repetition in range(1, repeat + 1):
                jobs.append(
                    _as_list(_run_scenario(api, target, scenario, repetition, repeat, progress, clock))
                )
    batches = await asyncio.gather(*jobs)
    return [result for batch in batches for result in batch]


async def _as_list(job: Awaitable[CaseResult]) -> list[CaseResult]:
    return [await job]
