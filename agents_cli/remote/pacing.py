"""How many requests may be in flight, adapted to what the API says about its rate limit.

The configured concurrency (``--concurrency``, ``AGENTS_CONCURRENCY``, the environment's ``concurrency`` in
``agents.json``, else 8) is the ceiling. The limit starts there (never above 8 unless configured higher, then
it starts at 8 and grows), grows by one after each ``limit`` answers in a row without a 429 (additive
increase) and is halved on a 429 (multiplicative decrease) — once per round of requests, not once per
request of the round that hit it. A ``Retry-After`` on a 429, and ``X-RateLimit-Remaining: 0`` with
``X-RateLimit-Reset`` (epoch seconds, or seconds from now when small), hold every new request until then,
so a large workspace runs near the rate limit without tripping it again and again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Mapping

DEFAULT_CONCURRENCY = 8
# A reset further away than this is not waited for here (the request's own retry policy decides).
MAX_HOLD_S = 60.0
# Values of X-RateLimit-Reset above this are epoch seconds; below, seconds from now.
_EPOCH_THRESHOLD = 1_000_000_000


class Pacer:
    def __init__(
        self,
        ceiling: int = DEFAULT_CONCURRENCY,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = min(self.ceiling, max(DEFAULT_CONCURRENCY, 1))
        self.in_flight = 0
        self.peak = 0  # the most requests ever in flight at once
        self.halvings = 0
        self._clock = clock
        self._wall = wall
        self._condition = asyncio.Condition()
        self._round = 0  # bumped on each halving: answers to requests sent before it do not halve again
        self._clean = 0  # answers without a 429 since the limit last changed
        self._resume_at = 0.0  # monotonic time before which no new request starts
        self._grown = 0  # slots added since the last release (each wakes one more waiter)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Hold one in-flight slot; yields the round the request is sent in (for ``observe``)."""
        async with self._condition:
            await self._condition.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            while (hold := self._resume_at - self._clock()) > 0:
                await asyncio.sleep(hold)
            yield self._round
        finally:
            async with self._condition:
                self.in_flight -= 1
                # One waiter per freed slot (waking all of 1,000 waiters on each answer is quadratic), plus
                # one per slot the limit grew by since.
                self._condition.notify(1 + self._grown)
                self._grown = 0

    def observe(
        self, sent_in: int, status: int, headers: Mapping[str, str], retry_after: float | None
    ) -> None:
        """Adapt to one answer (``headers`` as received; ``retry_after`` already parsed)."""
        now = self._clock()
        if status == 429:
            if sent_in == self._round:
                self._round += 1
                self.halvings += 1
                self.limit = max(1, self.limit // 2)
                self._clean = 0
            if retry_after is not None:
                self._hold_until(now + min(retry_after, MAX_HOLD_S))
        elif status < 500:
            self._clean += 1
            if self._clean >= self.limit and self.limit < self.ceiling:
                self.limit += 1
                self._grown += 1
                self._clean = 0
        remaining, reset = (
            _number(headers.get("x-ratelimit-remaining")),
            _number(headers.get("x-ratelimit-reset")),
        )
        if remaining is not None and remaining <= 0 and reset is not None:
            wait = reset - self._wall() if reset > _EPOCH_THRESHOLD else reset
            if 0 < wait <= MAX_HOLD_S:
                self._hold_until(now + wait)

    def held_for(self) -> float:
        """Seconds until new requests may start (0: now)."""
        return max(0.0, self._resume_at - self._clock())

    def _hold_until(self, moment: float) -> None:
        self._resume_at = max(self._resume_at, moment)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


CONCURRENCY_VARIABLE = "AGENTS_CONCURRENCY"


def configured_concurrency(environ: Mapping[str, str], environment: int | None) -> int:
    """``AGENTS_CONCURRENCY``, else the environment's setting, else the default (a flag wins over both)."""
    from agents_cli.remote.errors import BadConcurrency

    variable = environ.get(CONCURRENCY_VARIABLE, "").strip()
    if not variable:
        return environment or DEFAULT_CONCURRENCY
    try:
        value = int(variable)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise BadConcurrency(CONCURRENCY_VARIABLE, variable)
    return value
