"""What the API answers, read for the client: errors with the API's own message, Retry-After, which
failures are surely not processed (safe to send again), and the counts of what was sent."""

from __future__ import annotations

import email.utils
import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from agents_cli.remote.errors import AmbiguousRequest, ApiRefused, ResponseTooLarge, UnexpectedAnswer
from agents_cli.remote.failures import RESPONSE_CAP_VARIABLE, HttpTimeouts

__all__ = ["AmbiguousRequest", "ApiRefused", "RequestStats", "RetryPolicy"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass
class RetryPolicy:
    max_attempts: int = 8
    base_delay: float = 0.2
    max_delay: float = 10.0
    # A Retry-After larger than this is treated as a refusal, not something to sleep through.
    max_retry_after: float = 60.0
    # No connection (refused, DNS, TLS): a few quick tries, not eight.
    connect_attempts: int = 3
    # A connect timeout already waited the whole limit: one more try, then a clear error. (Read timeouts
    # are not retried at all: a minute of silence is already long.)
    timeout_attempts: int = 2


@dataclass
class RequestStats:
    """Counts of requests actually sent (including retries), for summaries and benchmarks."""

    by_method: Counter[str] = field(default_factory=Counter)
    retries: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_method.values())

    @property
    def writes(self) -> int:
        return sum(count for method, count in self.by_method.items() if method in WRITE_METHODS)

    def as_dict(self) -> dict[str, int]:
        return {
            "requests": self.total,
            "writes": self.writes,
            "retries": self.retries,
            **dict(self.by_method),
        }


def refused_before_processing(status: int, retry_after: float | None) -> bool:
    """429, or 503 with Retry-After: the server turned the request away without acting on it."""
    return status == 429 or (status == 503 and retry_after is not None)


def with_note(error: ApiRefused, note: str) -> ApiRefused:
    """The same refusal, saying how hard we tried (``after 8 attempts``)."""
    return error.with_note(note)


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def error_message(response: httpx.Response) -> tuple[str, list[str], Any]:
    """The API's own message (FastAPI ``detail``) and, for 422, one line per ``loc: msg``."""
    try:
        body: Any = response.json()
    except ValueError:
        return (_first_line(response) or response.reason_phrase), [], None
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        lines = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(part) for part in item.get("loc", []) if part != "body")
                lines.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg", "")))
        return "invalid request", lines, body
    if isinstance(detail, dict):
        message = detail.get("message") or detail.get("status") or str(detail)
        return str(message), [], body
    if detail is not None:
        return str(detail), [], body
    return response.reason_phrase, [], body


def _first_line(response: httpx.Response) -> str:
    """A non-JSON error body (a proxy's HTML page) in one short line: its title, else its first line of
    text, tags dropped; never the page."""
    import re

    text = response.text
    if "html" in response.headers.get("content-type", "") or text.lstrip().startswith("<"):
        title = re.search(r"<title[^>]*>(.*?)</title>", text[:4096], re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]*>", " ", text[:4096])
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    line = " ".join(line.split())
    return line if len(line) <= 120 else line[:117] + "..."


async def read_capped(
    client: httpx.AsyncClient, request: httpx.Request, limits: HttpTimeouts
) -> httpx.Response:
    """Send ``request`` and read its body up to ``limits.max_response_bytes`` (decoded size, so a
    compressed bomb counts as what it becomes); a larger body raises ``ResponseTooLarge`` unread."""
    cap = limits.max_response_bytes
    response = await client.send(request, stream=True)
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(request, response, limits)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _too_large(request, response, limits)
            chunks.append(chunk)
    finally:
        await response.aclose()
    # The body is decoded already: the copy must not claim an encoding.
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=request)


def _too_large(request: httpx.Request, response: httpx.Response, limits: HttpTimeouts) -> ResponseTooLarge:
    method, path = request.method, request.url.path
    return ResponseTooLarge(method, path, response.status_code, limits.max_response_mb, RESPONSE_CAP_VARIABLE)


def remote_error(
    method: str, path: str, response: httpx.Response, *, environment: str | None, api_key_env: str
) -> ApiRefused:
    """The error for a 4xx/5xx answer, with the API's own message."""
    message, lines, body = error_message(response)
    return ApiRefused(
        method,
        path,
        response.status_code,
        message,
        lines=tuple(lines),
        body=body,
        environment=environment,
        api_key_env=api_key_env,
    )


def decoded(method: str, path: str, response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise UnexpectedAnswer(f"{method} {path}", "a JSON body", status=response.status_code) from exc


def answer_digest(response: httpx.Response) -> str:
    """Of the answer's bytes as they came (``engine.unchanged``)."""
    return hashlib.blake2b(response.content, digest_size=20).hexdigest()
