"""The shared path of ``agents plan`` and ``agents sync``: load the project, its desired configs and state,
read the remote, and compute the plan. No terminal code: commands render what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents_cli.engine.desired import DesiredSet, Key, load_desired
from agents_cli.engine.normalise import Ids, normalise_remote
from agents_cli.engine.planner import (
    Plan,
    RemoteResource,
    ResourcePlan,
    mark_replaced,
    plan,
    plan_resource,
)
from agents_cli.errors import ConfigError, UsageError
from agents_cli.kinds import AGENT, REGISTRY
from agents_cli.project.manifest import Environment, Project, load_project
from agents_cli.project.state import State, load_other_states, load_state
from agents_cli.remote.client import ApiClient
from agents_cli.remote.directory import Directory, Snapshot, claimed_ids, fetch_snapshot


@dataclass
class Session:
    project: Project
    environment: Environment
    desired: DesiredSet
    state: State
    claimed: dict[str, set[str]]  # ids recorded in other environments' state files

    @property
    def root(self) -> Path:
        return self.project.root

    def undeclared(self) -> list[Key]:
        """Resources recorded in state that agents.json no longer declares (deleted only with --prune)."""
        return [
            (kind, name)
            for kind in REGISTRY.names
            for name in sorted(self.state.ids(kind))
            if name not in self.desired.declared.get(kind, set())
        ]

    def reload_state(self) -> None:
        """Read state again (after taking the lock, another sync may have just written it)."""
        self.state = load_state(self.root, self.environment.name)


def open_session(
    cwd: Path,
    env: str | None,
    only: list[str] | None,
    *,
    validate: Callable[[Path, str], None] | None = None,
) -> Session:
    """``validate(root, environment name)`` runs before any config is loaded (plan and sync refuse invalid
    configs there: an unknown key would be dropped by the API, so the plan would never converge)."""
    project = load_project(cwd)
    environment = project.environment(env)
    if validate is not None:
        validate(project.root, environment.name)
    desired = load_desired(project, environment.name, only)
    return Session(
        project=project,
        environment=environment,
        desired=desired,
        state=load_state(project.root, environment.name),
        claimed=claimed_ids(load_other_states(project.root, environment.name)),
    )


@dataclass
class PlanResult:
    plan: Plan
    snapshot: Snapshot
    directory: Directory
    warnings: list[str]


def new_directory(api: ApiClient, session: Session) -> Directory:
    claimed = {kind: set(ids) for kind, ids in session.claimed.items()}
    return Directory(api, session.environment.name, claimed=claimed)


def _state_ids(session: Session) -> dict[str, dict[str, str]]:
    return {kind: dict(session.state.ids(kind)) for kind in REGISTRY.names}


def remote_resource(
    kind: str, remote_id: str, document: dict[str, Any], *, adopted: bool = False
) -> RemoteResource:
    """A remote document as the planner compares it: normalised, plus an agent's hidden tags."""
    return RemoteResource(
        id=remote_id,
        body=normalise_remote(kind, document),
        adopted=adopted,
        managed_tags=REGISTRY[kind].managed_tags(document),
    )


class _EarlyPlanner:
    """Plans, while the other reads are still in flight, each resource that is surely an update or no-op:
    found through its state id, and every resource it references already found too (their ids are
    final). ``on_planned`` gets those with work to do, so sync can start writing them at once."""

    def __init__(self, session: Session, on_planned: Callable[[ResourcePlan], None]) -> None:
        self.session = session
        self.on_planned = on_planned
        self.keys = set(session.desired.keys())
        self.planned: dict[Key, tuple[ResourcePlan, RemoteResource]] = {}
        self.waiting: set[Key] = set()

    def resolved(self, key: Key, snapshot: Snapshot) -> None:
        self.waiting.add(key)
        for candidate in sorted(self.waiting):
            if self._ready(candidate, snapshot):
                self.waiting.discard(candidate)
                self._plan(candidate, snapshot)

    def _ready(self, key: Key, snapshot: Snapshot) -> bool:
        found = snapshot.found.get(key)
        if found is None or found[2]:  # missing (a create) or adopted: planned with everything else
            return False
        if key in self.session.desired.included:  # read for --only's sake; never written unless created
            return False
        for dep in self.session.desired.dependencies(key):
            if dep in self.keys:
                # Not read yet, or about to be created: id not final. Adopted: not in state until the
                # sync records it, so the write would not resolve the reference yet.
                if dep not in snapshot.found or snapshot.found[dep][2]:
                    return False
            elif dep[1] not in self.session.state.ids(dep[0]):
                return False
        return True

    def _plan(self, key: Key, snapshot: Snapshot) -> None:
        ids = _state_ids(self.session)
        for (kind, name), (remote_id, _document, _adopted) in snapshot.found.items():
            ids[kind][name] = remote_id
        remote_id, document, _adopted = snapshot.found[key]
        remote = remote_resource(key[0], remote_id, document)
        item = plan_resource(self.session.desired.normalise(key, ids), remote, self.session.state)
        self.planned[key] = (item, remote)
        if item.writes or item.refresh_state:
            self.on_planned(item)


