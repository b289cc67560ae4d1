"""The remote side of one environment: building its API client and finding its resources.

Client: the key comes from the environment's variable (or ``.env``, keyring…, see ``credentials``); the base
URL from ``--base-url``, else ``ELEVENLABS_BASE_URL``, else the environment's ``base_url``/residency. An
``emulator: true`` environment talks in-process to the embedded emulator on ``<root>/.agents/emulator.db``.

Finding resources: by the id recorded in state; when state is missing or stale (404), agents are found by our
environment tags (``agents-cli:env=<env>`` + ``agents-cli:name=<local name>``), tools and tests by their exact
API name among those not recorded in another environment's state (tools and tests have no tags).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from agents_cli.engine.normalise import env_tag, name_tag, remote_name
from agents_cli.errors import RemoteError
from agents_cli.project.manifest import Environment, Project
from agents_cli.project.state import State
from agents_cli.remote.client import DEFAULT_CONCURRENCY, ApiClient, RetryPolicy, gather_or_cancel

EMULATOR_BASE_URL = "http://emulator.local"
EMULATOR_KEY = "local-emulator"
# kind → (collection path, list item key, id field)
COLLECTIONS: dict[str, tuple[str, str, str]] = {
    "agent": ("/v1/convai/agents", "agents", "agent_id"),
    "tool": ("/v1/convai/tools", "tools", "id"),
    "test": ("/v1/convai/agent-testing", "tests", "id"),
}
CREATE_PATHS = {
    "agent": "/v1/convai/agents/create",
    "tool": "/v1/convai/tools",
    "test": "/v1/convai/agent-testing/create",
}
Key = tuple[str, str]


def item_path(kind: str, remote_id: str) -> str:
    return f"{COLLECTIONS[kind][0]}/{remote_id}"


def remote_id_of(kind: str, document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    value = document.get(COLLECTIONS[kind][2]) or document.get("id")
    return value if isinstance(value, str) else None


def build_client(
    project: Project,
    environment: Environment,
    *,
    base_url: str | None = None,
    concurrency: int | None = None,
    retry: RetryPolicy | None = None,
) -> ApiClient:
    """The API client for ``environment`` (not yet entered: use ``async with``)."""
    limit = concurrency or DEFAULT_CONCURRENCY
    if environment.emulator:
        from agents_cli.emulator.transport import in_process_client_transport, project_database

        data_path = project_database(project.root)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        transport = in_process_client_transport(data_path, None)
        return ApiClient(EMULATOR_BASE_URL, EMULATOR_KEY, transport=transport, concurrency=limit, retry=retry)
    from agents_cli.remote.credentials import resolve_api_key

    key = resolve_api_key(environment, project.root)
    url, source = _base_url_and_source(environment, base_url)
    return ApiClient(
        url,
        key.value,
        api_key_env=environment.api_key_env,
        environment=environment.name,
        base_url_source=source,
        concurrency=limit,
        retry=retry,
    )


def _base_url_and_source(environment: Environment, flag: str | None) -> tuple[str, str]:
    """The base URL and where it came from, for error hints ("cannot reach …: the URL comes from …")."""
    if flag:
        return flag, "--base-url"
    from_variable = os.environ.get("ELEVENLABS_BASE_URL")
    if from_variable:
        return from_variable, "ELEVENLABS_BASE_URL (it overrides agents.json)"
    name = environment.name
    if environment.base_url or environment.residency:
        where = "base_url" if environment.base_url else "residency"
        return environment.resolved_base_url(), f"{where} of environment {name!r} in agents.json"
    return environment.resolved_base_url(), f"base_url/residency of environment {name!r} in agents.json"


@dataclass
class Directory:
    """Looks remote resources up for one environment; list results are cached unless ``fresh``."""

    api: ApiClient
    environment: str
    claimed: dict[str, set[str]] = field(default_factory=dict)  # ids other environments / names own
    _lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _list_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def get(self, kind: str, remote_id: str) -> dict[str, Any] | None:
        """The full resource, or None when it no longer exists."""
        try:
            found = await self.api.get(item_path(kind, remote_id))
        except RemoteError as exc:
            if exc.status == 404:
                return None
            raise
        return found if isinstance(found, dict) else None

    async def listing(self, kind: str, *, fresh: bool = False) -> list[dict[str, Any]]:
        lock = self._list_locks.setdefault(kind, asyncio.Lock())
        async with lock:
            if fresh or kind not in self._lists:
                path, item_key, _ = COLLECTIONS[kind]
                params = {"tags": env_tag(self.environment)} if kind == "agent" else None
                self._lists[kind] = await self.api.list_all(path, item_key, params=params)
            return self._lists[kind]

    async def find(
        self,
        kind: str,
        name: str,
        api_name: str | None,
        *,
        fresh: bool = False,
        exclude: set[str] | frozenset[str] = frozenset(),
    ) -> dict[str, Any] | None:
        """Adopt: the remote resource that a crashed or stateless run created for ``name``, if any.

        ``exclude``: ids this environment's state already gives to other local names.
        """
        items = await self.listing(kind, fresh=fresh)
        claimed = self.claimed.get(kind, set()) | exclude
        for item in sorted(items, key=lambda it: str(remote_id_of(kind, it))):
            remote_id = remote_id_of(kind, item)
            if remote_id is None or remote_id in claimed:
                continue
            if kind == "agent":
                tags = item.get("tags") or []
                matches = env_tag(self.environment) in tags and name_tag(name) in tags
            else:
                matches = api_name is not None and _listed_name(kind, item) == api_name
            if matches:
                # Lists of agents and tests hold summaries; tools come whole but are re-read for one shape.
                return await self.get(kind, remote_id)
        return None

    async def managed_agents(self) -> dict[str, str]:
        """Local name → id of every agent tagged for this environment (for prune)."""
        found: dict[str, str] = {}
        prefix = name_tag("")
        for item in await self.listing("agent"):
            tags = item.get("tags") or []
            remote_id = remote_id_of("agent", item)
            if env_tag(self.environment) not in tags or remote_id is None:
                continue
            for tag in tags:
                if isinstance(tag, str) and tag.startswith(prefix):
                    found.setdefault(tag[len(prefix) :], remote_id)
        return found


def _listed_name(kind: str, item: dict[str, Any]) -> str | None:
    if kind == "tool":
        return remote_name("tool", item)
    name = item.get("name")
    return name if isinstance(name, str) else None


def claimed_ids(other_states: Iterable[State]) -> dict[str, set[str]]:
    claimed: dict[str, set[str]] = {kind: set() for kind in COLLECTIONS}
    for other in other_states:
        for kind in COLLECTIONS:
            claimed[kind].update(other.ids(kind).values())
    return claimed


@dataclass
class Snapshot:
    """What exists remotely for the desired resources (raw documents) and, for prune, the orphans."""

    found: dict[Key, tuple[str, dict[str, Any], bool]] = field(default_factory=dict)  # id, doc, adopted
    orphans: dict[Key, str] = field(default_factory=dict)  # (kind, name) → id
    stale: set[Key] = field(default_factory=set)  # state ids that 404'd


async def fetch_snapshot(
    directory: Directory,
    keys: list[Key],
    api_names: dict[Key, str | None],
    state: State,
    *,
    prune: bool,
    declared: dict[str, set[str]],
    on_resolved: Callable[[Key, Snapshot], None] | None = None,
) -> Snapshot:
    """Read every desired resource (by state id, else by adoption) concurrently. ``on_resolved(key,
    snapshot)`` is called as soon as one key is settled (found, or known to be missing), so a caller can
    start work on it while the other reads are in flight."""
    snapshot = Snapshot()
    own_ids = {kind: set(state.ids(kind).values()) for kind in COLLECTIONS}
    # The tools list carries whole tools: one paginated list instead of a GET per tool.
    known_tools = [key for key in keys if key[0] == "tool" and state.get(*key) is not None]
    listed_tools: dict[str | None, dict[str, Any]] = {}
    if len(known_tools) > 1:
        listed_tools = {remote_id_of("tool", item): item for item in await directory.listing("tool")}

    async def one(key: Key) -> None:
        await settle(key)
        if on_resolved is not None:
            on_resolved(key, snapshot)

    async def settle(key: Key) -> None:
        kind, name = key
        entry = state.get(kind, name)
        if entry is not None:
            listed = listed_tools.get(entry.id) if kind == "tool" else None
            document = listed if listed is not None else await directory.get(kind, entry.id)
            if document is not None:
                snapshot.found[key] = (entry.id, document, False)
                return
            snapshot.stale.add(key)
        exclude = own_ids[kind] - ({entry.id} if entry else set())
        document = await directory.find(kind, name, api_names.get(key), exclude=exclude)
        remote_id = remote_id_of(kind, document)
        if document is not None and remote_id is not None:
            snapshot.found[key] = (remote_id, document, True)

    await gather_or_cancel(*(one(key) for key in keys))
    if prune:
        await _find_orphans(directory, state, declared, snapshot)
    return snapshot


async def _find_orphans(
    directory: Directory, state: State, declared: dict[str, set[str]], snapshot: Snapshot
) -> None:
    candidates: dict[Key, str] = {}
    for kind in COLLECTIONS:
        for name, remote_id in state.ids(kind).items():
            if name not in declared.get(kind, set()):
                candidates[(kind, name)] = remote_id
    # An agent whose name tag is stale (renamed locally) but whose id state gives a declared agent is that
    # agent, not an orphan: pruning it would delete a live resource.
    agent_ids = state.ids("agent")
    declared_ids = {agent_ids[name] for name in declared.get("agent", set()) if name in agent_ids}
    for name, remote_id in (await directory.managed_agents()).items():
        if name not in declared.get("agent", set()) and remote_id not in declared_ids:
            candidates.setdefault(("agent", name), remote_id)

    async def check(key: Key, remote_id: str) -> None:
        if await directory.get(key[0], remote_id) is not None:
            snapshot.orphans[key] = remote_id
        else:
            snapshot.stale.add(key)

    await gather_or_cancel(*(check(key, remote_id) for key, remote_id in candidates.items()))
