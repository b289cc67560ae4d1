"""The branches a branch environment's sync cuts: pure, from the plan and what the reads found.

A branch environment reads its branch of each agent (``BranchFinder``: state's branch id, else found by
name); an agent with no such branch yet (or created by this sync) gets one cut from main's current
version. The plan announces each as a change, a saved plan carries them, and apply cuts exactly those.
"""

from __future__ import annotations

from agents_cli.engine.plan import BranchCut, Plan
from agents_cli.kinds import REGISTRY
from agents_cli.remote.branches import BranchFinder


def branch_cuts(plan: Plan, finder: BranchFinder | None) -> tuple[BranchCut, ...]:
    """``finder``: the environment's (None: not a branch environment, nothing is cut)."""
    if finder is None:
        return ()
    return tuple(
        BranchCut(item.kind, item.name, finder.branch)
        for item in plan.resources
        if REGISTRY[item.kind].branched
        and item.action != "delete"
        and (item.remote_id is None or finder.ids.get(item.remote_id) is None)
    )
