"""Plans as GitHub-flavoured markdown, for a pull-request comment or a job summary (test runs: the same
helpers, in ``cli/render/tests.py``).

A plan reads as a summary table (resource, action, fields changed, drift), then one collapsible
``<details>`` per resource with its field changes in a ``diff`` block (long strings such as prompts as a
unified diff), then warnings: drift kept without ``--force`` and changes the API cannot apply. Values come
from the plan, where every value from a ``${VAR}`` placeholder is already ``(sensitive)``; nothing here
reads a config or the environment. Text from configs is escaped where markdown would interpret it.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable

import agents_cli.cli.render.plan as plan_results
from agents_cli.cli.render.base import split_text
from agents_cli.cli.render.plan import (
    CANNOT_APPLY_NOTE,
    UNAPPLIED_HINT,
    branch_cut_line,
    change_lines,
    plan_summary,
    plural,
    reference_names,
    with_references,
)
from agents_cli.commands.plan import PlanReport
from agents_cli.engine.plan import Plan, ResourcePlan

ACTION_LABELS = {
    "create": "➕ create",
    "update": "✏️ update",
    "drift": "⚠️ drift",
    "delete": "🗑️ delete",
    "replace": "♻️ replace",
}


def cell(text: str) -> str:
    """A table cell: pipes and newlines would break the row; HTML is shown as text."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def fenced(lines: Iterable[str], language: str = "diff") -> list[str]:
    """A code block whose fence is longer than any run of backticks inside it."""
    body = list(lines)
    longest = max((len(run) for line in body for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 3)
    return [f"{fence}{language}", *body, fence]


def _diff_lines(item: ResourcePlan, *, force: bool, names: dict[str, str]) -> list[str]:
    """The resource's changes as diff lines: ``+`` local values, ``-`` removed, ``!`` drift; ids of the
    plan's resources as references."""
    lines: list[str] = []
    marker = {"create": "+", "delete": "-"}.get(item.action, "~")
    for change in item.changes:
        shown = change_lines(with_references(change, names), full=item.action == "create")
        if len(shown) > 1 and shown[1].lstrip().startswith("---"):
            lines.append(f"~ {shown[0]}")
            lines.extend(line.removeprefix("  ") for line in shown[1:])
            continue
        lines.extend(f"{marker} {line}" for line in shown)
    if item.drifted:
        fate = "--force overwrites them" if force else "kept unless --force"
        lines.append(f"! drifted (changed remotely since the last sync; {fate}):")
        for change in item.drifted:
            lines.extend(f"!   {line}" for line in change_lines(with_references(change, names), drift=True))
    if item.pending:
        lines.append(f"  (known after apply: {', '.join(item.pending)})")
    return lines


def _summary_row(item: ResourcePlan, names: dict[str, str]) -> str:
    fields = ", ".join(f"`{with_references(c, names).path}`" for c in item.changes) or "—"
    if item.action == "create":
        fields = plural(len(item.changes), "field")
    drift = ", ".join(f"`{with_references(c, names).path}`" for c in item.drifted) or "—"
    resource = f"{item.kind} `{cell(item.name)}`"
    return f"| {resource} | {ACTION_LABELS[item.action]} | {cell(fields)} | {cell(drift)} |"


def _details(item: ResourcePlan, *, force: bool, names: dict[str, str]) -> list[str]:
    where = f" ({item.remote_id})" if item.remote_id else ""
    summary = f"{html.escape(item.kind)} <code>{html.escape(item.name)}</code>: {item.action}{where}"
    body = _diff_lines(item, force=force, names=names) or ["(no field changes)"]
    return ["<details>", f"<summary>{summary}</summary>", "", *fenced(body), "", "</details>", ""]


def _warnings(plan: Plan) -> list[str]:
    lines: list[str] = []
    drifted = [item for item in plan.resources if item.drifted]
    if drifted:
        names = ", ".join(f"{item.kind} `{item.name}`" for item in drifted)
        fate = "`--force` overwrites them" if plan.force else "sync keeps the remote values unless `--force`"
        lines.append(
            f"> [!WARNING]\n> Changed remotely since the last sync: {names} "
            f"({plural(plan.drifted_fields, 'field')}); {fate}. To take them into the configs: "
            f"`agents pull --env {plan.environment} --update`."
        )
    blocked = [item for item in plan.resources if item.cannot_apply]
    if blocked:
        names = ", ".join(f"{item.kind} `{item.name}`" for item in blocked)
        lines.append(f"> [!CAUTION]\n> Sync cannot apply every change of {names}: {CANNOT_APPLY_NOTE}.")
        lines.append(f"> {UNAPPLIED_HINT}.")
    return [text + "\n" for text in lines]


def plan_markdown(plan: Plan) -> str:
    """The whole plan as one markdown document (ends with a newline)."""
    shown = [item for item in plan.resources if item.action != "no-op"]
    lines = [f"### agents plan: `{plan.environment}`", ""]
    if not shown and not plan.branch_cuts and not plan.splits:
        lines += [f"No changes. Environment `{plan.environment}` matches the configuration.", ""]
        return "\n".join(lines)
    names = reference_names(plan)
    if shown:
        lines += ["| resource | action | fields changed | drift |", "| --- | --- | --- | --- |"]
        lines += [_summary_row(item, names) for item in shown]
        lines += [""]
    if plan.branch_cuts or plan.splits:
        traffic = [
            f"~ traffic of agent {c.agent}: {split_text(c.before)} → {split_text(c.after)}"
            for c in plan.splits
        ]
        lines += fenced([branch_cut_line(cut) for cut in plan.branch_cuts] + traffic)
        lines += [""]
    lines += [f"**{plan_summary(plan)}**", ""]
    for item in shown:
        lines += _details(item, force=plan.force, names=names)
    lines += _warnings(plan)
    return "\n".join(lines).rstrip("\n") + "\n"


def plan_report_markdown(report: PlanReport) -> str:
    return plan_markdown(report.plan)


# The plan's renderer with its markdown form (defined here: the plan renderer must not import this module).
PLAN = dataclasses.replace(plan_results.PLAN, markdown=plan_report_markdown)
