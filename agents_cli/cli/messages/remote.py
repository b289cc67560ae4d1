"""Words for the errors of ``agents_cli.remote``: refusals, no answer, ambiguous creates, keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError
from agents_cli.remote import errors as remote
from agents_cli.remote.connect import BASE_URL_VARIABLE
from agents_cli.remote.failures import RESPONSE_CAP_VARIABLE, TIMEOUT_VARIABLE, attempts_note

Words = tuple[str, str | None]


def url_origin(origin: remote.UrlOrigin) -> str:
    """Where a base URL came from, in words ("--base-url", "base_url of environment 'dev' in agents.json")."""
    environment = f"environment {origin.environment!r}"
    return {
        "option": "--base-url",
        "variable": f"{BASE_URL_VARIABLE} (it overrides agents.json)",
        "base_url": f"base_url of {environment} in agents.json",
        "residency": f"residency of {environment} in agents.json",
        "default": f"base_url/residency of {environment} in agents.json",
        "embedded": "the embedded emulator",
    }[origin.via]


def reach_hint(place: remote.Place) -> str:
    origin = place.base_url_source
    if origin is None:
        return "check base_url/residency in agents.json, --base-url, ELEVENLABS_BASE_URL and the network"
    if origin.via in ("option", "variable", "embedded"):
        return f"check {url_origin(origin)} and the network"
    return f"check {url_origin(origin)} (or pass --base-url / ELEVENLABS_BASE_URL) and the network"


def _refused(error: remote.ApiRefused) -> Words:
    status = error.status or 0
    message = f"{error.method} {error.path}: {status} {error.detail}"
    if error.note:
        message += f" ({error.note})"
    hint: str | None = None
    if status == 401:
        login = f"agents auth login --env {error.environment}" if error.environment else "agents auth login"
        hint = f"the key was refused: check {error.api_key_env} (variable or .env) or run '{login}'"
    elif status == 403:
        hint = f"the key in {error.api_key_env} lacks a permission for {error.method} {error.path}"
    elif status == 422 and error.lines:
        hint = "; ".join(error.lines)
    elif status == 404:
        hint = "the remote resource no longer exists; 'agents plan' will look it up again"
    elif status == 429:
        hint = "rate limited; lower --concurrency or try again later"
    elif error.note and status >= 500:
        hint = "the API kept failing; try again in a few minutes (run with --debug to see each retry)"
    return message, hint


def _no_answer_words(error: remote.NoAnswer) -> Words:
    place, request = error.place, f"{error.method} {error.url}"
    if error.why == "connect_timeout":
        reason = f"no connection within {error.seconds:g} s (connect timeout)"
        return f"cannot reach {place.base_url}: {reason}", reach_hint(place)
    if error.why == "no_connection":
        return f"cannot reach {place.base_url}: {error.reason}", reach_hint(place)
    if error.why == "pool_timeout":
        return (
            f"{request}: no free connection within {error.seconds:g} s",
            f"lower --concurrency, or raise {TIMEOUT_VARIABLE}",
        )
    if error.why == "read_timeout":
        return (
            f"{request}: no response within {error.seconds:g} s (read timeout)",
            f"the server is slow or unreachable; set {TIMEOUT_VARIABLE}=SECONDS to wait longer",
        )
    if error.why == "closed":
        return (
            f"{request}: the server closed the connection without an answer",
            "try again; if it persists check the network or a proxy between you and the API",
        )
    return f"{request}: {error.reason}", reach_hint(place)


def _no_answer(error: remote.NoAnswer) -> Words:
    message, hint = _no_answer_words(error)
    if error.attempts > 1:
        message = f"{message} ({attempts_note(error.attempts)})"
    return message, hint


def _ambiguous(error: remote.AmbiguousRequest) -> Words:
    cause = error.cause
    what = (
        cause.message
        if isinstance(cause, AgentsError)
        else (f"{error.method} {error.path}: {type(cause).__name__}: {cause}")
    )
    return (
        f"{what} (it may have been applied, so it was not sent again)",
        "check the remote before retrying (e.g. 'agents plan', or list recent test invocations)",
    )


def _not_the_api(error: remote.NotTheApi) -> Words:
    base_url = error.place.base_url
    return (
        f"GET {error.url}: 404 {error.detail}",
        f"{base_url} does not serve the convai API: {reach_hint(error.place)}",
    )


def _unexpected(error: remote.UnexpectedAnswer) -> Words:
    return f"{error.request}: expected {error.expected} in the response", None


def _too_large(error: remote.ResponseTooLarge) -> Words:
    return (
        f"{error.method} {error.path}: the response is larger than {error.limit_mb:g} MB ({error.variable})",
        f"nothing was read from it; if the workspace really is that large, raise {error.variable}",
    )


def _bad_timeout(error: remote.BadTimeout) -> Words:
    variable = error.variable
    if variable == RESPONSE_CAP_VARIABLE:
        return f"{variable}={error.value!r} is not a size in MB", f"use e.g. {variable}=256"
    return (
        f"{variable}={error.value!r} is not a timeout in seconds",
        f"use e.g. {variable}=120 (read) or {variable}=5,120 (connect,read)",
    )


def _bad_concurrency(error: remote.BadConcurrency) -> Words:
    variable = error.variable
    return (
        f"{variable}={error.value!r} is not a number of parallel requests",
        f"use a whole number from 1 to 64, e.g. {variable}=16",
    )


def _key_missing(error: remote.KeyMissing) -> Words:
    return (
        f"no API key for environment {error.environment!r}",
        f"set {error.api_key_env} (or put it in .env), or run 'agents auth login --env {error.environment}'",
    )


def _credentials_file(error: remote.CredentialsFileUnusable) -> Words:
    if error.line:
        return (
            f"{error.path}:{error.line}:{error.column}: {error.problem} in the credentials file",
            "delete it and run 'agents auth login' again",
        )
    return f"cannot read {error.path}: {error.problem}", "check the file's permissions"


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    remote.ApiRefused: _refused,
    remote.NoAnswer: _no_answer,
    remote.AmbiguousRequest: _ambiguous,
    remote.NotTheApi: _not_the_api,
    remote.UnexpectedAnswer: _unexpected,
    remote.ResponseTooLarge: _too_large,
    remote.BadTimeout: _bad_timeout,
    remote.BadConcurrency: _bad_concurrency,
    remote.KeyMissing: _key_missing,
    remote.EmptyKey: lambda error: ("refusing to store an empty API key", "paste the key again"),
    remote.CredentialsFileUnusable: _credentials_file,
    remote.EmulatorNeedsProject: lambda error: (
        "the embedded emulator needs a project",
        "run 'agents init' first",
    ),
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
