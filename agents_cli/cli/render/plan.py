"""A plan (and a sync's outcome) for people and for machines. No IO except through ``Output``.

Human form, one block per resource that changes::

    + tool lookup-order (create)
        tool_config.name: "lookup-order"
    ~ agent support-bot (update, id agent_123)
        conversation_config.agent.prompt.temperature: 0.3 → 0.1
    ! agent faq-bot (drift: changed remotely since the last sync, id agent_456)
        conversation_config.agent.first_message: "Hi" → "Hello"
        drifted (changed remotely since the last sync; kept unless --force):
          conversation_config.agent.prompt.llm: remote: "gpt-4o", local: "gemini-2.5-flash"
    - tool old-tool (delete, id tool_789)

    Plan: 1 to create, 1 to update, 1 to delete. 1 drifted (1 field changed remotely; …).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from typing import Any

from agents_cli.cli.output import Output
from agents_cli.cli.render.base import Renderer, split_text
from agents_cli.commands.plan import PlanReport
from agents_cli.context import AppContext
from agents_cli.engine.plan import BranchCut, FieldChange, Plan, ResourcePlan

CANNOT_APPLY_NOTE = (
    "the API's agent PATCH merges maps (a key left out means 'unchanged'), so sync cannot remove the "
    "keys marked ✗; it applies the rest and exits 1"
)
UNAPPLIED_HINT = (
    "delete them in the ElevenLabs dashboard (the next sync records that), put them back in the config, "
    "or 'agents sync --replace NAME' (the agent is created again: a new id)"
)
LONG_STRING = 80
MAX_INLINE = 160
SYMBOLS = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "drift": ("!", "magenta"),
    "delete": ("-", "red"),
    "replace": ("±", "red"),
}


def format_value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    if len(text) > MAX_INLINE:
        text = text[: MAX_INLINE - 1] + "…"
    return text


def _is_long_string(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > LONG_STRING or "\n" in value)


def heredoc_lines(path: str, text: str) -> list[str]:
    """A multi-line string in full, as terraform shows one: ``path: <<EOT``, the lines indented, ``EOT``."""
    body = [f"    {line}" if line else "" for line in text.splitlines()]
    return [f"{path}: <<EOT", *body, "EOT"]


def change_lines(change: FieldChange, *, drift: bool = False, full: bool = False) -> list[str]:
    """The lines for one field: a new value in full (multi-line strings as an indented block), long
    strings on both sides as a unified line diff. ``full``: nothing cut short (creates)."""
    if change.note:
        return [f"{change.path}: ({change.note})"]
    if change.change == "added" and not drift:
        if isinstance(change.after, str) and "\n" in change.after.rstrip("\n"):
            return heredoc_lines(change.path, change.after)
        if full or isinstance(change.after, str):  # a reviewer must see all of a new value
            return [f"{change.path}: {json.dumps(change.after, ensure_ascii=False)}"]
        return [f"{change.path}: {format_value(change.after)}"]
    if change.change == "removed" and not drift:
        removed = "(removed — sync cannot remove this key ✗)" if change.cannot_apply else "(removed)"
        return [f"{change.path}: {format_value(change.before)} → {removed}"]
    both_strings = isinstance(change.before, str) and isinstance(change.after, str)
    if both_strings and (_is_long_string(change.before) or _is_long_string(change.after)):
        diff = difflib.unified_diff(
            str(change.before).splitlines(),
            str(change.after).splitlines(),
            fromfile="remote",
            tofile="local",
            lineterm="",
            n=2,
        )
        return [f"{change.path}:", *(f"  {line}" for line in diff)]
    if drift:
        remote = "(absent)" if change.change == "added" else format_value(change.before)
        local = "(absent)" if change.change == "removed" else format_value(change.after)
        suffix = "  (conflict: changed locally too)" if change.conflict else ""
        if change.cannot_apply:
            suffix += "  (✗ not even --force can remove it)"
        return [f"{change.path}: remote: {remote}, local: {local}{suffix}"]
    return [f"{change.path}: {format_value(change.before)} → {format_value(change.after)}"]


def reference_names(plan: Plan) -> dict[str, str]:
    """Remote id → ``@kind:name`` for every resource of the plan: people read references, as the configs
    write them (``--json`` keeps the ids the API sees)."""
    return {item.remote_id: f"@{item.kind}:{item.name}" for item in plan.resources if item.remote_id}


def with_references(change: FieldChange, names: dict[str, str]) -> FieldChange:
    """The change with every id of a resource of the plan shown as its reference, in values and path."""
    if not names:
        return change
    from agents_cli.keypath import map_strings

    def named(value: Any) -> Any:
        return map_strings(value, lambda _path, text: names.get(text, text))

    path = change.path
    for remote_id, reference in names.items():
        if remote_id in path:
            path = path.replace(remote_id, reference)
    return dataclasses.replace(change, path=path, before=named(change.before), after=named(change.after))


def _header(item: ResourcePlan) -> str:
    details = []
    if item.action == "drift":
        details.append("drift: changed remotely since the last sync")
    elif item.action == "replace":
        details.append(f"replace: a new {item.kind} from the config, then {item.remote_id} deleted")
        return f"{item.kind} {item.name} ({', '.join(details)})"
    else:
        details.append(item.action)
    if item.included_because:
        details.append(f"included because {item.included_because} references it")
    if item.adopted:
        details.append("adopted by name")
    if item.remote_id:
        details.append(f"id {item.remote_id}")
    return f"{item.kind} {item.name} ({', '.join(details)})"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def plan_summary(plan: Plan) -> str:
    """``Plan: 1 to create, 2 to update, 0 to delete.``, then replacements, drift and what cannot apply."""
    create, update, delete = plan.count("create"), plan.updates, plan.count("delete")
    text = f"Plan: {create} to create, {update} to update, {delete} to delete."
    replace = plan.count("replace")
    if replace:
        text = text[:-1] + f", {replace} to replace (new id{'s' if replace != 1 else ''})."
    drift = plan.count("drift")
    if drift:
        fate = "--force overwrites them" if plan.force else "sync keeps them without --force"
        text += f" {drift} drifted ({plural(plan.drifted_fields, 'field')} changed remotely; {fate})."
    blocked = plan.cannot_apply_fields
    if blocked:
        text += f" {plural(blocked, 'field')} sync cannot apply (✗)."
    if plan.splits:
        text += f" {plural(len(plan.splits), 'traffic split')} to deploy."
    if plan.branch_cuts:
        cuts = len(plan.branch_cuts)
        text += f" {cuts} branch{'es' if cuts != 1 else ''} to cut."
    return text


def branch_cut_line(cut: BranchCut) -> str:
    return f"+ branch {cut.branch} of {cut.kind} {cut.name} (cut from main's current version)"


def render_plan(out: Output, plan: Plan) -> None:
    """Every resource with something to do, then the summary line (all on stdout)."""
    shown = [item for item in plan.resources if item.action != "no-op"]
    if not shown and not plan.splits and not plan.branch_cuts:
        out.line(f"No changes. Environment {plan.environment!r} matches the configuration.")
    for cut in plan.branch_cuts:
        out.line(branch_cut_line(cut), style="green")
        out.line()
    for split in plan.splits:
        out.line(f"~ traffic of agent {split.agent}: {split_text(split.before)} → {split_text(split.after)}")
        out.line()
    names = reference_names(plan)
    for item in shown:
        symbol, style = SYMBOLS[item.action]
        out.line(f"{symbol} {_header(item)}", style=style)
        for change in item.changes:
            for line in change_lines(with_references(change, names), full=item.action == "create"):
                out.line(f"    {line}")
        if item.drifted:
            fate = "--force overwrites them with the local values" if plan.force else "kept unless --force"
            out.line(f"    drifted (changed remotely since the last sync; {fate}):")
            for change in item.drifted:
                for line in change_lines(with_references(change, names), drift=True):
                    out.line(f"      {line}")
        if item.pending:
            out.line(f"    (known after apply: {', '.join(item.pending)})")
        if item.cannot_apply:
            out.line(f"    ✗ {CANNOT_APPLY_NOTE}", style="red")
            out.line(f"      hint: {UNAPPLIED_HINT}")
        if item.version_id:
            out.line(f"    (remote at version {item.version_id})", style="dim")
        out.line()
    out.line(plan_summary(plan), style="bold")


def _plan_text(app: AppContext, report: PlanReport) -> None:
    render_plan(app.out, report.plan)
    if report.dry_run:
        app.out.info("dry run: nothing was written")


PLAN = Renderer[PlanReport](
    _plan_text,
    lambda report: report.plan.as_dict(),
)
