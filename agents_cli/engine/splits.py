"""Traffic splits (``deployments`` of an environment): agent → branch name → percentage.

``plan_splits`` is pure: the desired splits against the live ones (``None``: the agent does not exist
yet), a change per agent whose split differs. ``read_live`` and ``deploy`` are the reads and the write:
the live split from the agent's branches (``current_live_percentage``), a deployment posted with branch
names resolved to ids (``main``: the agent's main branch).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from agents_cli.engine.errors import UnknownBranch
from agents_cli.engine.plan import Split, SplitChange
from agents_cli.kinds import AGENT
from agents_cli.remote import branches
from agents_cli.remote.client import ApiClient

ROUNDING = 0.01  # percentages closer than this are the same split


def same_split(first: Split, second: Split) -> bool:
    names = {name for name, share in (*first.items(), *second.items()) if share > 0}
    return all(abs(first.get(name, 0.0) - second.get(name, 0.0)) < ROUNDING for name in names)


def plan_splits(desired: Mapping[str, Split], live: Mapping[str, Split | None]) -> tuple[SplitChange, ...]:
    """The agents whose live split is not the desired one, by name."""
    changes = []
    for agent in sorted(desired):
        now = live.get(agent)
        if now is None or not same_split(now, desired[agent]):
            changes.append(SplitChange(agent, dict(now or {}), dict(desired[agent])))
    return tuple(changes)


async def _branches(api: ApiClient, agent_id: str) -> tuple[list[dict[str, Any]], str | None]:
    main = await api.get(AGENT.routes.item(agent_id))
    main_id = main.get("main_branch_id") if isinstance(main, dict) else None
    listed = await branches.list_branches(api, AGENT, agent_id)
    return listed, main_id if isinstance(main_id, str) else None


async def read_live(api: ApiClient, agent_id: str) -> dict[str, float]:
    """The agent's live split by branch name."""
    listed, main_id = await _branches(api, agent_id)
    return branches.live_split(listed, main_id)


async def deploy(api: ApiClient, name: str, agent_id: str, split: Split) -> dict[str, Any]:
    """Post ``split`` (branch names → percentages) as the agent's deployment; the answer's map."""
    listed, main_id = await _branches(api, agent_id)
    ids = {label: branch_id for branch_id, label in branches.branch_names(listed, main_id).items()}
    unknown = sorted(set(split) - set(ids))
    if unknown:
        raise UnknownBranch(name, unknown[0], sorted(ids))
    requests = [
        {"branch_id": ids[label], "deployment_strategy": {"type": "percentage", "traffic_percentage": share}}
        for label, share in sorted(split.items())
    ]
    # Branches serving traffic now but not named get none.
    requests += [
        {"branch_id": item["id"], "deployment_strategy": {"type": "percentage", "traffic_percentage": 0}}
        for item in listed
        if item["id"] not in {ids[label] for label in split}
        and (item.get("current_live_percentage") or 0) > 0
    ]
    body = {"deployment_request": {"requests": requests}}
    answer = await api.post(f"{AGENT.routes.item(agent_id)}/deployments", body)
    return answer if isinstance(answer, dict) else {}


async def planned_splits(
    api: ApiClient, desired: Mapping[str, Split], keys: list[tuple[str, str]], ids: Mapping[str, str]
) -> tuple[SplitChange, ...]:
    """The traffic splits of the planned agents (``keys``) whose live split differs, read concurrently;
    ``ids``: the agents' remote ids (one not there is created by the sync)."""
    wanted = {name: split for name, split in desired.items() if AGENT.key(name) in keys}

    async def live(name: str) -> Split | None:
        return await read_live(api, ids[name]) if name in ids else None

    found = await asyncio.gather(*(live(name) for name in wanted))
    return plan_splits(wanted, dict(zip(wanted, found, strict=True)))