async def compute_plan(
    api: ApiClient,
    session: Session,
    *,
    prune: bool,
    directory: Directory | None = None,
    on_planned: Callable[[ResourcePlan], None] | None = None,
) -> PlanResult:
    """Read the remote and plan. With ``on_planned`` (sync), resources whose plan cannot change any more
    are handed over while the reads go on, and the returned plan holds those same objects."""
    directory = directory or new_directory(api, session)
    keys = session.desired.keys()
    early = _EarlyPlanner(session, on_planned) if on_planned is not None else None
    if early is not None:
        # Configuration errors (an unset ${VAR}, an undeclared reference) before any write starts.
        state_ids: Ids = _state_ids(session)
        for key in keys:
            session.desired.normalise(key, state_ids)
    api_names = {key: session.desired.remote_name(key) for key in keys}
    snapshot = await fetch_snapshot(
        directory,
        keys,
        api_names,
        session.state,
        prune=prune,
        declared=session.desired.declared,
        on_resolved=early.resolved if early is not None else None,
    )
    # References resolve to ids from state, or to ids just found by adoption.
    ids = _state_ids(session)
    for (kind, name), (remote_id, _document, _adopted) in snapshot.found.items():
        ids[kind][name] = remote_id
    for kind, name in snapshot.stale:
        if (kind, name) not in snapshot.found:
            ids[kind].pop(name, None)
    planned = early.planned if early is not None else {}
    warnings: dict[Key, list[str]] = {}
    desired_items = []
    for key in keys:
        item = session.desired.normalise(key, ids)
        warnings[key] = [f"{key[0]} {key[1]}: {warning}" for warning in item.warnings]
        if key not in planned:
            desired_items.append(item)
    remote: dict[Key, RemoteResource] = {
        key: remote_resource(key[0], remote_id, document, adopted=adopted)
        for key, (remote_id, document, adopted) in snapshot.found.items()
        if key not in planned
    }
    orphans = {key: RemoteResource(id=remote_id, body={}) for key, remote_id in snapshot.orphans.items()}
    result = plan(desired_items, remote, session.state, orphans=orphans, prune=prune)
    if session.desired.included:
        _keep_included_creates(session.desired, result, snapshot)
    if planned:
        applies = [item for item in result.resources if item.action != "delete"]
        applies += [item for item, _remote in planned.values()]
        applies.sort(key=lambda item: REGISTRY.order_key((item.kind, item.name)))
        result.resources = applies + [item for item in result.resources if item.action == "delete"]
    # Not about resources --only left out (a referenced one that exists is only read).
    shown = {(item.kind, item.name) for item in result.resources}
    shown.update(session.desired.targets())
    messages = [message for key in keys if key in shown for message in warnings[key]]
    return PlanResult(plan=result, snapshot=snapshot, directory=directory, warnings=messages)


def _keep_included_creates(desired: DesiredSet, the_plan: Plan, snapshot: Snapshot) -> None:
    """``--only`` as terraform's ``-target``: a resource read only because a selected one references it
    stays in the plan when it does not exist remotely yet (reached from the selection through such
    resources); one that exists only lends its id. Updates of unselected resources are never planned."""
    needed: set[Key] = set()
    waiting = list(desired.targets())
    while waiting:
        for dep in sorted(desired.dependencies(waiting.pop())):
            if dep in desired.included and dep not in snapshot.found and dep not in needed:
                needed.add(dep)
                waiting.append(dep)
    kept = []
    for item in the_plan.resources:
        key = (item.kind, item.name)
        if key not in desired.included:
            kept.append(item)
        elif key in needed:
            item.included_because = desired.included[key]
            kept.append(item)
        elif item.remote_id is not None:
            the_plan.referenced_ids[key] = item.remote_id
    the_plan.resources = kept


def check_replacements(session: Session, names: list[str]) -> None:
    """``--replace NAME``: declared agents that nothing else references (a replace gives a new id, which a
    reference resolved earlier in the same run would miss). Checked before anything is read or written."""
    agents = session.desired.declared.get(AGENT.name, set())
    selected: list[Key] = session.desired.targets()
    for name in names:
        if name not in agents:
            known = ", ".join(sorted(agents)) or "none"
            raise UsageError(
                f"--replace {name}: no agent of that name in agents.json (agents: {known})",
                hint="--replace takes an agent's local name; tools and tests are always written whole",
            )
        if AGENT.key(name) not in selected:
            raise UsageError(f"--replace {name}: the agent is not selected", hint=f"add --only {name}")
        users = [
            f"{kind} {other}"
            for kind, other in selected
            if AGENT.key(name) in session.desired.dependencies((kind, other))
        ]
        if users:
            raise ConfigError(
                f"--replace {name}: {', '.join(users)} reference{'s' if len(users) == 1 else ''} "
                f"@agent:{name}, whose id a replace changes",
                hint="remove the reference, replace and sync, then add it back (it then gets the new id)",
            )


def apply_replacements(the_plan: Plan, names: list[str], *, force: bool) -> None:
    """Turn the named agents' plans into replaces; drifted fields would be lost, so they need --force."""
    wanted = set(names)
    for item in the_plan.resources:
        if item.kind != AGENT.name or item.name not in wanted:
            continue
        if item.drifted and not force:
            raise UsageError(
                f"--replace {item.name}: {len(item.drifted)} field(s) changed remotely since the last sync, "
                "which the new agent would not have",
                hint=f"replace anyway with 'agents sync --replace {item.name} --force', or run 'agents pull' "
                "to take the remote values first",
            )
        mark_replaced(item)
