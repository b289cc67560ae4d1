"""Adaptive concurrency: the limit halves once per round of 429s, grows back one step per clean round, the
API's Retry-After and X-RateLimit headers hold new requests, and the configured ceiling is resolved in order
flag > AGENTS_CONCURRENCY > the environment's setting > 8."""

from __future__ import annotations

import asyncio

import pytest

from agents_cli.remote.errors import BadConcurrency
from agents_cli.remote.pacing import DEFAULT_CONCURRENCY, Pacer, configured_concurrency


def test_a_round_of_429s_halves_the_limit_once_and_clean_answers_grow_it_back() -> None:
    pacer = Pacer(8)
    assert pacer.limit == 8
    for _ in range(8):  # eight requests of the same round all hit the limit
        pacer.observe(0, 429, {}, None)
    assert pacer.limit == 4 and pacer.halvings == 1
    pacer.observe(1, 429, {}, None)  # a request sent after the halving: the limit halves again
    assert pacer.limit == 2
    for _ in range(2 + 3 + 4 + 5 + 6 + 7):
        pacer.observe(2, 200, {}, None)
    assert pacer.limit == 8  # never above the ceiling
    for _ in range(50):
        pacer.observe(2, 200, {}, None)
    assert pacer.limit == 8


def test_a_larger_ceiling_starts_at_the_default_and_grows_to_it() -> None:
    pacer = Pacer(16)
    assert pacer.limit == DEFAULT_CONCURRENCY
    for _ in range(8 * 8 + 100):
        pacer.observe(0, 200, {}, None)
    assert pacer.limit == 16


def test_retry_after_and_an_exhausted_rate_limit_hold_new_requests() -> None:
    now = [100.0]
    pacer = Pacer(4, clock=lambda: now[0], wall=lambda: 1_700_000_000.0)
    pacer.observe(0, 429, {}, 2.5)
    assert pacer.held_for() == pytest.approx(2.5)
    pacer = Pacer(4, clock=lambda: now[0], wall=lambda: 1_700_000_000.0)
    pacer.observe(0, 200, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000003"}, None)
    assert pacer.held_for() == pytest.approx(3.0)
    pacer = Pacer(4, clock=lambda: now[0])
    pacer.observe(0, 200, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1.5"}, None)
    assert pacer.held_for() == pytest.approx(1.5)  # a small reset is seconds from now
    pacer = Pacer(4, clock=lambda: now[0])
    pacer.observe(0, 200, {"x-ratelimit-remaining": "7", "x-ratelimit-reset": "1.5"}, None)
    assert pacer.held_for() == 0


def test_never_more_in_flight_than_the_limit() -> None:
    async def main() -> int:
        pacer = Pacer(3)
        release = asyncio.Event()
        entered = 0

        async def one() -> None:
            nonlocal entered
            async with pacer.slot():
                entered += 1
                await release.wait()

        tasks = [asyncio.create_task(one()) for _ in range(10)]
        while entered < 3:
            await asyncio.sleep(0)
        for _ in range(20):  # give the others every chance to (wrongly) enter
            await asyncio.sleep(0)
        assert pacer.in_flight == 3 and entered == 3
        release.set()
        await asyncio.gather(*tasks)
        return pacer.peak

    assert asyncio.run(main()) == 3


def test_the_ceiling_comes_from_the_variable_then_the_environment() -> None:
    assert configured_concurrency({}, None) == DEFAULT_CONCURRENCY
    assert configured_concurrency({}, 4) == 4
    assert configured_concurrency({"AGENTS_CONCURRENCY": "16"}, 4) == 16
    for bad in ("0", "65", "many"):
        with pytest.raises(BadConcurrency):
            configured_concurrency({"AGENTS_CONCURRENCY": bad}, None)
