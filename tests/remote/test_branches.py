"""Reading branches as configs name them: ``main`` for the agent's main branch, live splits by name, and a
branch environment's branch found by name (created from main's version on the first write)."""

from __future__ import annotations

import asyncio

import httpx

from agents_cli.kinds import AGENT
from agents_cli.remote.branches import BranchFinder, branch_names, live_split, rebase, rebase_preview
from agents_cli.remote.client import ApiClient
from tests.support.emulator import ServedEmulator, create_agent

SUMMARIES = [
    {"id": "agtbranch_main", "name": "Main", "current_live_percentage": 90},
    {"id": "agtbranch_dev", "name": "dev", "current_live_percentage": 10},
    {"id": "agtbranch_old", "name": "old", "current_live_percentage": 0},
]


def test_branches_are_named_as_configs_name_them_and_live_splits_by_those_names() -> None:
    assert branch_names(SUMMARIES, "agtbranch_main") == {
        "agtbranch_main": "main",
        "agtbranch_dev": "dev",
        "agtbranch_old": "old",
    }
    assert live_split(SUMMARIES, "agtbranch_main") == {"main": 90.0, "dev": 10.0}


def test_the_finder_cuts_the_branch_once_and_then_finds_it(served_emulator: ServedEmulator) -> None:
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as client:
        agent_id = create_agent(client)

    async def run() -> tuple[str | None, str, str | None]:
        async with ApiClient(served_emulator.url, served_emulator.api_key) as api:
            finder = BranchFinder(api, "dev")
            before = await finder.find(AGENT, agent_id)
            made = await finder.ensure(AGENT, agent_id, "cut for dev")
            again = await BranchFinder(api, "dev").find(AGENT, agent_id)
            return before, made, again

    before, made, again = asyncio.run(run())
    assert before is None and made.startswith("agtbranch_") and again == made


def test_a_rebase_preview_and_rebase_bring_mains_change_into_the_branch(
    served_emulator: ServedEmulator,
) -> None:
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as client:
        agent_id = create_agent(client)

    async def run() -> tuple[dict[str, object], dict[str, object]]:
        async with ApiClient(served_emulator.url, served_emulator.api_key) as api:
            branch = await BranchFinder(api, "dev").ensure(AGENT, agent_id, "cut for dev")
            await api.patch(AGENT.routes.item(agent_id), {"name": "Renamed on main"})
            preview = await rebase_preview(api, AGENT, agent_id, branch)
            await rebase(api, AGENT, agent_id, branch)
            after = await api.get(AGENT.routes.item(agent_id), params={"branch_id": branch})
            return preview, after

    preview, after = asyncio.run(run())
    assert preview["name"] == "Renamed on main" and preview["conflicts"] == []
    assert after["name"] == "Renamed on main"
