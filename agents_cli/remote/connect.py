"""The one way to reach an environment: which base URL, which key, and the ``ApiClient`` for them.

Base URL: ``--base-url``, else ``ELEVENLABS_BASE_URL``, else the environment's ``base_url``/residency. An
``emulator: true`` environment talks in-process to the embedded emulator on ``<root>/.agents/emulator.db``
unless ``--base-url`` points it at a served one (``agents emulator serve``); ``ELEVENLABS_BASE_URL`` — the
convention for the real API — never redirects it. Every command resolves its connection here, so a flag
means the same everywhere.

Concurrency: ``--concurrency``, else ``AGENTS_CONCURRENCY``, else the environment's ``concurrency``, else 8;
the client lowers it on its own while the API rate-limits (``pacing``).

Key: the environment's variable, ``.env``, the OS keyring or the 0600 file (``credentials``); none for the
in-process emulator. A served emulator reached through an emulator environment takes the environment's key
when there is one, else the emulator's default (it accepts any non-empty key unless told otherwise).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agents_cli.host import Host
from agents_cli.project.manifest import Environment
from agents_cli.remote.credentials import ResolvedKey, find_api_key, resolve_api_key
from agents_cli.remote.errors import EmulatorNeedsProject, UrlOrigin
from agents_cli.remote.failures import HttpTimeouts, http_timeouts
from agents_cli.remote.pacing import configured_concurrency

if TYPE_CHECKING:
    from agents_cli.remote.client import ApiClient, RetryPolicy

BASE_URL_VARIABLE = "ELEVENLABS_BASE_URL"
EMULATOR_BASE_URL = "http://emulator.local"
EMULATOR_KEY = "local-emulator"


@dataclass(frozen=True)
class Connection:
    """Where one environment's requests go, with which key, and where that URL came from (for hints)."""

    environment: Environment
    base_url: str
    base_url_source: UrlOrigin
    key: ResolvedKey | None  # None: the in-process emulator, which needs none
    emulator_data: Path | None = None  # the in-process emulator's database
    timeouts: HttpTimeouts | None = None  # AGENTS_HTTP_TIMEOUT of the run's environment, or the defaults
    concurrency: int | None = None  # AGENTS_CONCURRENCY, else the environment's, else None (the default)

    @property
    def in_process(self) -> bool:
        return self.emulator_data is not None


def resolve(
    project_root: Path | None,
    environment: Environment,
    *,
    base_url: str | None = None,
    host: Host | None = None,
) -> Connection:
    """The connection ``environment`` gets with these overrides (no request is sent)."""
    host = host or Host.from_process()
    connection = _resolve(project_root, environment, base_url, host)
    concurrency = configured_concurrency(host.environ, environment.concurrency)
    return dataclasses.replace(connection, concurrency=concurrency)


def _resolve(
    project_root: Path | None, environment: Environment, base_url: str | None, host: Host
) -> Connection:
    flag = (base_url or "").strip().rstrip("/")
    if environment.emulator:
        if not flag:
            if project_root is None:
                raise EmulatorNeedsProject()
            from agents_cli.emulator.transport import project_database

            data = project_database(project_root)
            timeouts = http_timeouts(None, host.environ)
            return Connection(environment, EMULATOR_BASE_URL, UrlOrigin("embedded"), None, data, timeouts)
        found = find_api_key(environment, project_root, host)
        key = found or ResolvedKey(EMULATOR_KEY, "the emulator default")
        origin = UrlOrigin("option", environment.name)
        return Connection(environment, flag, origin, key, timeouts=http_timeouts(None, host.environ))
    url, source = base_url_for(environment, flag, host.environ)
    key = resolve_api_key(environment, project_root, host)
    return Connection(environment, url, source, key, timeouts=http_timeouts(None, host.environ))


def base_url_for(
    environment: Environment, flag: str | None, environ: Mapping[str, str]
) -> tuple[str, UrlOrigin]:
    """The base URL of a (non-emulator) environment and where it came from, for error hints ("cannot reach
    …: the URL comes from …")."""
    flag = (flag or "").strip().rstrip("/")
    variable = environ.get(BASE_URL_VARIABLE, "").strip().rstrip("/")
    name = environment.name
    if flag:
        return flag, UrlOrigin("option", name)
    if variable:
        return variable, UrlOrigin("variable", name)
    if environment.base_url:
        return environment.resolved_base_url(), UrlOrigin("base_url", name)
    if environment.residency:
        return environment.resolved_base_url(), UrlOrigin("residency", name)
    return environment.resolved_base_url(), UrlOrigin("default", name)


def open_client(
    connection: Connection, *, concurrency: int | None = None, retry: RetryPolicy | None = None
) -> ApiClient:
    """The ``ApiClient`` for a connection (not yet entered: use ``async with``)."""
    from agents_cli.remote.client import DEFAULT_CONCURRENCY, ApiClient

    limit = concurrency or connection.concurrency or DEFAULT_CONCURRENCY
    if connection.emulator_data is not None:
        from agents_cli.emulator.transport import in_process_client_transport

        connection.emulator_data.parent.mkdir(parents=True, exist_ok=True)
        transport = in_process_client_transport(connection.emulator_data, None)
        return ApiClient(
            EMULATOR_BASE_URL,
            EMULATOR_KEY,
            transport=transport,
            concurrency=limit,
            retry=retry,
            timeouts=connection.timeouts,
        )
    assert connection.key is not None  # only the in-process emulator has none
    environment = connection.environment
    return ApiClient(
        connection.base_url,
        connection.key.value,
        api_key_env=environment.api_key_env,
        environment=environment.name,
        base_url_source=connection.base_url_source,
        concurrency=limit,
        retry=retry,
        timeouts=connection.timeouts,
    )


def build_client(
    project_root: Path | None,
    environment: Environment,
    *,
    base_url: str | None = None,
    concurrency: int | None = None,
    retry: RetryPolicy | None = None,
    host: Host | None = None,
) -> ApiClient:
    """``open_client(resolve(...))``: the client every command uses for an environment."""
    connection = resolve(project_root, environment, base_url=base_url, host=host)
    return open_client(connection, concurrency=concurrency, retry=retry)
