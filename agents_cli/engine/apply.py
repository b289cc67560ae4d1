"""Execute a plan: exactly the writes it holds, in dependency order, concurrently within the client's bound.

Nothing is normalised, compared or decided here: each resource's ``Write`` says what to send. What apply
adds is only what the plan cannot know — the ids of resources created in this same run, substituted where
the plan marked them (a resource waits for the creates it references), and what the server answers, which
is recorded in state and checked against what the write meant to make the remote.

State is saved after each remote operation. One failing resource does not stop the others: it is recorded
as a failed outcome, and whatever depends on it is skipped with a message naming it. Deletes (prune) run
last, in reverse dependency order.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agents_cli.engine.drift import field_hashes, merge_kept, salt_for
from agents_cli.engine.errors import (
    NoIdInAnswer,
    ReferenceCycle,
    Skipped,
    Unexpected,
)
from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.outcome import Outcome, SyncResult, still_differing, unapplied_why
from agents_cli.engine.plan import Key, Plan, ResourcePlan, Write
from agents_cli.engine.replacing import (
    check_unused,
    delete_leftovers,
    read_upload,
    retire_replaced,
    settle_kinds,
    with_recorded,
)
from agents_cli.errors import AgentsError
from agents_cli.keypath import KeyPath, with_values
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import ResourceState, State, append_journal, fingerprint, write_state_text
from agents_cli.remote.client import ApiClient
from agents_cli.remote.directory import Directory

Body = Mapping[str, Any]


class Applier:
    """Applies plans to one environment; ``start`` lets an update begin while the plan is still read."""

    def __init__(
        self,
        *,
        api: ApiClient,
        directory: Directory,
        state: State,
        root: Path,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.api = api
        self.directory = directory
        self.state = state
        self.root = root
        self.on_outcome = on_outcome
        self.result = SyncResult()
        # Set when a resource created in this run has its id in state (or failed): what dependents await.
        self._id_known: dict[Key, asyncio.Event] = {}
        self._failed: set[Key] = set()
        self._save_lock = asyncio.Lock()
        self._changes = 0  # state changes so far (each followed by a _save)
        self._written = 0  # changes covered by what is on disk
        self._journaled = False  # the journal holds changes the state file does not
        self._placeholders: dict[Key, str] = {}
        self._started: dict[Key, asyncio.Task[None]] = {}
        self.applied: dict[Key, Body] = {}  # the remote as each write of this run left it

    # -- bookkeeping ---------------------------------------------------------------------------------
    def record(self, outcome: Outcome) -> None:
        self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        self.result.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    async def save(self) -> None:
        """``_save`` for the parts of apply in other modules (``engine.replacing``)."""
        await self._save()

    async def _save(self) -> None:
        """Make the state as it is now durable before returning: the entries changed since the last save
        are appended to the state journal (``project.state``), fsynced in a thread so requests go on.
        Writes are serialised by a lock (the journal only moves forward) and grouped: a save that finds
        its change already written returns at once, so eight operations finishing together cost one or
        two appends, not eight. ``_compact`` writes the whole file once the run is over."""
        self._changes += 1
        wanted = self._changes
        async with self._save_lock:
            if self._written >= wanted:
                return
            covered = self._changes
            lines = self.state.take_changes()
            if lines:
                await asyncio.to_thread(append_journal, self.root, self.state.environment, lines)
                self._journaled = True
            self._written = covered

    async def _compact(self) -> None:
        """The whole state file written once (sorted, indented: it is committed), replacing the journal."""
        async with self._save_lock:
            if not self._journaled:
                return
            self.state.take_changes()
            text = self.state.to_json()
            await asyncio.to_thread(write_state_text, self.root, self.state.environment, text)
            self._journaled = False

    # -- running -------------------------------------------------------------------------------------
    def start(self, item: ResourcePlan) -> None:
        """Apply an update (or state refresh) right away, before the rest of the plan is known: only for
        resources whose own id and referenced ids are final (the workspace decides). ``run`` waits."""
        operation = item.write.operation if item.write else None
        if operation not in ("update", "record", "none") or item.key in self._started:
            raise ValueError(f"only known updates can start early, not {item.action} {item.name!r}")
        self._started[item.key] = asyncio.create_task(self._guarded(item))

    async def finish_started(self) -> None:
        """Wait for the early applies (when planning failed after some had started)."""
        try:
            await asyncio.gather(*self._started.values())
        finally:
            await self._compact()

    async def run(self, plan: Plan) -> SyncResult:
        """Apply ``plan``: drop stale state entries, then every write, then the deletes."""
        try:
            return await self._run(plan)
        finally:
            await self._compact()

    async def _run(self, plan: Plan) -> SyncResult:
        if plan.stale:
            for kind, name in plan.stale:
                self.state.remove(kind, name)
            await self._save()
        applies = [
            item
            for item in plan.resources
            if item.write is not None and item.write.operation != "delete" and item.key not in self._started
        ]
        for item in applies:
            if item.write is not None and item.write.operation in ("create", "replace"):
                self._id_known[item.key] = asyncio.Event()
        await asyncio.gather(*(self._guarded(item) for item in applies), self.finish_started())
        await retire_replaced(self)
        await settle_kinds(self, plan)
        for resource_kind in REGISTRY.reversed():
            deletes = [item for item in plan.resources if item.write and item.kind == resource_kind.name]
            deletes = [item for item in deletes if item.write and item.write.operation == "delete"]
            await asyncio.gather(*(self._delete(item) for item in deletes))
        return self.result

    async def _guarded(self, item: ResourcePlan) -> None:
        key = item.key
        write = item.write
        assert write is not None
        try:
            if write.placeholder_first:
                await self._create_placeholder(item)
            for dep in sorted(write.depends_on() & self._id_known.keys()):
                await self._id_known[dep].wait()
                if dep in self._failed:
                    raise Skipped(failed=dep)
            self._record(await self._execute(item, write))
        except Skipped as skip:
            self._failed.add(key)
            self._record(Outcome(item.kind, item.name, "skipped", item.remote_id, skip))
        except AgentsError as exc:
            self._failed.add(key)
            self._record(Outcome(item.kind, item.name, "failed", item.remote_id, exc))
        except Exception as exc:  # one resource's bug must not stop the others; reported and non-zero exit
            self._failed.add(key)
            self._record(Outcome(item.kind, item.name, "failed", item.remote_id, Unexpected(exc)))
        finally:
            if key in self._id_known:
                self._id_known[key].set()

    def _with_ids(self, write: Write) -> tuple[Body, Body]:
        """The write's body and expectation with the ids of resources created in this run filled in."""
        missing = [ref for ref in write.pending if ref.name not in self.state.ids(ref.kind)]
        if missing:
            raise Skipped(unknown=[f"@{ref.kind}:{ref.name}" for ref in missing])
        ids = {ref.path: self.state.ids(ref.kind)[ref.name] for ref in write.pending}
        return with_values(write.body or {}, ids), with_values(write.expect or {}, ids)

    async def _execute(self, item: ResourcePlan, write: Write) -> Outcome:
        if write.operation == "record":
            self._record_applied(item, self._remote_id(item), item.remote_body or {})
            await self._save()
            return Outcome(item.kind, item.name, "recorded", item.remote_id)
        if write.operation == "none":
            return await self._leave(item, write)
        body, expect = self._with_ids(write)
        placeholder = self._placeholders.get(item.key)
        if write.operation == "create" and placeholder is None:
            return await self._create(item, body, expect, upload=write.upload)
        if write.operation == "replace":
            return await self._replace(item, body, expect)
        remote_id = placeholder or self._remote_id(item)
        remote_body = await self._write(item.kind, remote_id, body, None if placeholder else item.remote_body)
        remote_body = with_recorded(item.kind, remote_body, expect)
        self._record_applied(item, remote_id, remote_body, write.kept_keys)
        await self._save()
        unapplied = still_differing(remote_body, expect, write.kept_keys)
        action = "created" if placeholder else "updated"
        return self._outcome(item, action, remote_id, list(write.kept), unapplied)

    @staticmethod
    def _remote_id(item: ResourcePlan) -> str:
        if item.remote_id is None:  # pragma: no cover - the planner sets it for everything but creates
            raise RuntimeError(f"{item.kind} {item.name!r} has no remote id")
        return item.remote_id

    async def _leave(self, item: ResourcePlan, write: Write) -> Outcome:
        """Nothing to write: only drifted fields (kept) or changes no write can make differ."""
        remote_id = self._remote_id(item)
        if write.blocked:
            await self._record_untouched(item, remote_id)
        action = "not-applied" if write.blocked else "kept"
        return self._outcome(item, action, remote_id, list(write.kept), list(write.blocked))

    def _outcome(
        self, item: ResourcePlan, action: str, remote_id: str, kept: list[str], unapplied: list[str]
    ) -> Outcome:
        """The outcome of an apply, naming what it left as it was: drifted fields kept on purpose, and
        differences the write could not make."""
        why = unapplied_why(item, unapplied) if unapplied else None
        return Outcome(
            item.kind, item.name, action, remote_id, kept=kept, unapplied=unapplied, unapplied_why=why
        )

    async def _record_untouched(self, item: ResourcePlan, remote_id: str) -> None:
        """No write, but a resource state does not know yet (adopted, or recorded before per-field hashes)
        is recorded as the remote is, so the next plan judges its fields instead of calling them drift."""
        entry = self.state.get(item.kind, item.name)
        if item.remote_body is None or (
            entry is not None and entry.id == remote_id and entry.fields is not None
        ):
            return
        self._record_applied(item, remote_id, item.remote_body)
        await self._save()

    def _record_applied(
        self, item: ResourcePlan, remote_id: str, remote_body: Body, kept: tuple[KeyPath, ...] = ()
    ) -> None:
        """State after an apply: fingerprints plus per-field hashes of the remote as it is now — except
        under kept (drifted) paths, whose hashes stay as they were at the previous apply."""
        salt = salt_for(self.state.environment, item.kind, remote_id)
        fields = field_hashes(item.kind, remote_body, salt)
        previous = self.state.get(item.kind, item.name)
        if kept and previous is not None and previous.fields is not None and previous.id == remote_id:
            fields = merge_kept(fields, previous.fields, kept)
        recorded = {
            key: str(remote_body[key]) for key in REGISTRY[item.kind].state_fields if key in remote_body
        }
        retired = previous.retired if previous is not None and previous.id == remote_id else ()
        entry = ResourceState(
            remote_id, item.desired_fingerprint, fingerprint(dict(remote_body)), fields, recorded, retired
        )
        self.state.set(item.kind, item.name, entry)
        self.applied[item.key] = remote_body

    async def _write(
        self, kind: str, remote_id: str, body: Body, remote: Body | None = None
    ) -> dict[str, Any]:
        """Update (PATCH, or PUT for kinds replaced whole; a kind may split it over several endpoints:
        ``ResourceKind.update_requests``, from the remote as planned); the normalised result."""
        resource_kind = REGISTRY[kind]
        calls = resource_kind.update_requests(remote_id, body, remote)
        response: Any = None
        for method, path, payload in calls:
            if method == "DELETE":
                await self.api.delete(path)
                response = None
            else:
                response = await self.api.request(method, path, json=payload)
        whole = len(calls) == 1 and isinstance(response, dict) and resource_kind.remote_id(response)
        if not whole:
            response = await self.directory.get(kind, remote_id)
        return normalise_remote(kind, response or {})

    async def _replace(self, item: ResourcePlan, body: Body, expect: Body) -> Outcome:
        """A replace: create the resource again from its config; the old one is deleted only at the end of
        the run (``retire_replaced``), once what referenced it points at the new one — so nothing ever
        references a deleted resource. Created first, so a refused config leaves the old one as it was.
        Journaled: the entry says a POST is under way before it is sent, and holds the old id as retired
        with the new id, so a rerun after a kill at any point finishes the job and duplicates nothing."""
        old_id = self._remote_id(item)
        entry = self.state.get(item.kind, item.name) or ResourceState(old_id)
        if entry.creating:
            await delete_leftovers(self.api, self.directory, self.state, item, {old_id, *entry.retired})
        self.state.set(item.kind, item.name, dataclasses.replace(entry, creating=True))
        await self._save()
        write = item.write
        upload = write.upload if write is not None else None
        retired = (*entry.retired, old_id)
        # The old one carries the same tags: an ambiguous POST must not "find" it as the new one.
        created = await self._create(item, body, expect, exclude={old_id}, upload=upload, retired=retired)
        created.action = "replaced"  # a POST that had gone through ("adopted") is still the new one
        created.previous_id = old_id
        return created

    async def _post(
        self,
        item: ResourcePlan,
        body: Body,
        *,
        exclude: set[str],
        upload: Mapping[str, Any] | None = None,
        retired: tuple[str, ...] = (),
    ) -> tuple[str, Any, bool]:
        """POST a create exactly once; after an ambiguous failure the resource is looked up before posting
        again. The id is in state (on disk) before this returns: a crash from here on must find it there."""
        kind, name = item.kind, item.name
        others = {rid for other, rid in self.state.ids(kind).items() if other != name} | exclude

        async def find_existing() -> dict[str, Any] | None:
            return await self.directory.find(kind, name, item.api_name, fresh=True, exclude=others)

        resource_kind = REGISTRY[kind]
        path, payload = resource_kind.create_request(body, upload)
        files = read_upload(self.root, resource_kind.create_files(upload))
        response, adopted = await self.api.create(path, payload, find_existing=find_existing, files=files)
        remote_id = resource_kind.remote_id(response)
        if remote_id is None:
            raise NoIdInAnswer(kind, name)
        # What was uploaded (a document's content hash) goes to state with the id, in one journal line: a
        # kill before the rest is recorded must not make the next run take the upload for another one.
        known = {key: str(body[key]) for key in resource_kind.state_fields if key in body}
        self.state.set(kind, name, ResourceState(remote_id, recorded=known, retired=retired))
        await self._save()
        if item.key in self._id_known:
            self._id_known[item.key].set()
        return remote_id, response, adopted

    async def _create(
        self,
        item: ResourcePlan,
        body: Body,
        expect: Body,
        *,
        exclude: set[str] | None = None,
        upload: Mapping[str, Any] | None = None,
        retired: tuple[str, ...] = (),
    ) -> Outcome:
        remote_id, response, adopted = await self._post(
            item, body, exclude=exclude or set(), upload=upload, retired=retired
        )
        kind = REGISTRY[item.kind]
        whole = adopted or kind.create_returns_resource
        document = response if whole else await self.directory.get(item.kind, remote_id)
        remote_body = with_recorded(item.kind, normalise_remote(item.kind, document or {}), expect)
        if adopted and remote_body != expect:
            remote_body = with_recorded(item.kind, await self._write(item.kind, remote_id, body), expect)
        self._record_applied(item, remote_id, remote_body)
        await self._save()
        # An adopted resource may hold map keys the config lacks, which the PATCH above could not remove.
        unapplied = still_differing(remote_body, expect, [])
        return self._outcome(item, "adopted" if adopted else "created", remote_id, [], unapplied)

    async def _create_placeholder(self, item: ResourcePlan) -> None:
        """Resources that reference each other (mutual transfers), none existing yet: each is created as a
        minimal tagged placeholder (adoptable after a crash) to get an id, then updated with its config."""
        kind = REGISTRY[item.kind]
        if not kind.placeholder_in_cycles:
            raise ReferenceCycle(item.kind, item.name)
        minimal = {"name": item.api_name or item.name, **kind.minimal_body("")}
        placeholder = ResourcePlan(item.kind, item.name, "create", api_name=None)
        body = kind.send_body(item.name, self.state.environment, minimal)
        remote_id, _response, _adopted = await self._post(placeholder, body, exclude=set())
        self._placeholders[item.key] = remote_id

    async def _delete(self, item: ResourcePlan) -> None:
        try:
            remote_id = self._remote_id(item)
            await check_unused(self, item.kind, item.name, remote_id)
            await self.api.delete(REGISTRY[item.kind].routes.item(remote_id))
            self.state.remove(item.kind, item.name)
            await self._save()
            self._record(Outcome(item.kind, item.name, "deleted", item.remote_id))
        except AgentsError as exc:
            self._record(Outcome(item.kind, item.name, "failed", item.remote_id, exc))
