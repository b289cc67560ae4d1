"""Sync only what a test run needs, with the sync engine: the selected tests and what they reference.

Same semantics as ``agents sync`` restricted to those resources: create or update only when the normalised
config changed, ids recorded per environment in state, drift refused. With ``--against local`` the tools the
local agent config references are synced too (the override names them by id); agents themselves are synced
only with ``--sync-agents`` (``--against deployed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents_cli.engine.apply import Outcome, SyncEngine
from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.planner import RemoteResource, plan
from agents_cli.errors import AgentsError
from agents_cli.kinds import AGENT, REGISTRY, TEST
from agents_cli.project.state import load_other_states, load_state, state_lock
from agents_cli.remote.directory import Directory, claimed_ids, fetch_snapshot
from agents_cli.testing.selection import Selection

if TYPE_CHECKING:
    from agents_cli.cli.output import Output
    from agents_cli.engine.desired import DesiredSet, Key
    from agents_cli.project.manifest import Project
    from agents_cli.remote.client import ApiClient


def needed_resources(
    desired: DesiredSet, selection: Selection, *, against: str, sync_agents: bool
) -> list[Key]:
    """The selected tests plus everything they reference, transitively; agents only when asked."""
    wanted: list[Key] = [TEST.key(name) for name in selection.test_names]
    for agent in selection.agents:
        if sync_agents:
            wanted.append(AGENT.key(agent.name))
        elif against == "local":
            # The override is resolved against this environment: what it references must exist there.
            wanted += [dep for dep in desired.dependencies(AGENT.key(agent.name)) if dep[0] != AGENT.name]
    needed: dict[Key, None] = {}
    while wanted:
        key = wanted.pop()
        if key in needed or key not in desired.configs:
            continue
        needed[key] = None
        wanted += [dep for dep in desired.dependencies(key) if sync_agents or dep[0] != AGENT.name]
    return desired_order(desired, needed)


def desired_order(desired: DesiredSet, keys: dict[Key, None]) -> list[Key]:
    ordered: list[Key] = desired.keys()  # DesiredSet.keys() is its dependency order, not a dict view
    return [key for key in ordered if key in keys]


def _describe(outcome: Outcome) -> str:
    where = f" ({outcome.remote_id})" if outcome.remote_id else ""
    return f"{outcome.action} {outcome.kind} {outcome.name}{where}"


async def sync_prerequisites(
    api: ApiClient,
    project: Project,
    desired: DesiredSet,
    selection: Selection,
    *,
    against: str,
    sync_agents: bool,
    out: Output,
) -> None:
    """Plan and apply the needed resources; raise on the first failure (tests must not run half-synced)."""
    keys = needed_resources(desired, selection, against=against, sync_agents=sync_agents)
    if not keys:
        return
    env = desired.environment
    with state_lock(project.root, env):
        state = load_state(project.root, env)
        directory = Directory(api, env, claimed=claimed_ids(load_other_states(project.root, env)))
        api_names = {key: desired.remote_name(key) for key in keys}
        snapshot = await fetch_snapshot(
            directory, keys, api_names, state, prune=False, declared=desired.declared
        )
        ids = {kind: state.ids(kind) for kind in REGISTRY.names}
        for (kind, name), (remote_id, _document, _adopted) in snapshot.found.items():
            ids[kind][name] = remote_id
        for kind, name in snapshot.stale - set(snapshot.found):
            ids[kind].pop(name, None)  # recorded but deleted remotely: recreated below
        remote = {
            key: RemoteResource(remote_id, normalise_remote(key[0], document), adopted)
            for key, (remote_id, document, adopted) in snapshot.found.items()
        }
        the_plan = plan([desired.normalise(key, ids) for key in keys], remote, state)

        def report(outcome: Outcome) -> None:
            if outcome.action not in ("recorded",):
                out.info(f"sync: {_describe(outcome)}")

        engine = SyncEngine(api=api, directory=directory, desired=desired, state=state, root=project.root)
        engine.on_outcome = report
        result = await engine.run(the_plan, drop_from_state=snapshot.stale)
    if result.failures:
        first = result.failures[0]
        more = f" (and {len(result.failures) - 1} more)" if len(result.failures) > 1 else ""
        raise AgentsError(
            f"could not sync {first.kind} {first.name!r} before testing: {first.message}{more}",
            hint=first.hint or f"fix it, or inspect with 'agents plan --env {env}'",
        )
