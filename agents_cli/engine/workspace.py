"""One environment of one project: its files loaded once, its remote read, its plan, and the apply of it.

``Workspace.open`` reads the manifest and state; ``validation()`` checks every config of the environment
from the files it read; ``load()`` builds the desired configs from the same parsed documents. ``plan()``
reads the remote and returns an immutable ``Plan``; ``apply(plan)`` executes exactly that plan. ``sync()``
is both at once with writes streaming: an update starts as soon as its plan cannot change any more, while
other reads are still in flight. plan, sync, status and test are thin callers of this; no terminal code.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from agents_cli.engine.apply import Applier
from agents_cli.engine.branch_cuts import branch_cuts
from agents_cli.engine.desired import DesiredSet, load_desired
from agents_cli.engine.errors import ReplaceRefused
from agents_cli.engine.normalise import Ids
from agents_cli.engine.outcome import Outcome, SyncResult
from agents_cli.engine.plan import Key, Plan, PlanOptions, ResourcePlan
from agents_cli.engine.planner import RemoteResource, plan
from agents_cli.engine.remotes import content_replaced, remote_resource
from agents_cli.engine.splits import planned_splits
from agents_cli.engine.unchanged import lean, planned_answer, unchanged_plans
from agents_cli.errors import AgentsError
from agents_cli.kinds import AGENT, REGISTRY
from agents_cli.project.environments import same_agents
from agents_cli.project.manifest import Environment, Project, load_project
from agents_cli.project.state import State, load_other_states, load_state, state_lock
from agents_cli.project.validation import ValidationReport, validate_project
from agents_cli.remote.branches import BranchFinder
from agents_cli.remote.client import ApiClient
from agents_cli.remote.directory import Directory, Snapshot, claimed_ids, fetch_snapshot


class ReadProgress(Protocol):
    """Told how many resources a plan reads, then of each one read (the CLI's counter on a terminal)."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


@dataclass
class PlanResult:
    plan: Plan
    snapshot: Snapshot
    warnings: list[str]  # normalisation warnings of the planned resources, as ``kind name: message``


@dataclass
class Workspace:
    project: Project
    environment: Environment
    state: State
    claimed: dict[str, set[str]]  # ids recorded in other environments' state files
    environ: Mapping[str, str] | None = None
    desired: DesiredSet | None = None
    # What each version this sync makes is described as (agents.json kinds that are ``branched``).
    version_description: str | None = None
    _validation: ValidationReport | None = field(default=None, repr=False)

    @classmethod
    def open(cls, cwd: Path, env: str | None, *, environ: Mapping[str, str] | None = None) -> Workspace:
        project = load_project(cwd)
        environment = project.environment(env)
        # Environments branching the same agents share their ids (and the workspace's tools and tests).
        sharing = same_agents(project.environments, environment)
        others = load_other_states(project.root, environment.name)
        workspace = cls(
            project=project,
            environment=environment,
            state=load_state(project.root, environment.name),
            claimed=claimed_ids(other for other in others if other.environment not in sharing),
            environ=environ,
        )
        workspace.state.tag_env = workspace.tag_environment
        return workspace

    @property
    def tag_environment(self) -> str:  # a branch environment's agents are its main environment's
        return self.project.main_of(self.environment).name

    @property
    def root(self) -> Path:
        return self.project.root

    # -- the local side --------------------------------------------------------------------------------
    def validation(self) -> ValidationReport:
        """Every problem in this environment's configs, from the files this workspace loads them from."""
        if self._validation is None:
            self._validation = validate_project(
                self.root, env=self.environment.name, store=self.project.files, literals="warning"
            )
        return self._validation

    def load(self, only: list[str] | None = None) -> DesiredSet:
        """The desired configs (every declared resource, or ``only`` and what they need)."""
        self.desired = load_desired(self.project, self.environment.name, only, environ=self.environ)
        return self.desired

    def configs(self) -> DesiredSet:
        if self.desired is None:
            return self.load()
        return self.desired

    def undeclared(self) -> list[Key]:
        """Resources recorded in state that agents.json no longer declares (deleted only with --prune)."""
        declared = self.project.declared(self.environment.name)
        return [
            (kind, name)
            for kind in REGISTRY.names
            for name in sorted(self.state.ids(kind))
            if name not in declared.get(kind, set())
        ]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the environment's state lock, reading state again once it is held (another sync may have
        just written it)."""
        with state_lock(self.root, self.environment.name):
            self.state = load_state(self.root, self.environment.name)
            self.state.tag_env = self.tag_environment
            yield

    # -- the remote side -------------------------------------------------------------------------------
    def directory(self, api: ApiClient) -> Directory:
        claimed = {kind: set(ids) for kind, ids in self.claimed.items()}
        branch = self.environment.branch
        finder = None
        if branch is not None:
            entries = [self.state.resources[kind.name] for kind in REGISTRY if kind.branched]
            recorded = {e.id: e.branch_id for names in entries for e in names.values() if e.branch_id}
            finder = BranchFinder(api, branch, dict(recorded))
        return Directory(
            api, self.tag_environment, claimed=claimed, branches=finder, state_env=self.environment.name
        )

    async def plan(
        self,
        api: ApiClient,
        options: PlanOptions | None = None,
        *,
        keys: list[Key] | None = None,
        directory: Directory | None = None,
        on_planned: Callable[[ResourcePlan], None] | None = None,
        reading: ReadProgress | None = None,
    ) -> PlanResult:
        """Read the remote and plan ``keys`` (default: every loaded resource). Each resource whose plan
        cannot change any more is planned as its answer arrives, while the other reads are in flight (not
        all at the end); with ``on_planned`` (sync) those with work to do are handed over at once, and the
        returned plan holds those same objects. ``reading`` is told how many resources are read, then of
        each one read (progress on a terminal)."""
        options = options or PlanOptions()
        desired = self.configs()
        keys = keys if keys is not None else desired.keys()
        directory = directory or self.directory(api)
        early = _EarlyPlanner(self, desired, keys, options, on_planned or _nothing_to_start)
        # sync: configuration errors (an unset ${VAR}, an undeclared reference) before any write starts —
        # checked when the first answer arrives (only then can a write start), so the reads are already in
        # flight rather than waiting behind every config's normalisation.
        unchecked = [on_planned is not None]

        def check_configs() -> None:
            if unchecked[0]:
                unchecked[0] = False
                for key in keys:
                    desired.normalise(key, self._state_ids())

        def resolved(key: Key, snapshot: Snapshot) -> None:
            check_configs()
            early.resolved(key, snapshot)
            if reading is not None:
                reading.advance()

        if reading is not None:
            reading.start(len(keys))
        snapshot = await fetch_snapshot(
            directory,
            keys,
            {key: desired.remote_name(key) for key in keys},
            self.state,
            prune=options.prune,
            declared=desired.declared,
            on_resolved=resolved,
        )
        check_configs()
        result = self._plan(snapshot, desired, keys, options, early.planned)
        splits = await planned_splits(api, self.environment.deployments, keys, self.ids(snapshot)[AGENT.name])
        cuts = branch_cuts(result.plan, directory.branches)
        result.plan = dataclasses.replace(result.plan, splits=splits, branch_cuts=cuts)
        return result

    def _state_ids(self) -> dict[str, dict[str, str]]:
        return {kind: dict(self.state.ids(kind)) for kind in REGISTRY.names}

    def ids(self, snapshot: Snapshot) -> Ids:
        """Ids references resolve to: state, over what the read found (adopted resources), without state
        entries whose remote resource is gone."""
        ids = self._state_ids()
        for (kind, name), (remote_id, _document, _adopted) in snapshot.found.items():
            ids[kind][name] = remote_id
        for kind, name in snapshot.stale:
            if (kind, name) not in snapshot.found:
                ids[kind].pop(name, None)
        return ids

    def _plan(
        self,
        snapshot: Snapshot,
        desired: DesiredSet,
        keys: list[Key],
        options: PlanOptions,
        planned: Mapping[Key, ResourcePlan],
    ) -> PlanResult:
        # A replaced resource gets a new id: what references it waits for that id (updated in the run).
        replaced = options.replace | content_replaced(
            snapshot, desired, keys, planned, self.state, self.ids(snapshot)
        )
        ids = {
            kind: {name: rid for name, rid in names.items() if (kind, name) not in replaced}
            for kind, names in self.ids(snapshot).items()
        }
        items = {key: desired.normalise(key, ids) for key in keys}
        planned = {**planned, **unchanged_plans(snapshot, items, self.state, options, planned)}
        remote = {
            key: remote_resource(
                key[0],
                remote_id,
                document,
                adopted=adopted,
                state=self.state,
                name=key[1],
                answer=snapshot.digests.get(key),
            )
            for key, (remote_id, document, adopted) in snapshot.found.items()
            if key not in planned
        }
        orphans = {key: RemoteResource(id=remote_id, body={}) for key, remote_id in snapshot.orphans.items()}
        result = plan(
            [item for key, item in items.items() if key not in planned],
            remote,
            self.state,
            orphans=orphans,
            options=options,
            stale=snapshot.stale,
            included={key: name for key, name in desired.included.items() if key in items},
            planned=planned.values(),
        )
        result = dataclasses.replace(result, resources=tuple(lean(item) for item in result.resources))
        # Not about resources --only left out (a referenced one that exists is only read).
        shown = {item.key for item in result.resources} | set(desired.targets())
        warnings = [
            f"{key[0]} {key[1]}: {warning}" for key in keys if key in shown for warning in items[key].warnings
        ]
        return PlanResult(plan=result, snapshot=snapshot, warnings=warnings)

    # -- applying ----------------------------------------------------------------------------------------
    def applier(
        self, api: ApiClient, directory: Directory, on_outcome: Callable[[Outcome], None] | None = None
    ) -> Applier:
        return Applier(
            api=api,
            directory=directory,
            state=self.state,
            root=self.root,
            on_outcome=on_outcome,
            version_description=self.version_description,
            describe_creates=bool(same_agents(self.project.environments, self.environment)),
        )

    async def apply(
        self, api: ApiClient, the_plan: Plan, on_outcome: Callable[[Outcome], None] | None = None
    ) -> SyncResult:
        """Execute exactly ``the_plan`` (made by ``plan``, or read back from a plan file)."""
        return await self.applier(api, self.directory(api), on_outcome).run(the_plan)

    async def sync(
        self,
        api: ApiClient,
        options: PlanOptions,
        *,
        approve: Callable[[PlanResult], Awaitable[None]],
        on_outcome: Callable[[Outcome], None] | None = None,
        stream: bool = True,
        reading: ReadProgress | None = None,
    ) -> tuple[PlanResult, SyncResult]:
        """Plan and apply in one pass. ``approve(result)`` sees the whole plan before the rest of it is
        written (it raises to stop). With ``stream``, updates start while the remaining reads are in
        flight: only when they need no approval (the caller decides; deletions and replacements do)."""
        directory = self.directory(api)
        applier = self.applier(api, directory, on_outcome)

        def start_early(item: ResourcePlan) -> None:
            if item.key not in options.replace:  # replaced after planning, never patched
                applier.start(item)

        try:
            computed = await self.plan(
                api, options, directory=directory, on_planned=start_early if stream else None, reading=reading
            )
            await approve(computed)
        except BaseException:
            await applier.finish_started()  # let early writes finish and record their state
            raise
        return computed, await applier.run(computed.plan)


def check_replacements(desired: DesiredSet, names: list[str]) -> frozenset[Key]:
    """``--replace NAME``: declared, selected agents. What references one is planned with its new id as
    known only after apply, and updated in the same run once the new agent exists. Checked before anything
    is read or written."""
    agents = desired.declared.get(AGENT.name, set())
    selected: list[Key] = desired.targets()
    for name in names:
        if name not in agents:
            raise ReplaceRefused(name, "unknown", sorted(agents))
        if AGENT.key(name) not in selected:
            raise ReplaceRefused(name, "not_selected")
    return frozenset(AGENT.key(name) for name in names)


def _nothing_to_start(item: ResourcePlan) -> None:
    """``plan`` streams like sync, without writing anything."""


class _EarlyPlanner:
    """Plans, while the other reads are still in flight, each resource that is surely an update or no-op:
    found through its state id, and every resource it references already found too (their ids are
    final). ``on_planned`` gets those with work to do, so sync can start writing them at once."""

    def __init__(
        self,
        workspace: Workspace,
        desired: DesiredSet,
        keys: list[Key],
        options: PlanOptions,
        on_planned: Callable[[ResourcePlan], None],
    ) -> None:
        self.workspace = workspace
        self.desired = desired
        self.options = options
        self.on_planned = on_planned
        self.keys = set(keys)
        self.planned: dict[Key, ResourcePlan] = {}
        self.waiting: set[Key] = set()
        # ``workspace.ids(snapshot)`` kept up to date one answer at a time (rebuilding it for each of
        # 1,000 answers would be quadratic).
        self.ids = {kind: dict(names) for kind, names in workspace.ids(Snapshot()).items()}

    def resolved(self, key: Key, snapshot: Snapshot) -> None:
        found = snapshot.found.get(key)
        if found is not None:
            self.ids[key[0]][key[1]] = found[0]
        elif key in snapshot.stale:
            self.ids[key[0]].pop(key[1], None)
        self.waiting.add(key)
        for candidate in sorted(self.waiting):
            if self._ready(candidate, snapshot):
                self.waiting.discard(candidate)
                self._plan(candidate, snapshot)

    def _ready(self, key: Key, snapshot: Snapshot) -> bool:
        found = snapshot.found.get(key)
        if found is None or found[2]:  # missing (a create) or adopted: planned with everything else
            return False
        if key in self.desired.included or key in self.options.replace or REGISTRY[key[0]].replace_on:
            return False  # read for --only's sake (never written unless created), or (maybe) replaced
        state = self.workspace.state
        for dep in self.desired.dependencies(key):
            if dep in self.options.replace or REGISTRY[dep[0]].replace_on:  # its id may change in the run
                return False  # its new id is known only after the replace
            if dep in self.keys:
                # Not read yet, or about to be created: id not final. Adopted: not in state until the
                # sync records it, so the write would not resolve the reference yet.
                if dep not in snapshot.found or snapshot.found[dep][2]:
                    return False
            elif dep[1] not in state.ids(dep[0]):
                return False
        return True

    def _plan(self, key: Key, snapshot: Snapshot) -> None:
        remote_id, document, _adopted = snapshot.found[key]
        try:
            item = self.desired.normalise(key, self.ids)
        except AgentsError:
            return  # planned with the rest, which reports configuration errors in the resources' order
        answer = snapshot.digests.get(key)
        planned = planned_answer(item, remote_id, document, answer, self.workspace.state, self.options)
        self.planned[key] = planned
        # The raw answer is not needed any more (the plan holds what it needs, normalised): with 1,000
        # resources, keeping every raw document until the end is most of the peak memory.
        snapshot.found[key] = (remote_id, {}, False)
        if planned.write is not None:
            self.on_planned(planned)
