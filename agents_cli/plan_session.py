"""The shared path of ``agents plan`` and ``agents sync``: load the project, its desired configs and state,
read the remote, and compute the plan. No terminal code: commands render what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agents_cli.api import ApiClient
from agents_cli.desired import DesiredSet, Key, load_desired
from agents_cli.normalise import normalise_remote
from agents_cli.planner import Plan, RemoteResource, plan
from agents_cli.project import Environment, Project, load_project
from agents_cli.remote import Directory, Snapshot, claimed_ids, fetch_snapshot
from agents_cli.state import State, load_other_states, load_state


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
            for kind in ("tool", "test", "agent")
            for name in sorted(self.state.ids(kind))
            if name not in self.desired.declared.get(kind, set())
        ]

    def reload_state(self) -> None:
        """Read state again (after taking the lock, another sync may have just written it)."""
        self.state = load_state(self.root, self.environment.name)


def open_session(cwd: Path, env: str | None, only: list[str] | None) -> Session:
    project = load_project(cwd)
    environment = project.environment(env)
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


async def compute_plan(api: ApiClient, session: Session, *, prune: bool) -> PlanResult:
    directory = Directory(
        api, session.environment.name, claimed={k: set(v) for k, v in session.claimed.items()}
    )
    keys = session.desired.keys()
    api_names = {key: session.desired.remote_name(key) for key in keys}
    snapshot = await fetch_snapshot(
        directory, keys, api_names, session.state, prune=prune, declared=session.desired.declared
    )
    # References resolve to ids from state, or to ids just found by adoption.
    ids = {kind: dict(session.state.ids(kind)) for kind in ("tool", "test", "agent")}
    for (kind, name), (remote_id, _document, _adopted) in snapshot.found.items():
        ids[kind][name] = remote_id
    for kind, name in snapshot.stale:
        if (kind, name) not in snapshot.found:
            ids[kind].pop(name, None)
    warnings: list[str] = []
    desired_items = []
    for key in keys:
        item = session.desired.normalise(key, ids)
        warnings.extend(f"{key[0]} {key[1]}: {warning}" for warning in item.warnings)
        desired_items.append(item)
    remote: dict[Key, RemoteResource] = {
        key: RemoteResource(id=remote_id, body=normalise_remote(key[0], document), adopted=adopted)
        for key, (remote_id, document, adopted) in snapshot.found.items()
    }
    orphans = {key: RemoteResource(id=remote_id, body={}) for key, remote_id in snapshot.orphans.items()}
    result = plan(desired_items, remote, session.state, orphans=orphans, prune=prune)
    return PlanResult(plan=result, snapshot=snapshot, directory=directory, warnings=warnings)
