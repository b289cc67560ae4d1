"""What the API client tells people when HTTP fails below the API: timeouts and transport errors.

``http_timeouts`` reads ``AGENTS_HTTP_TIMEOUT`` and ``AGENTS_MAX_RESPONSE_MB`` (the response-size cap);
``transport_failure`` turns an httpx transport error into one line that names the base URL (or the
request's URL) and, for timeouts, the limit that was hit, plus a hint naming where the URL came from. No IO
here.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import httpx

from agents_cli.remote.errors import BadTimeout, NoAnswer, Place, UrlOrigin

TIMEOUT_VARIABLE = "AGENTS_HTTP_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 10.0
# A read can legitimately take a while (a large list, a slow region), but not minutes without a byte.
DEFAULT_READ_TIMEOUT = 60.0
RESPONSE_CAP_VARIABLE = "AGENTS_MAX_RESPONSE_MB"
# A page of 100 full agents is a few MB; a response far past that is a proxy or server gone wrong, and
# reading it whole would take the memory of the machine.
DEFAULT_RESPONSE_CAP_MB = 64.0


@dataclass(frozen=True)
class HttpTimeouts:
    """The limits of a run's requests: how long to wait, and how large one response body may be."""

    connect: float = DEFAULT_CONNECT_TIMEOUT
    read: float = DEFAULT_READ_TIMEOUT
    max_response_mb: float = DEFAULT_RESPONSE_CAP_MB

    @property
    def max_response_bytes(self) -> int:
        return int(self.max_response_mb * 1024 * 1024)

    def as_httpx(self) -> httpx.Timeout:
        # Writing a request body and waiting for a pooled connection get the read limit.
        return httpx.Timeout(self.read, connect=self.connect)


def http_timeouts(read: float | None = None, environ: Mapping[str, str] | None = None) -> HttpTimeouts:
    """``read`` (a caller's explicit limit) wins; else ``AGENTS_HTTP_TIMEOUT`` = ``READ`` or ``CONNECT,READ``
    seconds (in ``environ``, the run's variables); else 10 s to connect and 60 s to read. The connect limit
    never exceeds the read limit."""
    if read is not None:
        return HttpTimeouts(connect=min(DEFAULT_CONNECT_TIMEOUT, read), read=read)
    if environ is None:
        from agents_cli.host import Host

        environ = Host.from_process().environ
    cap = _response_cap(environ)
    raw = environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return HttpTimeouts(max_response_mb=cap)
    connect, read = _timeout_values(raw)
    return HttpTimeouts(connect=connect, read=read, max_response_mb=cap)


def _response_cap(environ: Mapping[str, str]) -> float:
    raw = environ.get(RESPONSE_CAP_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_RESPONSE_CAP_MB
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise BadTimeout(RESPONSE_CAP_VARIABLE, raw)
    return value


def _timeout_values(raw: str) -> tuple[float, float]:
    parts = [part.strip() for part in raw.split(",")]
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or any(not value > 0 for value in values):
        raise BadTimeout(TIMEOUT_VARIABLE, raw)
    if len(values) == 1:
        return min(DEFAULT_CONNECT_TIMEOUT, values[0]), values[0]
    return values[0], values[1]


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the members of any exception group among them."""
    pending = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)


def connect_reason(exc: BaseException) -> str:
    """Why no connection was made, in a few words ("connection refused", "host name not found"…)."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not accepted ({cause.verify_message or cause})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed ({cause.reason or cause})"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
    text = str(exc).strip()
    return text or type(exc).__name__


@dataclass(frozen=True)
class Target:
    """Where requests go (and where that URL came from), and how long we wait."""

    base_url: str
    base_url_source: UrlOrigin | None = None
    timeouts: HttpTimeouts = HttpTimeouts()

    @property
    def place(self) -> Place:
        return Place(self.base_url, self.base_url_source)


def attempts_note(attempts: int) -> str:
    return f"after {attempts} attempts" if attempts != 1 else "after 1 attempt"


def transport_failure(target: Target, method: str, path: str, exc: BaseException, attempts: int) -> NoAnswer:
    """A request that got no HTTP answer, after ``attempts`` tries."""
    url = f"{target.base_url}{path}"
    place = target.place
    if isinstance(exc, httpx.ConnectTimeout):
        return NoAnswer(
            method, url, "connect_timeout", place=place, seconds=target.timeouts.connect, attempts=attempts
        )
    if isinstance(exc, httpx.ConnectError):
        return NoAnswer(
            method, url, "no_connection", place=place, reason=connect_reason(exc), attempts=attempts
        )
    if isinstance(exc, httpx.PoolTimeout):
        return NoAnswer(
            method, url, "pool_timeout", place=place, seconds=target.timeouts.read, attempts=attempts
        )
    if isinstance(exc, httpx.TimeoutException):  # read or write timeout
        return NoAnswer(
            method, url, "read_timeout", place=place, seconds=target.timeouts.read, attempts=attempts
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return NoAnswer(method, url, "closed", place=place, attempts=attempts)
    return NoAnswer(
        method, url, "other", place=place, reason=f"{type(exc).__name__}: {exc}", attempts=attempts
    )
