"""Execute a plan: creates and updates in dependency order (a resource waits for the resources it references
to be created, so tools and tests come before the agents that use them), concurrently within the client's
bound; then, with prune, deletes in reverse order (agents, tests, tools).

State is saved after each remote operation. One failing resource does not stop the others: it is recorded
as a failed outcome, and whatever depends on it is skipped with a message naming it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.engine.desired import DesiredSet, Key
from agents_cli.engine.drift import field_hashes, keep_remote, merge_kept, merge_patch, related, salt_for
from agents_cli.engine.normalise import normalise_remote, send_body
from agents_cli.engine.planner import FieldChange, Plan, ResourcePlan, diff
from agents_cli.errors import AgentsError
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import ResourceState, State, fingerprint, write_state_text
from agents_cli.remote.client import ApiClient
from agents_cli.remote.directory import Directory

KEPT_HINT = "rerun with --force to overwrite them, or run 'agents pull' to take the remote values"
UNAPPLIED_HINT = (
    "delete them in the ElevenLabs dashboard (the next sync records that), put them back in the config, "
    "or 'agents sync --replace NAME' (the agent is created again: a new id)"
)


def kept_message(count: int) -> str:
    return (
        f"{count} drifted field{'s' if count != 1 else ''} not overwritten "
        "(changed remotely since the last sync; remote value kept)"
    )


def unapplied_message(item: ResourcePlan, paths: list[str]) -> str:
    count = f"{len(paths)} field{'s' if len(paths) != 1 else ''} not applied"
    planned = {change.path for change in item.cannot_apply}
    if set(paths) <= planned:
        return f"{count}: the agent PATCH merges maps, so sync cannot remove keys from them"
    return f"{count}: the remote still differs there after the write"


def still_differing(remote: dict[str, Any], target: dict[str, Any], kept: list[str]) -> list[str]:
    """Paths where the remote, right after a write, is not what the write meant to make it (kept drifted
    fields aside): a sync never reports as done a change the server did not take."""
    return [change.path for change in diff(remote, target) if not related(change.path, kept)]


@dataclass
class Outcome:
    kind: str
    name: str
    # created | updated | replaced | adopted | deleted | recorded | kept | not-applied | failed | skipped
    action: str
    remote_id: str | None = None
    message: str | None = None
    hint: str | None = None
    kept: list[str] = field(default_factory=list)  # drifted field paths whose remote value was kept
    unapplied: list[str] = field(default_factory=list)  # differences the write could not make
    previous_id: str | None = None  # a replaced agent's old (deleted) id

    @property
    def ok(self) -> bool:
        return self.action not in ("failed", "skipped")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "result": self.action,
            "id": self.remote_id,
        }
        if self.message:
            data["error"] = self.message
        if self.hint:
            data["hint"] = self.hint
        if self.kept:
            data["kept"] = self.kept
        if self.unapplied:
            data["not_applied"] = self.unapplied
        if self.previous_id:
            data["previous_id"] = self.previous_id
        return data


@dataclass
class SyncResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def kept_fields(self) -> int:
        """Drifted fields left as the remote has them (a non-zero exit: the remote and config disagree)."""
        return sum(len(outcome.kept) for outcome in self.outcomes)

    @property
    def unapplied_fields(self) -> int:
        """Differences no write could make (a non-zero exit: sync did not converge)."""
        return sum(len(outcome.unapplied) for outcome in self.outcomes)


def agent_patch(item: ResourcePlan, body: dict[str, Any], changes: list[FieldChange]) -> dict[str, Any]:
    """An agent PATCH (a deep merge) carries only the changed paths, each cut at its first list index
    (lists replace whole); so fields not changed locally — drifted ones included — are not touched."""
    if not changes or item.pending or any(not change.key for change in changes):
        return body
    return merge_patch(body, [change.key for change in changes])


class _Skip(Exception):
    """A resource cannot be applied because something it references failed."""


class SyncEngine:
    def __init__(
        self,
        *,
        api: ApiClient,
        directory: Directory,
        desired: DesiredSet,
        state: State,
        root: Path,
        force: bool = False,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.api = api
        self.directory = directory
        self.desired = desired
        self.state = state
        self.root = root
        self.force = force
        self.on_outcome = on_outcome
        self.result = SyncResult()
        # Set when a resource created in this run has its id in state (or failed): what dependents await.
        self._id_known: dict[Key, asyncio.Event] = {}
        self._failed: set[Key] = set()
        self._save_lock = asyncio.Lock()
        self._changes = 0  # state changes so far (each followed by a _save)
        self._written = 0  # changes covered by the file on disk
        self._placeholders: set[Key] = set()
        self._started: dict[Key, asyncio.Task[None]] = {}
        self._found_ids: dict[str, dict[str, str]] = {}

    # -- bookkeeping ---------------------------------------------------------------------------------
    def _record(self, outcome: Outcome) -> None:
        self.result.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    async def _save(self) -> None:
        """Put the state as it is now on disk before returning; the fsync runs in a thread so requests go
        on. Writes are serialised by a lock (the file only moves forward) and grouped: a save that finds a
        newer snapshot already written (one taken after its own change) returns at once, so eight
        operations finishing together cost one or two writes, not eight."""
        self._changes += 1
        wanted = self._changes
        async with self._save_lock:
            if self._written >= wanted:
                return
            covered = self._changes
            text = self.state.to_json()
            await asyncio.to_thread(write_state_text, self.root, self.state.environment, text)
            self._written = covered

    def _ids(self) -> dict[str, dict[str, str]]:
        """Ids references resolve to: state, over those the plan found (adopted resources are recorded
        concurrently; --only's referenced resources are not written at all)."""
        ids = {kind: dict(self._found_ids.get(kind, {})) for kind in REGISTRY.names}
        for kind in ids:
            ids[kind].update(self.state.ids(kind))
        return ids

    # -- running -------------------------------------------------------------------------------------
    def start(self, item: ResourcePlan) -> None:
        """Apply an update (or state refresh) right away, before the rest of the plan is known: only for
        resources whose own id and referenced ids are final (``plan_session`` decides). ``run`` waits."""
        if item.action in ("create", "delete", "replace") or (item.kind, item.name) in self._started:
            raise ValueError(f"only known updates can start early, not {item.action} {item.name!r}")
        task = asyncio.create_task(self._apply_guarded(item, set()))
        self._started[(item.kind, item.name)] = task

    async def finish_started(self) -> None:
        """Wait for the early applies (when planning failed after some had started)."""
        await asyncio.gather(*self._started.values())

    async def run(self, plan: Plan, *, drop_from_state: set[Key] | None = None) -> SyncResult:
        """Apply ``plan``; ``drop_from_state`` are entries whose remote resource is already gone."""
        for (kind, name), remote_id in plan.referenced_ids.items():
            self._found_ids.setdefault(kind, {})[name] = remote_id
        for item in plan.resources:
            if item.remote_id is not None and item.action in ("update", "drift", "no-op"):
                self._found_ids.setdefault(item.kind, {})[item.name] = item.remote_id
        if drop_from_state:
            for kind, name in sorted(drop_from_state):
                self.state.remove(kind, name)
            await self._save()
        applies = [
            item
            for item in plan.resources
            if item.action != "delete"
            and self._needs_work(item)
            and (item.kind, item.name) not in self._started
        ]
        for item in applies:
            if item.action in ("create", "replace"):
                self._id_known[(item.kind, item.name)] = asyncio.Event()
        cyclic = self._cyclic(applies)
        await asyncio.gather(*(self._apply_guarded(item, cyclic) for item in applies), self.finish_started())
        for resource_kind in REGISTRY.reversed():
            deletes = [
                item for item in plan.resources if item.action == "delete" and item.kind == resource_kind.name
            ]
            await asyncio.gather(*(self._delete_guarded(item) for item in deletes))
        return self.result

    @staticmethod
    def _needs_work(item: ResourcePlan) -> bool:
        return item.action in ("create", "update", "drift", "replace") or item.refresh_state

    def _pending_deps(self, item: ResourcePlan) -> set[Key]:
        """References to resources created in this run (their ids are not known yet)."""
        return {dep for dep in self.desired.dependencies((item.kind, item.name)) if dep in self._id_known}

    def _cyclic(self, applies: list[ResourcePlan]) -> set[Key]:
        graph = {(item.kind, item.name): self._pending_deps(item) for item in applies}
        cyclic: set[Key] = set()

        for start in graph:
            stack, seen = list(graph[start]), set()
            while stack:
                node = stack.pop()
                if node == start:
                    cyclic.add(start)
                    break
                if node not in seen:
                    seen.add(node)
                    stack.extend(graph.get(node, ()))
        return cyclic

    async def _apply_guarded(self, item: ResourcePlan, cyclic: set[Key]) -> None:
        key = (item.kind, item.name)
        try:
            if key in cyclic:
                # Agents that reference each other (mutual transfers), none existing yet: create each as a
                # tagged placeholder to get ids, then update all of them with their full configs.
                if not REGISTRY[item.kind].placeholder_in_cycles:
                    raise AgentsError(
                        f"{item.kind} {item.name!r} is in a reference cycle of resources not created yet",
                        hint="create one side without the reference first, then add it back and sync again",
                    )
                await self._create_placeholder(item)
            for dep in sorted(self._pending_deps(item)):
                await self._id_known[dep].wait()
                if dep in self._failed:
                    raise _Skip(f"skipped: depends on {dep[0]} {dep[1]!r}, which failed")
            self._record(await self._apply(item))
        except _Skip as skip:
            self._failed.add(key)
            self._record(Outcome(item.kind, item.name, "skipped", item.remote_id, str(skip)))
        except AgentsError as exc:
            self._failed.add(key)
            self._record(Outcome(item.kind, item.name, "failed", item.remote_id, exc.message, exc.hint))
        except Exception as exc:  # one resource's bug must not stop the others; reported and non-zero exit
            self._failed.add(key)
            self._record(
                Outcome(item.kind, item.name, "failed", item.remote_id, f"{type(exc).__name__}: {exc}")
            )
        finally:
            if key in self._id_known:
                self._id_known[key].set()

    async def _apply(self, item: ResourcePlan) -> Outcome:
        key = (item.kind, item.name)
        desired = self.desired.normalise(key, self._ids())
        if desired.pending:
            missing = ", ".join(f"@{kind}:{name}" for kind, name in sorted(desired.pending))
            raise _Skip(
                f"skipped: {missing} has no id in this environment yet (include it, or sync it first)"
            )
        desired_fp = fingerprint(desired.body)
        kept = [] if self.force or item.remote_body is None else item.drifted
        changes = item.changes if kept else item.changes + item.drifted
        target = desired.body
        if kept and item.remote_body is not None:
            # Tools (PATCH of the whole tool_config) and tests (PUT) send everything: the drifted paths
            # carry the remote's values so the write leaves them as they are.
            target = keep_remote(desired.body, item.remote_body, [change.key for change in kept])
        body = send_body(item.kind, item.name, self.desired.environment, target)
        placeholder = self.state.get(item.kind, item.name) if key in self._placeholders else None
        if item.action == "create" and placeholder is None:
            return await self._create(item, body, desired.body, desired_fp)
        if item.action == "replace":
            return await self._replace(item, body, desired.body, desired_fp)
        remote_id = placeholder.id if placeholder else item.remote_id
        if remote_id is None:  # pragma: no cover - the planner always sets it for non-creates
            raise AgentsError(f"{item.kind} {item.name!r} has no remote id")
        if (
            item.action == "no-op"
            and item.refresh_state
            and item.remote_fingerprint
            and desired_fp == item.desired_fingerprint
        ):
            self._record_applied(item, remote_id, desired_fp, item.remote_body or {})
            await self._save()
            return Outcome(item.kind, item.name, "recorded", remote_id)
        kept_paths = [change.path for change in kept]
        # Removals the agent PATCH cannot express are left out of the write and reported, never claimed.
        blocked = [change.path for change in changes if change.cannot_apply]
        changes = [change for change in changes if not change.cannot_apply]
        if (kept or blocked) and not changes and not item.pending and not placeholder:
            # Nothing local to apply; the state keeps its old hashes so drifted fields still read as drifted.
            if blocked:
                await self._record_untouched(item, remote_id, desired_fp)
            return self._outcome(item, "not-applied" if blocked else "kept", remote_id, kept_paths, blocked)
        if REGISTRY[item.kind].update_merges and not placeholder:
            body = agent_patch(item, body, changes)
        remote_body = await self._write(item.kind, remote_id, body)
        self._record_applied(item, remote_id, desired_fp, remote_body, kept_paths)
        await self._save()
        unapplied = still_differing(remote_body, target, kept_paths)
        return self._outcome(item, "created" if placeholder else "updated", remote_id, kept_paths, unapplied)

    def _outcome(
        self, item: ResourcePlan, action: str, remote_id: str, kept: list[str], unapplied: list[str]
    ) -> Outcome:
        """The outcome of an apply, naming what it left as it was: drifted fields kept on purpose, and
        differences the write could not make."""
        if unapplied:
            return Outcome(
                item.kind,
                item.name,
                action,
                remote_id,
                unapplied_message(item, unapplied),
                UNAPPLIED_HINT,
                kept=kept,
                unapplied=unapplied,
            )
        return Outcome(
            item.kind,
            item.name,
            action,
            remote_id,
            kept_message(len(kept)) if kept else None,
            KEPT_HINT if kept else None,
            kept=kept,
        )

    async def _record_untouched(self, item: ResourcePlan, remote_id: str, desired_fp: str) -> None:
        """No write, but a resource state does not know yet (adopted, or recorded before per-field hashes)
        is recorded as the remote is, so the next plan judges its fields instead of calling them drift."""
        entry = self.state.get(item.kind, item.name)
        if item.remote_body is None or (
            entry is not None and entry.id == remote_id and entry.fields is not None
        ):
            return
        self._record_applied(item, remote_id, desired_fp, item.remote_body)
        await self._save()

    def _record_applied(
        self,
        item: ResourcePlan,
        remote_id: str,
        desired_fp: str,
        remote_body: dict[str, Any],
        kept_paths: list[str] | None = None,
    ) -> None:
        """State after an apply: fingerprints plus per-field hashes of the remote as it is now — except
        under kept (drifted) paths, whose hashes stay as they were at the previous apply."""
        salt = salt_for(self.state.environment, item.kind, remote_id)
        fields = field_hashes(item.kind, remote_body, salt)
        previous = self.state.get(item.kind, item.name)
        if kept_paths and previous is not None and previous.fields is not None and previous.id == remote_id:
            fields = merge_kept(fields, previous.fields, kept_paths)
        entry = ResourceState(remote_id, desired_fp, fingerprint(remote_body), fields)
        self.state.set(item.kind, item.name, entry)

    async def _write(self, kind: str, remote_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Update (agents/tools PATCH, tests PUT: a full replace); the normalised result."""
        routes = REGISTRY[kind].routes
        path = routes.item(remote_id)
        method = self.api.put if routes.update_method == "PUT" else self.api.patch
        response = await method(path, body)
        if not isinstance(response, dict) or REGISTRY[kind].remote_id(response) is None:
            response = await self.directory.get(kind, remote_id)
        return normalise_remote(kind, response or {})

    async def _replace(
        self, item: ResourcePlan, body: dict[str, Any], desired_body: dict[str, Any], desired_fp: str
    ) -> Outcome:
        """``--replace``: create the agent again from its config, then delete the old one. Created first, so
        a refused config leaves the old agent as it was; the new id is in state before the delete."""
        old_id = item.remote_id
        if old_id is None:  # pragma: no cover - only found resources are replaced
            raise AgentsError(f"{item.kind} {item.name!r} has no remote id")
        # The old agent carries the same tags: an ambiguous POST must not "find" it as the new one.
        created = await self._create(item, body, desired_body, desired_fp, exclude={old_id})
        if created.action == "adopted":
            created.action = "created"  # a POST that had gone through: still the new agent
        try:
            await self.api.delete(REGISTRY[item.kind].routes.item(old_id))
        except AgentsError as exc:
            return Outcome(
                item.kind,
                item.name,
                "failed",
                created.remote_id,
                f"created again as {created.remote_id}, but deleting the old agent {old_id} failed: "
                f"{exc.message}",
                f"delete {old_id} in the dashboard; state already names the new agent",
            )
        created.action = "replaced"
        created.previous_id = old_id
        return created

    async def _create(
        self,
        item: ResourcePlan,
        body: dict[str, Any],
        desired_body: dict[str, Any],
        desired_fp: str,
        *,
        exclude: set[str] | None = None,
    ) -> Outcome:
        kind, name = item.kind, item.name
        api_name = self.desired.remote_name((kind, name))
        others = {rid for other, rid in self.state.ids(kind).items() if other != name} | (exclude or set())

        async def find_existing() -> dict[str, Any] | None:
            return await self.directory.find(kind, name, api_name, fresh=True, exclude=others)

        resource_kind = REGISTRY[kind]
        response, adopted = await self.api.create(
            resource_kind.routes.create, body, find_existing=find_existing
        )
        remote_id = resource_kind.remote_id(response)
        if remote_id is None:
            raise AgentsError(f"create {kind} {name!r}: the response carries no id")
        # Record the id at once: a crash from here on must find it in state, not create it again.
        self.state.set(kind, name, ResourceState(remote_id))
        await self._save()
        self._id_known[(kind, name)].set()
        whole = adopted or resource_kind.create_returns_resource
        document = response if whole else await self.directory.get(kind, remote_id)
        remote_body = normalise_remote(kind, document or {})
        if adopted and remote_body != desired_body:
            remote_body = await self._write(kind, remote_id, body)
        self._record_applied(item, remote_id, desired_fp, remote_body)
        await self._save()
        # An adopted agent may hold map keys the config lacks, which the PATCH above could not remove.
        unapplied = still_differing(remote_body, desired_body, [])
        return self._outcome(item, "adopted" if adopted else "created", remote_id, [], unapplied)

    async def _create_placeholder(self, item: ResourcePlan) -> None:
        """A minimal agent with our tags (adoptable after a crash), only to obtain its id."""
        kind, name = item.kind, item.name
        api_name = self.desired.configs[(kind, name)].get("name") or name
        body = send_body(kind, name, self.desired.environment, {"name": api_name, "conversation_config": {}})
        others = {rid for other, rid in self.state.ids(kind).items() if other != name}

        async def find_existing() -> dict[str, Any] | None:
            return await self.directory.find(kind, name, None, fresh=True, exclude=others)

        response, _adopted = await self.api.create(
            REGISTRY[kind].routes.create, body, find_existing=find_existing
        )
        remote_id = REGISTRY[kind].remote_id(response)
        if remote_id is None:
            raise AgentsError(f"create {kind} {name!r}: the response carries no id")
        self.state.set(kind, name, ResourceState(remote_id))
        await self._save()
        self._placeholders.add((kind, name))
        self._id_known[(kind, name)].set()

    async def _delete_guarded(self, item: ResourcePlan) -> None:
        try:
            if item.remote_id is None:  # pragma: no cover - orphans always have ids
                raise AgentsError(f"{item.kind} {item.name!r} has no remote id")
            await self.api.delete(REGISTRY[item.kind].routes.item(item.remote_id))
            self.state.remove(item.kind, item.name)
            await self._save()
            self._record(Outcome(item.kind, item.name, "deleted", item.remote_id))
        except AgentsError as exc:
            self._record(Outcome(item.kind, item.name, "failed", item.remote_id, exc.message, exc.hint))
