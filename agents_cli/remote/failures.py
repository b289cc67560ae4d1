"""What the API client tells people when HTTP fails below the API: timeouts and transport errors.

``http_timeouts`` reads ``AGENTS_HTTP_TIMEOUT``; ``transport_failure`` turns an httpx transport error into one
line that names the base URL (or the request's URL) and, for timeouts, the limit that was hit, plus a hint
naming where the URL came from. No IO here.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import httpx

from agents_cli.errors import ConfigError, RemoteError

TIMEOUT_VARIABLE = "AGENTS_HTTP_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 10.0
# A read can legitimately take a while (a large list, a slow region), but not minutes without a byte.
DEFAULT_READ_TIMEOUT = 60.0


@dataclass(frozen=True)
class HttpTimeouts:
    connect: float = DEFAULT_CONNECT_TIMEOUT
    read: float = DEFAULT_READ_TIMEOUT

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
    raw = environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return HttpTimeouts()
    parts = [part.strip() for part in raw.split(",")]
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or any(not value > 0 for value in values):
        raise ConfigError(
            f"{TIMEOUT_VARIABLE}={raw!r} is not a timeout in seconds",
            hint=f"use e.g. {TIMEOUT_VARIABLE}=120 (read) or {TIMEOUT_VARIABLE}=5,120 (connect,read)",
        )
    if len(values) == 1:
        return HttpTimeouts(connect=min(DEFAULT_CONNECT_TIMEOUT, values[0]), read=values[0])
    return HttpTimeouts(connect=values[0], read=values[1])


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
    """Where requests go and what to tell people about it."""

    base_url: str
    # Where the URL came from: "--base-url", "ELEVENLABS_BASE_URL …", "base_url of environment 'x' in
    # agents.json"; named in hints so people fix the right place.
    base_url_source: str | None = None
    timeouts: HttpTimeouts = HttpTimeouts()

    def reach_hint(self) -> str:
        if self.base_url_source is None:
            return "check base_url/residency in agents.json, --base-url, ELEVENLABS_BASE_URL and the network"
        if not self.base_url_source.endswith("in agents.json"):
            return f"check {self.base_url_source} and the network"
        return f"check {self.base_url_source} (or pass --base-url / ELEVENLABS_BASE_URL) and the network"


def attempts_note(attempts: int) -> str:
    return f"after {attempts} attempts" if attempts != 1 else "after 1 attempt"


def transport_failure(
    target: Target, method: str, path: str, exc: BaseException, attempts: int
) -> RemoteError:
    """One line for a request that got no HTTP answer, after ``attempts`` tries (said when more than one)."""
    url = f"{target.base_url}{path}"
    message, hint = _describe(target, method, url, exc)
    if attempts > 1:
        message = f"{message} ({attempts_note(attempts)})"
    return RemoteError(message, hint=hint)


def _describe(target: Target, method: str, url: str, exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, httpx.ConnectTimeout):
        reason = f"no connection within {target.timeouts.connect:g} s (connect timeout)"
        return f"cannot reach {target.base_url}: {reason}", target.reach_hint()
    if isinstance(exc, httpx.ConnectError):
        return f"cannot reach {target.base_url}: {connect_reason(exc)}", target.reach_hint()
    if isinstance(exc, httpx.PoolTimeout):
        return (
            f"{method} {url}: no free connection within {target.timeouts.read:g} s",
            f"lower --concurrency, or raise {TIMEOUT_VARIABLE}",
        )
    if isinstance(exc, httpx.TimeoutException):  # read or write timeout
        return (
            f"{method} {url}: no response within {target.timeouts.read:g} s (read timeout)",
            f"the server is slow or unreachable; set {TIMEOUT_VARIABLE}=SECONDS to wait longer",
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return (
            f"{method} {url}: the server closed the connection without an answer",
            "try again; if it persists check the network or a proxy between you and the API",
        )
    return f"{method} {url}: {type(exc).__name__}: {exc}", target.reach_hint()
