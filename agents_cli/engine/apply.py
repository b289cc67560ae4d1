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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agents_cli.engine.creating import Creating
from agents_cli.engine.drift import field_hashes, merge_kept, salt_for
from agents_cli.engine.errors import (
    InUseOutside,
    Skipped,
    Unexpected,
)
from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.ordering import with_unreturned
from agents_cli.engine.outcome import Outcome, SyncResult, still_differing, unapplied_why
from agents_cli.engine.plan import Key, Plan, ResourcePlan, SplitChange, Write
from agents_cli.engine.replacing import (
    retire_replaced,
    settle_kinds,
    with_recorded,
)
from agents_cli.engine.response_digest import response_digest
from agents_cli.engine.splits import deploy
from agents_cli.engine.state_writes import StateWriter
from agents_cli.errors import AgentsError
from agents_cli.keypath import KeyPath, with_values
from agents_cli.kinds import AGENT, REGISTRY
from agents_cli.kinds.base import valid_remote_id
from agents_cli.project.state import ResourceState, State, remote_fingerprint
from agents_cli.remote.client import ApiClient
from agents_cli.remote.directory import Directory

Body = Mapping[str, Any]


class Applier(Creating):
    """Applies plans to one environment; ``start`` lets an update begin while the plan is still read."""

    def __init__(
        self,
        *,
        api: ApiClient,
        directory: Directory,
        state: State,
        root: Path,
        on_outcome: Callable[[Outcome], None] | None = None,
        version_description: str | None = None,
        describe_creates: bool = False,
    ) -> None:
        self.api = api
        # Sent with every write of a ``branched`` kind; a create cannot carry one: with ``describe_creates``
        # (environments that branch) a described PATCH follows it.
        self.version_description, self.describe_creates = version_description, describe_creates
        self._versions: dict[str, str] = {}  # remote id → the version its last write made
        self._answers: dict[str, str | None] = {}  # remote id → digest of its last answer's bytes
        self.directory = directory
        self.state = state
        self.root = root
        self.on_outcome = on_outcome
        self.result = SyncResult()
        # Set when a resource created in this run has its id in state (or failed): what dependents await.
        self._id_known: dict[Key, asyncio.Event] = {}
        self._failed: set[Key] = set()
        self._writer = StateWriter(state, root)
        self._placeholders: dict[Key, str] = {}
        # Per replaced resource: set when each resource waiting for its new id is applied (or failed).
        self._dependents: dict[Key, list[asyncio.Event]] = {}
        self._started: dict[Key, asyncio.Task[None]] = {}
        self.applied: dict[Key, Body] = {}  # the remote as each write of this run left it
        self._done: dict[Key, asyncio.Event] = {}

    # -- bookkeeping ---------------------------------------------------------------------------------
    def record(self, outcome: Outcome) -> None:
        self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        self.result.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    async def save(self) -> None:
        """The state writer's save, for the parts of apply in other modules (``engine.replacing``)."""
        await self._writer.save()

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
            await self._writer.compact()

    async def run(self, plan: Plan) -> SyncResult:
        """Apply ``plan``: drop stale state entries, then every write, then the deletes."""
        try:
            return await self._run(plan)
        finally:
            await self._writer.compact()

    async def _run(self, plan: Plan) -> SyncResult:
        if plan.stale:
            for kind, name in plan.stale:
                self.state.remove(kind, name)
            await self._writer.save()
        applies = [
            item
            for item in plan.resources
            if item.write is not None and item.write.operation != "delete" and item.key not in self._started
        ]
        replaced = {item.key for item in applies if item.write and item.write.operation == "replace"}
        done: dict[Key, asyncio.Event] = {}
        for item in applies:
            if item.write is not None and item.write.operation in ("create", "replace"):
                self._id_known[item.key] = asyncio.Event()
            for dep in sorted((item.write.depends_on() if item.write else set()) & replaced):
                event = done.setdefault(item.key, asyncio.Event())
                self._dependents.setdefault(dep, []).append(event)
        self._done = done
        await asyncio.gather(*(self._guarded(item) for item in applies), self.finish_started())
        await retire_replaced(self)
        await settle_kinds(self, plan)
        for resource_kind in REGISTRY.reversed():
            deletes = [item for item in plan.resources if item.write and item.kind == resource_kind.name]
            deletes = [item for item in deletes if item.write and item.write.operation == "delete"]
            await asyncio.gather(*(self._delete(item) for item in deletes))
        await self._cut_branches(plan)
        await asyncio.gather(*(self._deploy(change) for change in plan.splits))
        return self.result

    async def _cut_branches(self, plan: Plan) -> None:
        """The branches the plan cuts (a branch environment's first sync: even of an agent with nothing to
        write, from the main branch's current version; a write may have cut one already), in state."""
        branches = self.directory.branches
        if branches is None:
            return
        for cut in plan.branch_cuts:
            entry = self.state.get(cut.kind, cut.name)
            if entry is None or cut.key in self._failed:
                continue
            # What the reads found (a branch state recorded may be gone), or what a write just cut.
            branch_id = branches.ids.get(entry.id)
            if branch_id is None:
                described = self.version_description or branches.branch
                branch_id = await branches.ensure(REGISTRY[cut.kind], entry.id, described)
            if entry.branch_id != branch_id:
                entry.branch_id = branch_id
                self.state.set(cut.kind, cut.name, entry)
                await self._writer.save()
            self._record(Outcome(cut.kind, cut.name, "branched", entry.id))

    async def _deploy(self, change: SplitChange) -> None:
        """A traffic split, once the agent (and, for a new agent, its id) is in state."""
        key = AGENT.key(change.agent)
        remote_id = self.state.ids(AGENT.name).get(change.agent)
        if key in self._failed or remote_id is None:
            self._record(Outcome(AGENT.name, change.agent, "skipped", remote_id, Skipped(failed=key)))
            return
        try:
            await deploy(self.api, change.agent, remote_id, change.after)
            self._record(Outcome(AGENT.name, change.agent, "deployed", remote_id))
        except AgentsError as exc:
            self._record(Outcome(AGENT.name, change.agent, "failed", remote_id, exc))

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
            if key in self._done:
                self._done[key].set()

    def _with_ids(self, write: Write) -> tuple[Body, Body]:
        """The write's body and expectation with the ids of resources created in this run filled in."""
        missing = [ref for ref in write.pending if ref.name not in self.state.ids(ref.kind)]
        if missing:
            raise Skipped(unknown=[f"@{ref.kind}:{ref.name}" for ref in missing])
        ids = {ref.path: self.state.ids(ref.kind)[ref.name] for ref in write.pending}
        return with_values(write.body or {}, ids), with_values(write.expect or {}, ids)

    async def _execute(self, item: ResourcePlan, write: Write) -> Outcome:
        if write.operation == "record":
            self._answers[self._remote_id(item)] = item.answer
            self._record_applied(item, self._remote_id(item), item.remote_body or {})
            await self._writer.save()
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
        remote_body = await self._write(
            item.kind, remote_id, body, expect, None if placeholder else item.remote_body
        )
        remote_body = with_recorded(item.kind, remote_body, expect)
        self._record_applied(item, remote_id, remote_body, write.kept_keys)
        await self._writer.save()
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
        await self._writer.save()

    def _record_applied(
        self, item: ResourcePlan, remote_id: str, remote_body: Body, kept: tuple[KeyPath, ...] = ()
    ) -> None:
        """State after an apply: fingerprints plus per-field hashes of the remote as it is now — except
        under kept (drifted) paths, whose hashes stay as at the previous apply (else: the answer's digest)."""
        answer, entry_key = self._answers.pop(remote_id, None), (item.kind, remote_id)
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
            remote_id, item.desired_fingerprint, remote_fingerprint(item.kind, remote_body), fields
        )
        entry.recorded, entry.retired = recorded, retired
        branches = self.directory.branches
        if branches is not None and REGISTRY[item.kind].branched:
            entry.branch_id = branches.ids.get(remote_id)
        entry.version_id = self._versions.get(remote_id) or item.version_id
        entry.response_digest = None if kept else response_digest(self.state.environment, *entry_key, answer)
        self.state.set(item.kind, item.name, entry)
        self.applied[item.key] = remote_body

    async def _write(
        self, kind: str, remote_id: str, body: Body, expect: Body, remote: Body | None = None
    ) -> dict[str, Any]:
        """Update (PATCH, or PUT for kinds replaced whole); the normalised result, with what the API never
        returns (write-only and create-only keys) as the write meant it. A ``branched`` kind's write
        carries the version description, and in a branch environment goes to its branch (cut on the
        first write). A kind may split an update over several endpoints (``ResourceKind.update_requests``,
        from the remote as planned)."""
        resource_kind = REGISTRY[kind]
        routes = resource_kind.routes
        path = routes.item(remote_id)
        sent, params = dict(body), None
        response: Any = None
        answer: str | None = None
        if resource_kind.splits_updates:
            calls = resource_kind.update_requests(remote_id, sent, remote)
            for method, call_path, payload in calls:
                if method == "DELETE":
                    await self.api.delete(call_path)
                    response = None
                else:
                    response = await self.api.request(method, call_path, json=payload)
            if len(calls) != 1:
                response = None
        elif routes.update_method == "PUT":
            response, answer = await self.api.digested("PUT", path, json=sent)
        else:
            if resource_kind.branched:
                if self.version_description:
                    sent["version_description"] = self.version_description
                branches = self.directory.branches
                if branches is not None:
                    description = self.version_description or branches.branch
                    params = {"branch_id": await branches.ensure(resource_kind, remote_id, description)}
            response, answer = await self.api.digested("PATCH", path, params=params, json=sent)
        if not isinstance(response, dict) or resource_kind.remote_id(response) is None:
            response, answer = await self.directory.read(kind, remote_id)
        self._answers[remote_id] = answer
        self._note_version(remote_id, response)
        return with_unreturned(kind, normalise_remote(kind, response or {}), expect)

    def _note_version(self, remote_id: str, response: Any) -> None:
        if isinstance(response, dict) and valid_remote_id(version_id := response.get("version_id")):
            self._versions[remote_id] = str(version_id)

    async def _delete(self, item: ResourcePlan) -> None:
        try:
            remote_id = self._remote_id(item)
            users = await REGISTRY[item.kind].users(self.api, remote_id)
            if users:
                raise InUseOutside(item.kind, item.name, users)
            if self.directory.branches is None:
                await self.api.delete(REGISTRY[item.kind].routes.item(remote_id))
            else:  # a branch environment's resources are its main's: only its branch goes (archived)
                await self.directory.branches.archive(REGISTRY[item.kind], remote_id)
            self.state.remove(item.kind, item.name)
            await self._writer.save()
            self._record(Outcome(item.kind, item.name, "deleted", item.remote_id))
        except AgentsError as exc:
            self._record(Outcome(item.kind, item.name, "failed", item.remote_id, exc))
