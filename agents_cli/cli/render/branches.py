"""How ``agents history``, ``agents promote`` and ``agents rebase`` read.

History, oldest first (``*`` the version the branch is at, ``synced`` the one the last sync recorded)::

    agent support-bot in prod (branch agtbranch_…)
      agtvrsn_…  2026-12-02 15:04:05  support bot (1a2b3c4)
    * agtvrsn_…  2026-12-02 15:06:10  terser prompt (5d6e7f8)  [synced]

A promotion reads like a plan, one block per agent, conflicts field by field::

    ~ agent support-bot (promote dev → prod, id agent_…)
        conversation_config.agent.prompt.prompt: "Be helpful." → "Be terse."
        conflicts (both branches changed since dev was cut):
          conversation_config.agent.first_message: base: "Hi", dev: "Hello", prod: "Hey"

A rebase reads the same way: ``~ agent support-bot (rebase dev onto main, id agent_…)``, main's changes
as the branch would take them, conflicts as ``base``, ``main`` and the branch's values.
"""

from __future__ import annotations

from datetime import UTC, datetime

from agents_cli.cli.render.base import Renderer
from agents_cli.cli.render.plan import change_lines, format_value
from agents_cli.commands.history import History
from agents_cli.commands.promote import PromotionPlan
from agents_cli.commands.rebase import RebasePlan
from agents_cli.context import AppContext
from agents_cli.engine.promote import Promotion


def _when(seconds: object) -> str:
    if not isinstance(seconds, int | float):
        return "?"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _history_text(app: AppContext, result: History) -> None:
    out = app.out
    out.line(f"agent {result.agent} in {result.environment} (branch {result.branch_id})")
    for version in result.versions:
        mark = "*" if version["id"] == result.current else " "
        synced = "  [synced]" if version["id"] == result.synced else ""
        out.line(f"{mark} {version['id']}  {_when(version['time'])}  {version['description']}{synced}")
    if not result.versions:
        out.line("  (no versions)")


def _changes_and_conflicts(app: AppContext, item: Promotion, heading: str, source: str, target: str) -> None:
    """One merge's body (promote's or rebase's): the field changes, then each conflict's three values."""
    for change in item.changes:
        for line in change_lines(change):
            app.out.line(f"    {line}")
    if item.conflicts:
        app.out.line(f"    {heading}")
        for conflict in item.conflicts:
            app.out.line(
                f"      {conflict.path}: base: {format_value(conflict.base)}, {source}: "
                f"{format_value(conflict.source)}, {target}: {format_value(conflict.target)}"
            )


def _promotion_text(app: AppContext, plan: PromotionPlan) -> None:
    out = app.out
    for item in plan.promotions:
        if not item.changes and not item.conflicts:
            out.line(f"  agent {item.name}: {plan.target} already has what {plan.source} has")
            continue
        verb = "promoted" if plan.merged else "promote"
        version = f", version {item.merged_version}" if item.merged_version else ""
        out.line(f"~ agent {item.name} ({verb} {plan.source} → {plan.target}, id {item.agent_id}{version})")
        heading = f"conflicts (both branches changed since {plan.source} was cut):"
        _changes_and_conflicts(app, item, heading, plan.source, plan.target)
    moving = sum(1 for item in plan.promotions if item.changes)
    if plan.merged:
        out.line(f"\nPromoted {moving} agent(s) from {plan.source} to {plan.target}.")
    elif moving == 0:
        out.line(f"\nNothing to promote: {plan.target} already has what {plan.source} has.")
    else:
        out.line(f"\nPromote: {moving} agent(s) from {plan.source} to {plan.target}.")


def _rebase_text(app: AppContext, plan: RebasePlan) -> None:
    out, branch = app.out, plan.environment
    for item in plan.rebases:
        if not item.changes and not item.conflicts:
            out.line(f"  agent {item.name}: {branch} already has what main has")
            continue
        verb = "rebased" if plan.rebased else "rebase"
        version = f", version {item.merged_version}" if item.merged_version else ""
        out.line(f"~ agent {item.name} ({verb} {branch} onto main, id {item.agent_id}{version})")
        fate = "--force: main's values win" if plan.forced else "refused without --force"
        heading = f"conflicts (main and {branch} both changed since the branch was cut; {fate}):"
        _changes_and_conflicts(app, item, heading, "main", branch)
    moving = sum(1 for item in plan.rebases if item.changes)
    if plan.rebased:
        out.line(f"\nRebased {moving} agent(s) of {branch} onto main.")
    elif moving == 0:
        out.line(f"\nNothing to rebase: {branch} already has what main has.")
    else:
        out.line(f"\nRebase: {moving} agent(s) of {branch} onto main.")


HISTORY = Renderer[History](_history_text, lambda result: result.as_dict())
PROMOTION = Renderer[PromotionPlan](_promotion_text, lambda plan: plan.as_dict())
REBASE = Renderer[RebasePlan](_rebase_text, lambda plan: plan.as_dict())
