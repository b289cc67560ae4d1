"""Fault injection over real loopback HTTP: drops are transport errors, a slow answer gives way to a
client timeout, the served sequence equals the in-process one, and the served emulator's faults repeat
per seed and wait out latency concurrently."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from agents_cli.emulator.faults import DroppedConnectionLogFilter, FaultMiddleware, FaultSettings
from tests.conftest import ServedEmulator
from tests.emulator.fault_support import items_middleware, run_requests


@contextmanager
def _served(middleware: FaultMiddleware) -> Iterator[str]:
    """Serve on 127.0.0.1 (port chosen by the OS) in a thread; always stopped on exit."""
    config = uvicorn.Config(middleware, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        assert not thread.is_alive(), "server did not stop"


def test_drop_is_a_transport_error_over_real_http() -> None:
    logging.getLogger("uvicorn.error").addFilter(DroppedConnectionLogFilter())
    middleware, items = items_middleware(seed=1, fault_rate=1.0, kinds=("drop",))
    with _served(middleware) as base_url, httpx.Client(base_url=base_url, timeout=5) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post("/items", json={"n": 1})
        middleware.configure(fault_rate=0.0)
        response = client.get("/items/7")  # the server is still healthy after the drop
        assert response.json() == {"id": "7"}
    assert items.created == []


def test_slow_outlasts_a_client_timeout_without_blocking_shutdown() -> None:
    middleware, items = items_middleware(seed=1, fault_rate=1.0, kinds=("slow",), slow_s=30)
    started = time.monotonic()
    with (
        _served(middleware) as base_url,
        httpx.Client(base_url=base_url, timeout=0.3) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.post("/items", content=json.dumps({"n": 1}), headers={"content-type": "application/json"})
    assert time.monotonic() - started < 5  # the abandoned slow request did not hold the server for 30 s
    assert items.created == []


def test_real_http_sees_the_same_fault_sequence_as_in_process() -> None:
    settings: dict[str, Any] = {"seed": 9, "fault_rate": 0.5, "kinds": ("429", "503", "500-after", "slow")}
    settings["slow_s"] = 0.01
    in_process, _ = items_middleware(**settings)
    expected = run_requests(in_process, 30)
    served, items = items_middleware(**settings)
    outcomes: list[object] = []
    with _served(served) as base_url, httpx.Client(base_url=base_url, timeout=5) as client:
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
    assert not [r for r in caplog.records if r.levelname == "ERROR" and "ASGI" in r.getMessage() + r.name]
    assert not [r for r in caplog.records if r.name == "agents_cli.emulator"]


def test_injected_latency_is_waited_out_concurrently(served_emulator: ServedEmulator) -> None:
    import time

    from agents_cli.emulator.faults import FaultSettings

    served_emulator.configure(faults=FaultSettings(seed=1, latency_ms=200))

    async def eight_at_once() -> float:
        limits = httpx.Limits(max_connections=8)
        async with httpx.AsyncClient(
            base_url=served_emulator.url, headers=served_emulator.headers, limits=limits
        ) as http:
            started = time.perf_counter()
            responses = await asyncio.gather(*(http.get("/v1/user") for _ in range(8)))
            assert [r.status_code for r in responses] == [200] * 8
            return time.perf_counter() - started

    elapsed = asyncio.run(eight_at_once())
    served_emulator.configure(faults=None)
    # One after the other would take 1.6 s; a lock held across the sleep would serialise them.
    assert 0.2 <= elapsed < 0.8
