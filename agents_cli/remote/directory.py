"""Finding an environment's remote resources: by the id recorded in state, and again after lost state.

When state is missing or stale (404), a resource is found by what its kind declares (``ResourceKind``): our
hidden environment tags for kinds that carry tags (agents), else its exact API name among those not
recorded in another environment's state (tools, tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agents_cli.errors import RemoteError
from agents_cli.kinds import REGISTRY, ResourceKind, tags
from agents_cli.project.errors import StateConflict
from agents_cli.project.state import STATE_DIR, State
from agents_cli.remote.branches import BranchFinder
from agents_cli.remote.client import ApiClient, gather_or_cancel

Key = tuple[str, str]


@dataclass
class Directory:
    """Looks remote resources up for one environment; list results are cached unless ``fresh``."""

    api: ApiClient
    environment: str  # the one our hidden tags name (a branch environment's: its main environment's)
    claimed: dict[str, set[str]] = field(default_factory=dict)  # ids other environments / names own
    branches: BranchFinder | None = None  # a branch environment's: reads of branched kinds go to its branch
    state_env: str | None = None  # whose state file errors name (default: ``environment``)
    pinned: dict[str, str] = field(
        default_factory=dict
    )  # remote id → the version read instead of the live one
    # Remote id → the digest of the answer ``find`` adopted it from (``read``).
    found_answers: dict[str, str] = field(default_factory=dict)
    _lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _list_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def get(self, kind: str, remote_id: str) -> dict[str, Any] | None:
        """The full resource, or None when it no longer exists."""
        return (await self.read(kind, remote_id))[0]

    async def read(self, kind: str, remote_id: str) -> tuple[dict[str, Any] | None, str | None]:
        """``get``, and the digest of the answer's bytes when it was a plain GET of the live resource
        (``engine.unchanged``: a resource answered as at the last sync needs no normalising)."""
        resource_kind = REGISTRY[kind]
        digest = None
        if not resource_kind.routes.item_readable:  # read from the list (fresh: a create may precede it)
            items = await self.listing(kind, fresh=True)
            return next((item for item in items if resource_kind.remote_id(item) == remote_id), None), None
        try:
            if remote_id in self.pinned and resource_kind.branched:
                params = {"version_id": self.pinned[remote_id]}
                found = await self.api.get(resource_kind.routes.item(remote_id), params=params)
            elif self.branches is not None and resource_kind.branched:
                found = await self.branches.get(resource_kind, remote_id)
            else:
                found, digest = await self.api.digested("GET", resource_kind.routes.item(remote_id))
        except RemoteError as exc:
            if exc.status == 404:
                return None, None
            raise
        return (found, digest) if isinstance(found, dict) else (None, None)

    async def listing(self, kind: str, *, fresh: bool = False) -> list[dict[str, Any]]:
        lock = self._list_locks.setdefault(kind, asyncio.Lock())
        async with lock:
            if fresh or kind not in self._lists:
                resource_kind = REGISTRY[kind]
                params = resource_kind.list_params(self.environment)
                listed = await list_remote(self.api, resource_kind, params)
                self._lists[kind] = [item for item in listed if resource_kind.listed(item)]
            return self._lists[kind]

    async def find(
        self,
        kind: str,
        name: str,
        api_name: str | None,
        *,
        fresh: bool = False,
        exclude: set[str] | frozenset[str] = frozenset(),
        owners: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """Adopt: the remote resource that a crashed or stateless run created for ``name``, if any.

        ``exclude``: ids this environment's state already gives to other local names; ``owners`` (id →
        local name) names them: a resource tagged as ``name`` that state gives to another name is a
        conflict (``StateConflict``), not a reason to create ``name`` again.
        """
        resource_kind = REGISTRY[kind]
        if resource_kind.singleton_id is not None:  # always there: the workspace's one
            return await self.get(kind, resource_kind.singleton_id)
        items = await self.listing(kind, fresh=fresh)
        elsewhere = set() if resource_kind.shared else self.claimed.get(kind, set())
        for item in sorted(items, key=lambda it: str(resource_kind.remote_id(it))):
            remote_id = resource_kind.remote_id(item)
            if remote_id is None or remote_id in elsewhere:
                continue
            if not resource_kind.matches(item, self.environment, name, api_name):
                continue
            if remote_id in exclude:
                owner = (owners or {}).get(remote_id)
                if owner is not None and resource_kind.found_by == "tags":  # a name match is no proof
                    raise StateConflict(self.state_file, kind, owner, name, remote_id, "tagged_other")
                continue
            # List items may be summaries; whole ones are re-read too, for one shape.
            document, digest = await self.read(kind, remote_id)
            if digest is not None:
                self.found_answers[remote_id] = digest
            return document
        return None

    @property
    def state_file(self) -> str:
        return f"{STATE_DIR}/{self.state_env or self.environment}.json"

    def check_tracked(self, kind: str, name: str, document: Mapping[str, Any], known: Iterable[str]) -> None:
        """Refuse a resource state gives to ``name`` whose own hidden tags say it is another environment's,
        or another of ``known`` names' (the tracked ones before a write, declared ones too before a delete):
        swapped or copied entries would write one resource's config to another, or delete a live one. A
        name tag of no known name is a rename's leftover (the next write fixes it); a resource without our
        tags is one adopted from before."""
        resource_kind = REGISTRY[kind]
        if resource_kind.found_by != "tags":
            return
        remote_id = resource_kind.remote_id(document) or ""
        if resource_kind.foreign(document, self.environment):
            others = sorted(tags.environments(document))
            raise StateConflict(self.state_file, kind, name, others[0], remote_id, "other_environment")
        names = resource_kind.tagged_names(document, self.environment)
        if names and name not in names:
            claimed = sorted(set(names) & set(known))
            if claimed:
                raise StateConflict(self.state_file, kind, name, claimed[0], remote_id, "tagged_other")

    async def tagged(self, kind: str) -> dict[str, str]:
        """Local name → id of every resource of ``kind`` tagged for this environment (for prune)."""
        resource_kind = REGISTRY[kind]
        found: dict[str, str] = {}
        for item in await self.listing(kind):
            remote_id = resource_kind.remote_id(item)
            if remote_id is None:
                continue
            for name in resource_kind.tagged_names(item, self.environment):
                found.setdefault(name, remote_id)
        return found


async def list_remote(
    api: ApiClient, kind: ResourceKind, params: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every remote resource of ``kind`` (a singleton kind's one document: it has no list)."""
    if kind.singleton_id is not None:
        found = await api.get(kind.routes.collection)
        return [found] if isinstance(found, dict) else []
    if not kind.routes.paginated:  # answered whole in one GET (``{list_key: [...]}``, no cursor)
        from agents_cli.remote.pages import page_items

        path = kind.routes.collection
        return page_items(f"GET {path}", kind.routes.list_key, await api.get(path, params=params))
    return await api.list_all(kind.routes.collection, kind.routes.list_key, params=params)


