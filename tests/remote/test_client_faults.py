"""Non-idempotent POSTs over real loopback HTTP against the emulator's fault injection: retried only when
the server surely did not act on them (429, 503 with Retry-After, no connection), never after an ambiguous
failure (500/502, 500 after the work was done, a dropped connection); creates look the resource up instead."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from agents_cli.emulator.faults import DroppedConnectionLogFilter, FaultSettings
from agents_cli.emulator.server import RunningEmulator, running_emulator
from agents_cli.errors import RemoteError
from agents_cli.remote.client import AmbiguousRequest, ApiClient, RetryPolicy
from tests.support.remote import call_api, closed_port

RUN_TESTS = "POST /v1/convai/agents/{agent_id}/run-tests"
SIMULATE = "POST /v1/convai/agents/{agent_id}/simulate-conversation"
RESUBMIT = "POST /v1/convai/test-invocations/{invocation_id}/resubmit"
TEST = {
    "type": "llm",
    "name": "greets",
    "chat_history": [{"role": "user", "message": "Hi", "time_in_call_secs": 0}],
    "success_condition": "The agent greets the user.",
    "success_examples": [{"type": "success", "response": "Hello!"}],
    "failure_examples": [{"type": "failure", "response": "What?"}],
}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[RunningEmulator, str, str]]:
    import logging

    logging.getLogger("uvicorn.error").addFilter(DroppedConnectionLogFilter())
    with (
        running_emulator() as emulator,
        httpx.Client(base_url=emulator.url, headers={"xi-api-key": "k"}) as http,
    ):
        test_id = http.post("/v1/convai/agent-testing/create", json=TEST).json()["id"]
        body = {"name": "greeter", "conversation_config": {"agent": {"first_message": "Hello!"}}}
        agent_id = http.post("/v1/convai/agents/create", json=body).json()["agent_id"]
        yield emulator, agent_id, test_id


def faulting(emulator: RunningEmulator, route: str, kind: str) -> None:
    """Every request to ``route`` fails with ``kind`` (Retry-After: 0 on 429/503, so no waiting)."""
    emulator.configure(
        faults=FaultSettings(seed=1, retry_after_s=0).with_route(route, fault_rate=1, kinds=(kind,))
    )


def call(base_url: str, body: Callable[[ApiClient], Awaitable[Any]]) -> tuple[Any, ApiClient]:
    retry = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)
    return call_api(base_url, body, retry=retry, timeout=5)


def invocations(base_url: str, agent_id: str) -> int:
    params: dict[str, str | int] = {"agent_id": agent_id, "page_size": 100}
    listing = httpx.get(f"{base_url}/v1/convai/test-invocations", params=params, headers={"xi-api-key": "k"})
    return len(listing.json()["results"])


def run_tests_with_fault(
    emulator: RunningEmulator, agent_id: str, test_id: str, kind: str
) -> tuple[Any, ApiClient]:
    """POST run-tests once while the emulator answers it with fault ``kind``: the error and the client."""
    faulting(emulator, RUN_TESTS, kind)
    try:
        body = {"tests": [{"test_id": test_id}]}
        return call(emulator.url, lambda api: api.post(f"/v1/convai/agents/{agent_id}/run-tests", body))
    finally:
        emulator.configure(faults=None)


@pytest.mark.parametrize("kind", ["500-after", "500", "502", "drop"])
def test_run_tests_is_not_resent_after_an_ambiguous_failure(
    served: tuple[RunningEmulator, str, str], kind: str
) -> None:
    emulator, agent_id, test_id = served
    before = invocations(emulator.url, agent_id)
    error, api = run_tests_with_fault(emulator, agent_id, test_id, kind)
    assert isinstance(error, AmbiguousRequest), error
    assert "may have been applied" in error.message and error.hint
    assert api.stats.by_method["POST"] == 1 and api.stats.retries == 0
    # 500-after did run the tests once (and only once); the other faults never reached the app.
    assert invocations(emulator.url, agent_id) == before + (1 if kind == "500-after" else 0)


@pytest.mark.parametrize("kind", ["429", "503"])
def test_post_refused_before_processing_is_retried(
    served: tuple[RunningEmulator, str, str], kind: str
) -> None:
    emulator, agent_id, test_id = served
    before = invocations(emulator.url, agent_id)
    error, api = run_tests_with_fault(emulator, agent_id, test_id, kind)
    assert isinstance(error, RemoteError) and not isinstance(error, AmbiguousRequest)
    assert error.status == int(kind)
    assert api.stats.by_method["POST"] == 3  # every attempt, none of them processed
    assert invocations(emulator.url, agent_id) == before


def test_simulate_and_resubmit_are_not_resent(served: tuple[RunningEmulator, str, str]) -> None:
    emulator, agent_id, test_id = served
    run, _ = call(
        emulator.url,
        lambda api: api.post(f"/v1/convai/agents/{agent_id}/run-tests", {"tests": [{"test_id": test_id}]}),
    )
    faulting(emulator, SIMULATE, "500-after")
    try:
        spec = {"simulation_specification": {"simulated_user_config": {"first_message": "Hi"}}}
        error, api = call(
            emulator.url, lambda api: api.post(f"/v1/convai/agents/{agent_id}/simulate-conversation", spec)
        )
    finally:
        emulator.configure(faults=None)
    assert isinstance(error, AmbiguousRequest) and api.stats.by_method["POST"] == 1
    faulting(emulator, RESUBMIT, "502")
    try:
        error, api = call(
            emulator.url,
            lambda api: api.request(
                "POST",
                f"/v1/convai/test-invocations/{run['id']}/resubmit",
                json={"test_run_ids": [run["test_runs"][0]["test_run_id"]], "agent_id": agent_id},
            ),
        )
    finally:
        emulator.configure(faults=None)
    assert isinstance(error, AmbiguousRequest) and api.stats.by_method["POST"] == 1


def test_idempotent_update_is_retried_after_a_500(served: tuple[RunningEmulator, str, str]) -> None:
    emulator, agent_id, _ = served
    faulting(emulator, "PATCH /v1/convai/agents/{agent_id}", "500")
    try:
        error, api = call(emulator.url, lambda api: api.patch(f"/v1/convai/agents/{agent_id}", {"name": "x"}))
    finally:
        emulator.configure(faults=None)
    assert isinstance(error, RemoteError) and not isinstance(error, AmbiguousRequest)
    assert api.stats.by_method["PATCH"] == 3


def test_create_after_500_after_adopts_instead_of_duplicating(
    served: tuple[RunningEmulator, str, str],
) -> None:
    emulator, _, _ = served
    name = "adopt-me-after-500"

    async def create(api: ApiClient) -> tuple[Any, bool]:
        async def find_existing() -> dict[str, Any] | None:
            tools = await api.list_all("/v1/convai/tools", "tools")
            return next((tool for tool in tools if tool["tool_config"]["name"] == name), None)

        body = {"tool_config": {"type": "client", "name": name, "description": "d"}}
        return await api.create("/v1/convai/tools", body, find_existing=find_existing)

    faulting(emulator, "POST /v1/convai/tools", "500-after")
    try:
        (found, adopted), api = call(emulator.url, create)
    finally:
        emulator.configure(faults=None)
    assert adopted and found["tool_config"]["name"] == name
    assert api.stats.by_method["POST"] == 1
    listed = httpx.get(f"{emulator.url}/v1/convai/tools", headers={"xi-api-key": "k"}).json()["tools"]
    assert sum(1 for tool in listed if tool["tool_config"]["name"] == name) == 1


def test_post_to_a_closed_port_is_retried_because_nothing_was_sent() -> None:
    port = closed_port()
    error, api = call(f"http://127.0.0.1:{port}", lambda api: api.post("/v1/convai/tools", {}))
    assert isinstance(error, RemoteError) and not isinstance(error, AmbiguousRequest)
    assert error.message == f"cannot reach http://127.0.0.1:{port}: connection refused (after 3 attempts)"
    assert api.stats.by_method["POST"] == 3


def test_503_without_retry_after_is_ambiguous_for_a_post() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(503, json={"detail": "unavailable"})

    async def main() -> tuple[BaseException | None, list[str]]:
        transport = httpx.MockTransport(handler)
        async with ApiClient(
            "http://api.test", "k", transport=transport, retry=RetryPolicy(3, 0.001, 0.002)
        ) as api:
            try:
                await api.post("/v1/convai/agents/a/run-tests", {})
            except RemoteError as exc:
                return exc, sent
        return None, sent

    error, methods = asyncio.run(main())
    assert isinstance(error, AmbiguousRequest) and error.status == 503 and methods == ["POST"]
