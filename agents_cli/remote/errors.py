"""What can go wrong talking to the API, as structured errors (fields; ``cli/messages/remote.py`` words them).

Every one is a ``RemoteError`` (``status`` and ``body`` where there was an answer), so callers keep asking
``exc.status == 404``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from agents_cli.errors import ConfigError, CredentialsMissing, RemoteError, UsageError

UrlVia = Literal["option", "variable", "base_url", "residency", "default", "embedded"]


@dataclass(frozen=True)
class UrlOrigin:
    """Where a base URL came from, so a hint can name the place to fix: the command-line option, the
    ELEVENLABS_BASE_URL variable, the environment's ``base_url`` or ``residency`` in the manifest, neither of
    them (the default), or the embedded emulator."""

    via: UrlVia
    environment: str | None = None


@dataclass(frozen=True)
class Place:
    """Where requests go, and where that URL came from (hints name the place to fix)."""

    base_url: str
    base_url_source: UrlOrigin | None = None


class ApiRefused(RemoteError):
    """An error answer (4xx/5xx): the API's own message (FastAPI ``detail``), for 422 one line per
    ``loc: msg``; ``note`` says how hard we tried (``after 8 attempts``, the server's long Retry-After)."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        detail: str,
        *,
        lines: tuple[str, ...] = (),
        body: Any = None,
        environment: str | None = None,
        api_key_env: str = "ELEVENLABS_API_KEY",
        note: str | None = None,
    ) -> None:
        super().__init__(status=status, body=body, method=method, path=path, detail=detail, note=note)
        self.method, self.path, self.detail, self.lines = method, path, detail, lines
        self.environment, self.api_key_env, self.note = environment, api_key_env, note

    def with_note(self, note: str) -> ApiRefused:
        return ApiRefused(
            self.method,
            self.path,
            self.status or 0,
            self.detail,
            lines=self.lines,
            body=self.body,
            environment=self.environment,
            api_key_env=self.api_key_env,
            note=note,
        )


class NoAnswer(RemoteError):
    """A request that got no HTTP answer: ``why`` is ``connect_timeout``, ``no_connection`` (``reason``:
    refused, host not found, TLS…), ``pool_timeout``, ``read_timeout``, ``closed`` or ``other``."""

    def __init__(
        self,
        method: str,
        url: str,
        why: str,
        *,
        place: Place,
        reason: str = "",
        seconds: float = 0.0,
        attempts: int = 1,
    ) -> None:
        super().__init__(method=method, url=url, why=why, reason=reason, attempts=attempts)
        self.method, self.url, self.why, self.place = method, url, why, place
        self.reason, self.seconds, self.attempts = reason, seconds, attempts


class AmbiguousRequest(RemoteError):
    """A non-idempotent request may or may not have been applied (connection dropped after sending, a 5xx
    other than a 503 with Retry-After, a timeout), so it was not sent again."""

    def __init__(self, method: str, path: str, cause: BaseException) -> None:
        status = cause.status if isinstance(cause, RemoteError) else None
        body = cause.body if isinstance(cause, RemoteError) else None
        super().__init__(status=status, body=body, method=method, path=path, cause=type(cause).__name__)
        self.method, self.path, self.cause = method, path, cause


class NotTheApi(RemoteError):
    """A collection answered 404: the base URL does not serve the convai API (a proxy without /v1/convai,
    a typo): a collection does not vanish."""

    def __init__(self, url: str, detail: str, *, place: Place, body: Any = None) -> None:
        super().__init__(status=404, body=body, url=url, detail=detail)
        self.url, self.detail, self.place = url, detail, place


class UnexpectedAnswer(RemoteError):
    """An answer that is not what the API promises (not JSON, not an object, no id)."""

    def __init__(self, request: str, expected: str, *, status: int | None = None) -> None:
        super().__init__(status=status, request=request, expected=expected)
        self.request, self.expected = request, expected


class ResponseTooLarge(RemoteError):
    """A response body past the run's cap (``limit_mb``, set by ``variable``): read no further."""

    def __init__(self, method: str, path: str, status: int, limit_mb: float, variable: str) -> None:
        super().__init__(status=status, method=method, path=path, limit_mb=limit_mb)
        self.method, self.path, self.limit_mb, self.variable = method, path, limit_mb, variable


class BadTimeout(ConfigError):
    """``AGENTS_HTTP_TIMEOUT`` is not ``READ`` or ``CONNECT,READ`` seconds."""

    def __init__(self, variable: str, value: str) -> None:
        super().__init__(variable=variable, value=value)
        self.variable, self.value = variable, value


class BadConcurrency(ConfigError):
    """``AGENTS_CONCURRENCY`` is not a whole number from 1 to 64."""

    def __init__(self, variable: str, value: str) -> None:
        super().__init__(variable=variable, value=value)
        self.variable, self.value = variable, value


class KeyMissing(CredentialsMissing):
    """No API key for an environment, from any source."""

    def __init__(self, environment: str, api_key_env: str) -> None:
        super().__init__(environment=environment, api_key_env=api_key_env)
        self.environment, self.api_key_env = environment, api_key_env


class EmptyKey(CredentialsMissing):
    """A key to store that is empty."""

    def __init__(self) -> None:
        super().__init__()


class CredentialsFileUnusable(ConfigError):
    """The 0600 credentials file cannot be read (``line``/``column`` when it is not JSON)."""

    def __init__(self, path: str, problem: str, *, line: int = 0, column: int = 0) -> None:
        super().__init__(path=path, problem=problem)
        self.path, self.problem, self.line, self.column = path, problem, line, column


class EmulatorNeedsProject(UsageError):
    """The embedded emulator keeps its data in the project: there is none."""

    def __init__(self) -> None:
        super().__init__()
