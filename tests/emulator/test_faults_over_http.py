"""Fault injection over real loopback HTTP: drops are transport errors, a slow answer gives way to a
client timeout, the served sequence equals the in-process one, and the served emulator's faults repeat
per seed and wait out latency concurrently.

Waits are on events (the server serving, its requests finishing) with generous deadlines that only fail a
test when the event never comes; nothing assumes how long anything takes on a loaded machine."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from agents_cli.emulator.faults import DroppedConnectionLogFilter, FaultMiddleware, FaultSettings
from agents_cli.emulator.server import BackgroundServer, running_emulator, serving_in_background
from tests.support.contract import contract_violations
from tests.support.emulator import ResponseRecorder, ServedEmulator
from tests.support.faults import items_middleware, run_requests
from tests.support.waiting import EVENT_DEADLINE_S, wait_until


@contextmanager
def _served(middleware: FaultMiddleware) -> Iterator[BackgroundServer]:
    """Serve on 127.0.0.1 (port chosen by the OS) in a thread; always stopped on exit."""
    with serving_in_background(middleware) as served:
        yield served
    assert not served.thread.is_alive(), "server did not stop"


def test_drop_is_a_transport_error_over_real_http() -> None:
    logging.getLogger("uvicorn.error").addFilter(DroppedConnectionLogFilter())
    middleware, items = items_middleware(seed=1, fault_rate=1.0, kinds=("drop",))
    with _served(middleware) as served, httpx.Client(base_url=served.url, timeout=5) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post("/items", json={"n": 1})
        middleware.configure(fault_rate=0.0)
        response = client.get("/items/7")  # the server is still healthy after the drop
        assert response.json() == {"id": "7"}
    assert items.created == []


def test_slow_outlasts_a_client_timeout_without_blocking_shutdown() -> None:
    # Slower than any deadline below: if the abandoned request held the server, the wait would fail.
    middleware, items = items_middleware(seed=1, fault_rate=1.0, kinds=("slow",), slow_s=3600)
    with _served(middleware) as served:
        with httpx.Client(base_url=served.url, timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
            client.post("/items", content=json.dumps({"n": 1}), headers={"content-type": "application/json"})
        # The client gave up and closed its connection: the slow wait ends then, so the server is idle and
        # the shutdown at the end of the block is not held up.
        served.wait_until_idle(EVENT_DEADLINE_S)
    assert items.created == []


def test_real_http_sees_the_same_fault_sequence_as_in_process() -> None:
    settings: dict[str, Any] = {"seed": 9, "fault_rate": 0.5, "kinds": ("429", "503", "500-after", "slow")}
    settings["slow_s"] = 0.01
    in_process, _ = items_middleware(**settings)
    expected = run_requests(in_process, 30)
    served, items = items_middleware(**settings)
    outcomes: list[object] = []
    with _served(served) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        for index in range(30):  # one keep-alive connection: faulted answers leave it usable
            if index % 2:
                outcomes.append(client.post("/items", json={"n": index}).status_code)
            else:
                outcomes.append(client.get(f"/items/{index}").status_code)
    assert outcomes == expected
    assert {429, 503, 500, 200, 201} <= set(outcomes)
    created = [d.n for d in served.history if d.method == "POST" and d.kind in (None, "slow", "500-after")]
    assert [body["n"] for body in items.created] == created


def test_seeded_faults_repeat_for_the_same_request_sequence(served_emulator: ServedEmulator) -> None:

    def statuses() -> list[int]:
        served_emulator.configure(faults=FaultSettings(seed=7, fault_rate=0.2, kinds=("429", "500", "503")))
        with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as http:
            return [http.get("/v1/convai/agents").status_code for _ in range(40)]

    first, second = statuses(), statuses()
    assert first == second
    assert 0 < sum(status != 200 for status in first) < 40
    served_emulator.configure(faults=None)


def test_dropped_connection_over_http_is_a_protocol_error_not_an_app_error(
    served_emulator: ServedEmulator, caplog: pytest.LogCaptureFixture
) -> None:

    served_emulator.configure(faults=FaultSettings(seed=3, fault_rate=1.0, kinds=("drop",)))
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers)
    served_emulator.configure(faults=None)
    assert httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers).status_code == 200
    served_emulator.running.background.wait_until_idle(EVENT_DEADLINE_S)  # uvicorn has logged what it would
    assert not [r for r in caplog.records if r.levelname == "ERROR" and "ASGI" in r.getMessage() + r.name]
    assert not [r for r in caplog.records if r.name == "agents_cli.emulator"]


def test_injected_latency_is_waited_out_concurrently() -> None:
    # Eight requests wait out a latency longer than any test runs; a ninth, with a short latency of its
    # own, is still answered. Were the waits serialised (a lock held across one), the ninth would wait
    # behind the eight and never be answered.
    faults = FaultSettings(seed=1, latency_ms=1).with_route("GET /v1/convai/agents", latency_ms=3_600_000)
    recorder = ResponseRecorder()
    with running_emulator(wrap=recorder.wrap) as running:
        running.configure(faults=faults)
        middleware = running.context.fault_middleware
        assert middleware is not None

        async def eight_waiting_and_one_answered() -> None:
            limits = httpx.Limits(max_connections=9)
            async with httpx.AsyncClient(
                base_url=running.url, headers={"xi-api-key": "k"}, limits=limits, timeout=EVENT_DEADLINE_S
            ) as http:
                waiting = [asyncio.create_task(http.get("/v1/convai/agents")) for _ in range(8)]

                def all_waiting() -> bool:  # each has decided its latency and is waiting it out
                    return len(middleware.history) >= 8

                await asyncio.to_thread(wait_until, all_waiting, "the eight requests reaching the emulator")
                answered = await http.get("/v1/user")
                assert answered.status_code == 200
                assert not any(task.done() for task in waiting)
                for task in waiting:
                    task.cancel()
                await asyncio.gather(*waiting, return_exceptions=True)

        asyncio.run(eight_waiting_and_one_answered())
        delays = [(decision.path, decision.delay_s) for decision in middleware.history]
    assert delays == [("/v1/convai/agents", 3600.0)] * 8 + [("/v1/user", 0.001)]
    assert contract_violations(recorder.exchanges) == []