def claimed_ids(other_states: Iterable[State]) -> dict[str, set[str]]:
    claimed: dict[str, set[str]] = {kind: set() for kind in REGISTRY.names}
    for other in other_states:
        for kind in REGISTRY.names:
            claimed[kind].update(other.ids(kind).values())
    return claimed


@dataclass
class Snapshot:
    """What exists remotely for the desired resources (raw documents) and, for prune, the orphans."""

    found: dict[Key, tuple[str, dict[str, Any], bool]] = field(default_factory=dict)  # id, doc, adopted
    orphans: dict[Key, str] = field(default_factory=dict)  # (kind, name) → id
    stale: set[Key] = field(default_factory=set)  # state ids that 404'd
    # Digests of the answers' bytes of those read through their state id (``Directory.read``).
    digests: dict[Key, str] = field(default_factory=dict)


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
    own_ids = {kind: set(state.ids(kind).values()) for kind in REGISTRY.names}
    undeclared = _undeclared_owners(state, declared)
    # Kinds whose list carries whole resources: one paginated list instead of a GET each.
    listed: dict[str, dict[str | None, dict[str, Any]]] = {}
    for kind in REGISTRY:
        known = [key for key in keys if key[0] == kind.name and state.get(*key) is not None]
        if kind.list_returns_resources and len(known) > 1:
            items = await directory.listing(kind.name)
            listed[kind.name] = {kind.remote_id(item): item for item in items}

    async def one(key: Key) -> None:
        await settle(key)
        if on_resolved is not None:
            on_resolved(key, snapshot)

    async def settle(key: Key) -> None:
        kind, name = key
        entry = state.get(kind, name)
        if entry is not None:
            whole = listed.get(kind, {}).get(entry.id)
            document, digest = (whole, None) if whole is not None else await directory.read(kind, entry.id)
            if digest is not None:
                snapshot.digests[key] = digest
            if document is not None:
                directory.check_tracked(kind, name, document, state.ids(kind))
                snapshot.found[key] = (entry.id, document, False)
                return
            snapshot.stale.add(key)
        exclude = own_ids[kind] - ({entry.id} if entry else set())
        document = await directory.find(
            kind, name, api_names.get(key), exclude=exclude, owners=undeclared[kind]
        )
        remote_id = REGISTRY[kind].remote_id(document)
        answer = directory.found_answers.pop(remote_id or "", None)
        if document is not None and remote_id is not None:
            snapshot.found[key] = (remote_id, document, True)
            if answer is not None:
                snapshot.digests[key] = answer

    # Prune (and status) needs the tagged listing: its pages are read alongside the GETs, not after them
    # (cached in the directory, where ``_find_orphans`` finds it).
    prefetch = [directory.listing(kind.name) for kind in REGISTRY if prune and kind.found_by == "tags"]
    await gather_or_cancel(*(one(key) for key in keys), *prefetch)
    if prune:
        await _find_orphans(directory, state, declared, snapshot)
    return snapshot


