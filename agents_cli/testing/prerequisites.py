"""Sync only what a test run needs, through the same workspace plan and apply as ``agents sync``: the
selected tests and what they reference.

Create or update only when the normalised config changed, ids recorded per environment in state, drifted
fields kept. With ``--against local`` what the local agent config references (tools…) is synced too (the
override names them by id); agents themselves are synced only with ``--sync-agents`` (``--against
deployed``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from agents_cli.engine.outcome import Outcome
from agents_cli.engine.plan import PlanOptions
from agents_cli.kinds import AGENT, TEST
from agents_cli.testing.errors import PrerequisiteFailed
from agents_cli.testing.selection import Selection

if TYPE_CHECKING:
    from agents_cli.engine.desired import DesiredSet, Key
    from agents_cli.engine.workspace import Workspace
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


async def sync_prerequisites(
    api: ApiClient, workspace: Workspace, keys: list[Key], on_outcome: Callable[[Outcome], None]
) -> None:
    """Plan and apply ``keys`` like ``agents sync --only`` would, with nothing else; raise on the first
    failure (tests must not run half-synced)."""
    if not keys:
        return
    with workspace.locked():
        computed = await workspace.plan(api, PlanOptions(), keys=keys)
        result = await workspace.apply(api, computed.plan, on_outcome)
    if result.failures:
        first = result.failures[0]
        more = len(result.failures) - 1
        env = workspace.environment.name
        raise PrerequisiteFailed(first.kind, first.name, first.message or "", first.hint, more, env)
