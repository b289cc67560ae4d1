"""``agents auth login|logout|whoami``: keep an API key per environment and check who it belongs to.

The key itself is never printed, logged or put in an error message: only ``credentials.mask`` of it.
A refusal from the API is explained by its own ``detail.status``: ``invalid_api_key`` means the key is wrong,
``missing_permissions`` means it is real but restricted (and the message names the permission).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.errors import CredentialsMissing, ProjectNotFound, RemoteError, UsageError
from agents_cli.project.manifest import Environment, Project
from agents_cli.remote import credentials
from agents_cli.remote.connect import Connection, base_url_for, open_client, resolve
from agents_cli.remote.credentials import ResolvedKey

USER_PATH = "/v1/user"
AGENTS_PATH = "/v1/convai/agents"
# What whoami shows of GET /v1/user: enough to recognise the account, nothing key-like.
USER_FIELDS = ("user_id", "first_name", "seat_type", "created_at")
_PERMISSION_IN_MESSAGE = re.compile(r"missing the permission[s]? ([A-Za-z0-9_.:-]+)")


@dataclass(frozen=True)
class LoginRequest:
    env: str | None = None
    key_stdin: bool = False  # read the key from stdin instead of a hidden prompt
    verify: bool = True  # check the key before storing it
    base_url: str | None = None


@dataclass(frozen=True)
class LogoutRequest:
    env: str | None = None


@dataclass(frozen=True)
class WhoamiRequest:
    env: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class Whoami:
    payload: dict[str, Any]  # environment, base_url, key (masked), key_source, user

    @property
    def exit_code(self) -> int:
        return 0


# -- refusals --------------------------------------------------------------------------------------
def missing_permission(exc: RemoteError) -> str | None:
    """The permission a restricted key lacks if the refusal says so (``""``: lacks one, unnamed)."""
    body: Any = exc.body
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, dict):
        return None
    status = str(detail.get("status") or "")
    listed = detail.get("missing_permissions") or detail.get("permissions")
    if isinstance(listed, list) and listed:
        return ", ".join(str(item) for item in listed)
    if status != "missing_permissions" and exc.status != 403:
        return None
    match = _PERMISSION_IN_MESSAGE.search(str(detail.get("message") or ""))
    if match:
        return match.group(1)
    return "" if status == "missing_permissions" else None


def explain_refusal(
    exc: RemoteError, environment: Environment, key: ResolvedKey, request: str
) -> RemoteError:
    """A plain-words error for a 401/403: rejected key vs key lacking a (named) permission."""
    where = f"{key.masked} from {key.source}"
    permission = missing_permission(exc)
    if permission is not None:
        what = f"the permission {permission!r}" if permission else "a permission"
        return RemoteError(
            f"the key for environment {environment.name!r} ({where}) lacks {what} needed for {request}",
            status=exc.status,
            hint=f"grant {permission or 'it'} to this key in the ElevenLabs dashboard (Settings → API keys)",
            body=exc.body,
        )
    if exc.status in (401, 403):
        return RemoteError(
            f"the API rejected the key for environment {environment.name!r} ({where}): invalid or revoked",
            status=exc.status,
            hint=(
                "check the key you entered (copy it again from the ElevenLabs dashboard)"
                if key.source == "input"
                else f"check {environment.api_key_env}, or run 'agents auth login --env {environment.name}' "
                "with a current key"
            ),
            body=exc.body,
        )
    return exc


# -- environment lookup ----------------------------------------------------------------------------
def _project_and_environment(app: AppContext, env: str | None) -> tuple[Project | None, Environment]:
    """The project's environment; outside a project ``--env NAME`` still works (global API)."""
    try:
        project = shared.load(app)
    except ProjectNotFound:
        if env is None:
            raise
        return None, Environment(name=env)
    return project, project.environment(env)


def _refuse_emulator(environment: Environment, base_url: str | None) -> None:
    if environment.emulator and not base_url:
        raise UsageError(
            f"environment {environment.name!r} is the embedded emulator and needs no API key",
            hint="pick another environment with --env",
        )


# -- login -----------------------------------------------------------------------------------------
def _read_key(app: AppContext, environment: Environment, key_stdin: bool) -> str:
    if key_stdin or not app.out.stdin_is_tty:
        text = app.host.stdin.read()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise UsageError("no API key on stdin", hint="pipe it in: 'pass show el | agents auth login'")
        return lines[0]
    import typer

    value = typer.prompt(f"API key for {environment.name!r}", hide_input=True, err=True)
    return str(value).strip()