def _undeclared_owners(state: State, declared: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """Per kind, id → name of the entries agents.json no longer declares: one holding the resource tagged
    as a declared name (a stray or copied entry) is a conflict, where a declared one is a rename whose tags
    lag behind."""
    return {
        kind: {
            remote_id: name
            for name, remote_id in state.ids(kind).items()
            if name not in declared.get(kind, ())
        }
        for kind in REGISTRY.names
    }


def _local_names(state: State, declared: dict[str, set[str]]) -> dict[str, set[str]]:
    """Per kind, every name state tracks or the manifest declares."""
    return {kind: set(state.ids(kind)) | declared.get(kind, set()) for kind in REGISTRY.names}


async def _find_orphans(
    directory: Directory, state: State, declared: dict[str, set[str]], snapshot: Snapshot
) -> None:
    candidates: dict[Key, str] = {}
    for kind in (kind.name for kind in REGISTRY if kind.singleton_id is None):  # settings are never deleted
        for name, remote_id in state.ids(kind).items():
            if name not in declared.get(kind, set()):
                candidates[(kind, name)] = remote_id
    # A tagged resource whose name tag is stale (renamed locally) but whose id state gives a declared one is
    # that resource, not an orphan: pruning it would delete a live resource.
    for kind in (kind.name for kind in REGISTRY if kind.found_by == "tags"):
        ids = state.ids(kind)
        declared_ids = {ids[name] for name in declared.get(kind, set()) if name in ids}
        for name, remote_id in (await directory.tagged(kind)).items():
            if name not in declared.get(kind, set()) and remote_id not in declared_ids:
                candidates.setdefault((kind, name), remote_id)

    local_names = _local_names(state, declared)

    async def check(key: Key, remote_id: str) -> None:
        document = await directory.get(key[0], remote_id)
        if document is not None:
            directory.check_tracked(*key, document, local_names[key[0]])  # never delete what is another's
            snapshot.orphans[key] = remote_id
        else:
            snapshot.stale.add(key)

    await gather_or_cancel(*(check(key, remote_id) for key, remote_id in candidates.items()))
