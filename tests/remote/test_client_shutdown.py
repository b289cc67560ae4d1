"""Closing the API client (``agents_cli/remote/client.py``) over real loopback HTTP: the siblings of a failed
gather are cancelled, a task woken while the client closes sends nothing, and ``gather_or_cancel`` raises
the first error only after cancelling the rest."""

from __future__ import annotations

import asyncio

import pytest

from agents_cli.emulator.faults import FaultSettings
from agents_cli.errors import RemoteError
from agents_cli.remote.client import ApiClient, gather_or_cancel
from tests.support.emulator import ServedEmulator
from tests.support.waiting import EVENT_DEADLINE_S, wait_until

GOOD_KEY = "sk_ux_good"


async def slow_requests_held(served: ServedEmulator, count: int) -> None:
    """Until ``count`` requests are held by the emulator's ``slow`` fault (waited for in a thread, so the
    event loop goes on serving the requests)."""
    await asyncio.to_thread(wait_until, lambda: served.requests_faulted("slow") == count, "the slow requests")


def test_closing_the_client_stops_the_siblings_of_a_failed_gather(served_emulator: ServedEmulator) -> None:
    served_emulator.configure(
        faults=FaultSettings(seed=9, slow_s=5).with_route("GET /v1/slow/*", fault_rate=1, kinds=("slow",))
    )
    cancelled: list[str] = []

    async def slow(api: ApiClient, index: int) -> None:
        try:
            await api.get(f"/v1/slow/{index}")
        except asyncio.CancelledError:
            cancelled.append(f"slow {index}")
            raise

    async def failing(api: ApiClient) -> None:
        await slow_requests_held(served_emulator, 3)
        await api.get("/v1/convai/agents/agent_missing")

    async def main() -> int:
        async with ApiClient(served_emulator.url, GOOD_KEY, timeout=10) as api:
            with pytest.raises(RemoteError):
                await asyncio.gather(failing(api), *(slow(api, index) for index in range(3)))
        return len([task for task in asyncio.all_tasks() if task is not asyncio.current_task()])

    assert asyncio.run(main()) == 0
    assert sorted(cancelled) == [
        "slow 0",
        "slow 1",
        "slow 2",
    ]  # the 5 s slow requests: cancelled, not waited for


def test_a_task_woken_while_the_client_closes_sends_nothing(served_emulator: ServedEmulator) -> None:
    served_emulator.configure(
        faults=FaultSettings(seed=9, slow_s=5).with_route("GET /v1/slow/*", fault_rate=1, kinds=("slow",))
    )
    lock = asyncio.Lock()
    held, queued, ended = asyncio.Event(), asyncio.Event(), asyncio.Event()
    late_outcome: list[str] = []

    async def holds_the_lock(api: ApiClient) -> None:
        async with lock:
            held.set()
            await api.get("/v1/slow/held")

    async def waits_for_the_lock(api: ApiClient) -> None:
        await held.wait()
        queued.set()
        try:
            async with lock:  # granted when the holder is cancelled, after the leftovers were collected
                try:
                    await api.get("/v1/convai/agents/late")
                except RuntimeError as exc:
                    late_outcome.append(str(exc))
                    raise
        finally:
            ended.set()

    async def failing(api: ApiClient) -> None:
        await queued.wait()
        await slow_requests_held(served_emulator, 1)
        await api.get("/v1/convai/agents/agent_missing")

    async def main() -> None:
        async with ApiClient(served_emulator.url, GOOD_KEY, timeout=10) as api:
            with pytest.raises(RemoteError):
                await asyncio.gather(failing(api), holds_the_lock(api), waits_for_the_lock(api))
        await asyncio.wait_for(ended.wait(), EVENT_DEADLINE_S)  # the woken task has run to its end

    asyncio.run(main())
    assert late_outcome == ["ApiClient used outside 'async with'"]
    assert not [exchange for exchange in served_emulator.exchanges if exchange.path.endswith("/late")]


def test_gather_or_cancel_raises_the_first_error_after_cancelling_the_rest() -> None:
    finished: list[str] = []

    lingering = asyncio.Event()

    async def value(result: int) -> int:
        return result

    async def fails() -> int:
        await lingering.wait()
        raise RemoteError("boom")

    async def lingers() -> int:
        try:
            lingering.set()
            await asyncio.Event().wait()  # until cancelled
        finally:
            finished.append("lingers")
        return 1

    async def main() -> None:
        assert await gather_or_cancel(value(1), value(2)) == [1, 2]
        with pytest.raises(RemoteError, match="boom"):
            await gather_or_cancel(lingers(), fails())
        assert finished == ["lingers"]  # cancelled and awaited before the error surfaced

    asyncio.run(main())