async def _fetch_user(app: AppContext, chosen: Connection) -> dict[str, Any]:
    async with open_client(chosen) as api:
        user = await api.get(USER_PATH)
    return user if isinstance(user, dict) else {}


async def _verify(app: AppContext, chosen: Connection) -> tuple[dict[str, Any] | None, str | None]:
    """(user, None) if the key reads the user; (None, "user_read") if it is real but lacks that permission.

    A key without ``user_read`` can still be exactly what this tool needs, so it is checked once more against
    the agents list (``convai_read``) before being accepted.
    """
    assert chosen.key is not None
    async with open_client(chosen) as api:
        try:
            user = await api.get(USER_PATH)
            return (user if isinstance(user, dict) else {}), None
        except RemoteError as exc:
            permission = missing_permission(exc)
            if permission is None:
                raise explain_refusal(exc, chosen.environment, chosen.key, f"GET {USER_PATH}") from None
        try:
            await api.get(AGENTS_PATH, params={"page_size": 1})
        except RemoteError as exc:
            raise explain_refusal(exc, chosen.environment, chosen.key, f"GET {AGENTS_PATH}") from None
        return None, permission or "user_read"


def login(app: AppContext, request: LoginRequest) -> int:
    base_url = request.base_url
    project, environment = _project_and_environment(app, request.env)
    _refuse_emulator(environment, base_url)
    key = ResolvedKey(_read_key(app, environment, request.key_stdin), "input")
    if not key.value:
        raise CredentialsMissing("no API key entered", hint="paste the key from the ElevenLabs dashboard")
    out = app.out
    if request.verify:
        url, source = base_url_for(environment, base_url, app.host.environ)
        chosen = Connection(environment, url, source, key)
        user, lacking = asyncio.run(_verify(app, chosen))
        if user is not None:
            name = user.get("first_name") or user.get("user_id") or "unknown user"
            out.info(f"key {key.masked} accepted by {chosen.base_url} (user: {name})")
        else:
            out.warn(f"key {key.masked} can read agents but lacks {lacking!r} (whoami needs it)")
    stored = credentials.store_key(environment.name, key.value, app.host)
    out.success(f"stored the key for environment {environment.name!r} in {_place(stored.location)}")
    effective = credentials.find_api_key(environment, project.root if project else None, app.host)
    if effective is not None and effective.source != stored.location:
        out.warn(f"{effective.source} also provides a key for {environment.name!r} and takes precedence")
    return 0


def _place(location: str) -> str:
    """``keyring`` / ``file:<path>`` in words."""
    if location == credentials.SOURCE_KEYRING:
        return "the OS keyring"
    return location.removeprefix(credentials.SOURCE_FILE_PREFIX)


# -- logout ----------------------------------------------------------------------------------------
def logout(app: AppContext, request: LogoutRequest) -> int:
    project, environment = _project_and_environment(app, request.env)
    removed = credentials.delete_key(environment.name, app.host)
    out = app.out
    if removed:
        places = ", ".join(_place(item) for item in removed)
        out.success(f"removed the stored key of environment {environment.name!r} from {places}")
    else:
        out.info(f"no stored key for environment {environment.name!r}")
    remaining = credentials.find_api_key(environment, project.root if project else None, app.host)
    if remaining is not None:
        out.warn(f"{remaining.source} still provides a key for {environment.name!r}; remove it there")
    return 0


# -- whoami ----------------------------------------------------------------------------------------
def _user_summary(user: dict[str, Any]) -> dict[str, Any]:
    summary = {name: user[name] for name in USER_FIELDS if user.get(name) is not None}
    subscription = user.get("subscription")
    if isinstance(subscription, dict) and subscription.get("tier"):
        summary["tier"] = subscription["tier"]
    return summary


def whoami(app: AppContext, request: WhoamiRequest) -> Whoami:
    project, environment = _project_and_environment(app, request.env)
    chosen = resolve(project.root if project else None, environment, base_url=request.base_url, host=app.host)
    try:
        user = asyncio.run(_fetch_user(app, chosen))
    except RemoteError as exc:
        if chosen.key is None or exc.status not in (401, 403):
            raise
        raise explain_refusal(exc, environment, chosen.key, f"GET {USER_PATH}") from None
    return Whoami(
        {
            "environment": environment.name,
            "base_url": "emulator (in-process)" if chosen.key is None else chosen.base_url,
            "key": chosen.key.masked if chosen.key else None,
            "key_source": chosen.key.source if chosen.key else None,
            "user": _user_summary(user),
        }
    )
