"""The branches a branch environment's sync cuts: of branched kinds, not deleted, without a branch yet."""

from __future__ import annotations

from agents_cli.engine.branch_cuts import branch_cuts
from agents_cli.engine.plan import BranchCut, Plan, ResourcePlan
from agents_cli.remote.branches import BranchFinder
from agents_cli.remote.client import ApiClient


def _finder(ids: dict[str, str | None]) -> BranchFinder:
    return BranchFinder(ApiClient("http://127.0.0.1:9", "unused"), "dev", dict(ids))  # never called


def test_agents_without_the_branch_and_new_agents_get_one_cut() -> None:
    plan = Plan(
        "dev",
        resources=(
            ResourcePlan("agent", "cut", "no-op", remote_id="agent_1"),
            ResourcePlan("agent", "has-one", "update", remote_id="agent_2"),
            ResourcePlan("agent", "new", "create"),
            ResourcePlan("agent", "gone", "delete", remote_id="agent_3"),
            ResourcePlan("tool", "lookup", "create"),
        ),
    )
    finder = _finder({"agent_1": None, "agent_2": "agtbranch_2"})
    assert branch_cuts(plan, finder) == (BranchCut("agent", "cut", "dev"), BranchCut("agent", "new", "dev"))
    assert branch_cuts(plan, None) == ()
    assert Plan("dev", branch_cuts=(BranchCut("agent", "cut", "dev"),)).has_changes
