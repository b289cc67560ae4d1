"""The only module that speaks HTTP to the convai API.

One ``httpx.AsyncClient`` per run (keep-alive), an ``asyncio.Semaphore`` bounding concurrent requests, retries
with exponential backoff and full jitter that honour ``Retry-After``, cursor pagination written once, and
errors mapped to ``RemoteError`` with the API's message and a hint.

Retries and idempotency. GET, PATCH, PUT and DELETE are idempotent: retried on connection errors, timeouts,
429 and any 5xx. A POST (create, run-tests, simulate-conversation, resubmit…) is not: it is retried only
when the server surely did not process it —

* the connection was never made (``ConnectError``, ``ConnectTimeout``) or no pooled connection was free
  (``PoolTimeout``): nothing was sent;
* 429, or 503 *with* ``Retry-After``: the server refused the request before processing it (rate limit,
  overload shedding), and said when to come back.

Every other failure after sending is ambiguous — the connection dropped or timed out mid-request, 500, 502,
504, a 503 without ``Retry-After`` — and raises ``AmbiguousRequest`` instead of posting again. ``create``
resolves it by looking the resource up (``find_existing``) and posts again only when it is not there; other
POSTs surface it to the caller (a duplicate test run is worse than a clear error). Idle keep-alive
connections are closed by the client after ``KEEPALIVE_EXPIRY`` seconds, before a server's usual 5 s, so a
POST is not sent on a connection the server is just closing (which would be ambiguous).

How many times. Statuses worth waiting for (429, 5xx) get ``RetryPolicy.max_attempts``; no connection
(refused, DNS, TLS) only ``connect_attempts`` with short backoff, since a refused port does not open in ten
seconds; a connect timeout, which already waited, ``timeout_attempts``; a read timeout is not retried (it
waited the whole limit: the error says how to wait longer). Timeouts: 10 s to
connect, 60 s to read, ``AGENTS_HTTP_TIMEOUT`` overrides (see ``api_failures``). The final error says how
many attempts were made; with ``--debug`` every retry is logged (method, path, what failed, the wait),
never a header.

Shutdown. Leaving ``async with`` cancels and awaits every other task still using the client (e.g. the siblings
of a failed ``asyncio.gather``) before the connections close, so no request or connection attempt outlives
the client (``asyncio.run`` would otherwise close the loop under them: "coroutine … was never awaited").
``gather_or_cancel`` is ``asyncio.gather`` with that behaviour built in.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from agents_cli.errors import RemoteError
from agents_cli.remote.answers import (
    RETRY_STATUSES,
    AmbiguousRequest,
    RequestStats,
    RetryPolicy,
    answer_digest,
    decoded,
    read_capped,
    refused_before_processing,
    remote_error,
    retry_after_seconds,
    with_note,
)
from agents_cli.remote.errors import ApiRefused, NoAnswer, NotTheApi, UrlOrigin
from agents_cli.remote.failures import HttpTimeouts, Target, attempts_note, http_timeouts, transport_failure
from agents_cli.remote.pacing import DEFAULT_CONCURRENCY, Pacer
from agents_cli.remote.pages import next_cursor, page_items
from agents_cli.remote.tasks import gather_or_cancel

__all__ = ["DEFAULT_CONCURRENCY", "AmbiguousRequest", "ApiClient", "RequestStats", "RetryPolicy"]
__all__ += ["gather_or_cancel"]

T = TypeVar("T")
Files = dict[str, tuple[str, bytes, str]] | None  # multipart: field → (file name, bytes, content type)

log = logging.getLogger("agents_cli.remote.client")
# After this many failed attempts of one request, say so without --debug.
PERSISTENT_FAILURE_ATTEMPTS = 2

NON_IDEMPOTENT_METHODS = frozenset({"POST"})
# Transport errors raised before any byte of the request left: safe to retry any request.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# No connection or no answer in time: retrying more than this rarely helps and only makes people wait.
NO_ANSWER_ERRORS: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.TimeoutException)
KEEPALIVE_EXPIRY = 4.0
# How long closing the client waits for cancelled leftover requests to unwind (they do at once unless a
# caller swallows the cancellation).
LEFTOVER_GRACE = 5.0
# The API caps page_size at 100 for every convai list.
PAGE_SIZE = 100


class ApiClient:
    """Async client for one environment. Use as ``async with ApiClient(...) as api``."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        api_key_env: str = "ELEVENLABS_API_KEY",
        environment: str | None = None,
        base_url_source: UrlOrigin | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float | None = None,
        timeouts: HttpTimeouts | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        """``environment`` and ``base_url_source`` (where the URL came from) only feed error hints.
        ``timeout``: the read limit in seconds; default ``AGENTS_HTTP_TIMEOUT``, else 60 (connect 10)."""
        self.base_url = base_url.rstrip("/")
        self.api_key_env = api_key_env
        self.environment = environment
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.stats = RequestStats()
        self.timeouts = timeouts if timeouts is not None and timeout is None else http_timeouts(timeout)
        self.target = Target(self.base_url, base_url_source, self.timeouts)
        self._api_key = api_key
        self._transport = transport
        self._sleep = sleep
        self._rng = rng or random.Random()
        # At most ``concurrency`` requests in flight, fewer while the API says to slow down (429, rate-limit
        # headers): see ``remote.pacing``.
        self.pacer = Pacer(concurrency)
        self._client: httpx.AsyncClient | None = None
        # Tasks that sent requests through this client; cancelled on exit if still running.
        self._users: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self._closing = False

    async def __aenter__(self) -> ApiClient:
        self._closing = False
        limits = httpx.Limits(
            max_connections=self.concurrency,
            max_keepalive_connections=self.concurrency,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"xi-api-key": self._api_key, "accept": "application/json"},
            timeout=self.timeouts.as_httpx(),
            limits=limits,
            transport=self._transport,
            # Plain-HTTP URLs (the emulator, a local proxy) never use TLS: skip loading the CA bundle.
            verify=not self.base_url.startswith("http://"),
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # A failed gather leaves its other tasks running: stop them while the client is still open, so
        # none is cut off mid-connect when the loop closes (their connect coroutines would never be awaited).
        # From now on no new request starts (a task woken by a cancelled sibling, e.g. from a lock, would
        # otherwise begin connecting after the list of leftovers was taken).
        self._closing = True
        current = asyncio.current_task()
        leftovers = [task for task in self._users if task is not current and not task.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            await asyncio.wait(leftovers, timeout=LEFTOVER_GRACE)
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # -- low level -------------------------------------------------------------------------------
    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter: uniform(0, min(cap, base * 2**attempt)), but never less than the server asked."""
        ceiling = min(self.retry.max_delay, self.retry.base_delay * (2**attempt))
        delay = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def _send_once(
        self, method: str, path: str, params: dict[str, Any] | None, body: Any, files: Files = None
    ) -> httpx.Response:
        if self._client is None or self._closing:
            raise RuntimeError("ApiClient used outside 'async with'")
        task = asyncio.current_task()
        if task is not None:
            self._users.add(task)
        async with self.pacer.slot() as sent_in:
            self.stats.by_method[method] += 1
            started = time.perf_counter()
            try:
                payload = {"json": body} if files is None else {"data": body, "files": files}
                request = self._client.build_request(method, path, params=params, **payload)
                response = await read_capped(self._client, request, self.timeouts)
            except httpx.HTTPError as exc:
                elapsed = (time.perf_counter() - started) * 1000
                log.debug("%s %s -> %s (%.0f ms)", method, path, type(exc).__name__, elapsed)
                raise
            elapsed = (time.perf_counter() - started) * 1000
            status = response.status_code
            retry_after = retry_after_seconds(response) if status == 429 else None
            self.pacer.observe(sent_in, status, response.headers, retry_after)
            # Only method, path, status and time: headers (the key) are never logged.
            log.debug("%s %s -> %d (%.0f ms)", method, path, response.status_code, elapsed)
            return response

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        files: Files = None,
        raw: bool = False,
    ) -> Any:
        """Send with retries; return the decoded JSON (``None`` for an empty body).

        ``idempotent`` defaults by method (POST is not). A non-idempotent request is retried only when it
        surely did not take effect (see the module docstring); otherwise ``AmbiguousRequest`` is raised.
        """
        response = await self._answer(method, path, params, json, idempotent, files)
        return response.content if raw else decoded(method, path, response)

    async def digested(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Files = None,
    ) -> tuple[Any, str]:
        """``request``, and a digest of the answer's bytes (``engine.unchanged``: answered as last time)."""
        response = await self._answer(method, path, params, json, None, files)
        return decoded(method, path, response), answer_digest(response)

    async def _answer(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
        idempotent: bool | None,
        files: Files,
    ) -> httpx.Response:
        if idempotent is None:
            idempotent = method.upper() not in NON_IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._send_once(method, path, params, json, files)
            except httpx.TransportError as exc:
                limit = self._transport_limit(exc, method, path, attempt, idempotent)
                what, retry_after = type(exc).__name__, None
            else:
                if response.status_code < 400:
                    return response
                limit, retry_after = self._status_limit(method, path, response, attempt, idempotent)
                what = str(response.status_code)
            await self._wait(method, path, what, attempt, limit, retry_after)

    def _transport_limit(
        self, exc: httpx.TransportError, method: str, path: str, attempt: int, idempotent: bool
    ) -> int:
        """How many attempts this failure allows (raising when this one was the last, or not retryable)."""
        limit = self.retry.max_attempts
        if isinstance(exc, httpx.ConnectTimeout):
            limit = min(limit, self.retry.timeout_attempts)  # each attempt already waited
        elif isinstance(exc, httpx.TimeoutException):
            limit = 1  # waited the whole read limit: say so now rather than wait as long again
        elif isinstance(exc, NO_ANSWER_ERRORS):
            limit = min(limit, self.retry.connect_attempts)
        if not idempotent and not isinstance(exc, NOT_SENT_ERRORS):
            # Dropped mid-request, read/write timeout, protocol error: maybe processed.
            cause = transport_failure(self.target, method, path, exc, attempt)
            raise AmbiguousRequest(method, path, cause) from exc
        if attempt >= limit:
            raise transport_failure(self.target, method, path, exc, attempt) from exc
        return limit

    def _status_limit(
        self, method: str, path: str, response: httpx.Response, attempt: int, idempotent: bool
    ) -> tuple[int, float | None]:
        """(attempts allowed, the server's Retry-After) for an error answer, raising when it is final."""
        status = response.status_code
        error = remote_error(
            method, path, response, environment=self.environment, api_key_env=self.api_key_env
        )
        if status < 500 and status not in RETRY_STATUSES:
            raise error  # 4xx: retrying cannot help
        retry_after = retry_after_seconds(response)
        if not idempotent and not refused_before_processing(status, retry_after):
            raise AmbiguousRequest(method, path, error)  # the server may have acted before failing
        if retry_after is not None and retry_after > self.retry.max_retry_after:
            raise with_note(error, f"the server asked to retry after {retry_after:.0f} s")
        if attempt >= self.retry.max_attempts:
            raise with_note(error, attempts_note(attempt))
        return self.retry.max_attempts, retry_after

    async def _wait(
        self, method: str, path: str, what: str, attempt: int, limit: int, retry_after: float | None
    ) -> None:
        delay = self._backoff(attempt, retry_after)
        # Method, path, what failed and the wait: never a header (the key).
        log.debug("%s %s -> %s; retry %d of %d in %.2f s", method, path, what, attempt, limit - 1, delay)
        if attempt == PERSISTENT_FAILURE_ATTEMPTS and limit > self.retry.connect_attempts:
            # Once per request, so a long 429/5xx storm is not silent (a few quick connection attempts
            # need no notice; every retry is logged with --debug).
            log.warning("%s %s: %s again; still retrying (up to %d attempts)", method, path, what, limit)
        self.stats.retries += 1
        await self._sleep(delay)

    async def get(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        return await self.request("GET", path, params=params)

    async def patch(self, path: str, body: Any, *, params: dict[str, Any] | None = None) -> Any:
        return await self.request("PATCH", path, params=params, json=body)

    async def put(self, path: str, body: Any) -> Any:
        return await self.request("PUT", path, json=body)

    async def post(self, path: str, body: Any) -> Any:
        """A non-idempotent POST: never sent twice unless the first surely was not processed."""
        return await self.request("POST", path, json=body, idempotent=False)

    async def delete(self, path: str) -> None:
        """Delete; a 404 (already gone, e.g. a retried delete that had succeeded) counts as success."""
        try:
            await self.request("DELETE", path)
        except RemoteError as exc:
            if exc.status != 404:
                raise

    async def create(
        self,
        path: str,
        body: Any,
        *,
        find_existing: Callable[[], Awaitable[Any | None]],
        files: Files = None,
        answer: list[str] | None = None,
    ) -> tuple[Any, bool]:
        """POST a new resource exactly once. Returns (response or found resource, adopted?); ``answer``, if
        given, gets the digest of the POST's answer (``digested``).

        After an ambiguous failure ``find_existing`` looks the resource up (by name + environment tag);
        if it is there it is returned instead of posting a duplicate.
        """
        attempt = 0
        while True:
            try:
                response, digest = await self.digested("POST", path, json=body, files=files)
                (answer if answer is not None else []).append(digest)
                return response, False
            except AmbiguousRequest as ambiguous:
                found = await find_existing()
                if found is not None:
                    log.debug("POST %s was applied despite %s; adopting", path, ambiguous)
                    return found, True
                attempt += 1
                if attempt >= self.retry.max_attempts:
                    cause = ambiguous.cause
                    if isinstance(cause, RemoteError):
                        raise cause from None
                    reason = f"{type(cause).__name__}: {cause}"
                    raise NoAnswer("POST", path, "other", place=self.target.place, reason=reason) from None
                self.stats.retries += 1
                await self._sleep(self._backoff(attempt, None))

    async def list_all(
        self, path: str, item_key: str, *, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a cursor-paginated list (``{item_key: [...], next_cursor, has_more}``); with an
        empty ``item_key`` the answer is the whole list as an array (phone numbers), in one GET."""
        if not item_key:
            return page_items(f"GET {path}", "", {"": await self.get(path, params=params)})
        items: list[dict[str, Any]] = []
        query: dict[str, Any] = {"page_size": PAGE_SIZE, **(params or {})}
        seen_cursors: set[str] = set()
        pages = 0
        while True:
            try:
                page = await self.get(path, params=query)
            except RemoteError as exc:
                if exc.status != 404:
                    raise
                # A collection does not vanish: the base URL is wrong (a proxy without /v1/convai, a typo).
                detail = exc.detail if isinstance(exc, ApiRefused) else "Not Found"
                url = f"{self.base_url}{path}"
                raise NotTheApi(url, detail, place=self.target.place, body=exc.body) from exc
            pages += 1
            # Checked: a listing short of items reads as "not there" and sync would create duplicates.
            items.extend(page_items(f"GET {path}", item_key, page))
            cursor = next_cursor(f"GET {path}", page, seen_cursors, pages)
            if cursor is None:
                return items
            query = {**query, "cursor": cursor}
