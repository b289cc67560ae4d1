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

import difflib
import json
from typing import Any

from agents_cli.cli.output import Output
from agents_cli.cli.render.base import Renderer
from agents_cli.commands.plan import PlanReport
from agents_cli.commands.sync import SyncReport
from agents_cli.engine.outcome import KEPT_HINT, UNAPPLIED_HINT, SyncResult, kept_message
from agents_cli.engine.plan import FieldChange, Plan, ResourcePlan

CANNOT_APPLY_NOTE = (
    "the API's agent PATCH merges maps (a key left out means 'unchanged'), so sync cannot remove the "
    "keys marked ✗; it applies the rest and exits 1"
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


def _header(item: ResourcePlan) -> str:
    details = []
    if item.action == "drift":
        details.append("drift: changed remotely since the last sync")
    elif item.action == "replace":
        details.append(f"replace: a new agent from the config, then {item.remote_id} deleted")
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


def render_plan(out: Output, plan: Plan) -> None:
    """Every resource with something to do, then the summary line (all on stdout)."""
    shown = [item for item in plan.resources if item.action != "no-op"]
    if not shown:
        out.line(f"No changes. Environment {plan.environment!r} matches the configuration.")
    for item in shown:
        symbol, style = SYMBOLS[item.action]
        out.line(f"{symbol} {_header(item)}", style=style)
        for change in item.changes:
            for line in change_lines(change, full=item.action == "create"):
                out.line(f"    {line}")
        if item.drifted:
            fate = "--force overwrites them with the local values" if plan.force else "kept unless --force"
            out.line(f"    drifted (changed remotely since the last sync; {fate}):")
            for change in item.drifted:
                for line in change_lines(change, drift=True):
                    out.line(f"      {line}")
        if item.pending:
            out.line(f"    (known after apply: {', '.join(item.pending)})")
        if item.cannot_apply:
            out.line(f"    ✗ {CANNOT_APPLY_NOTE}", style="red")
            out.line(f"      hint: {UNAPPLIED_HINT}")
        out.line()
    out.line(plan.summary(), style="bold")


def render_sync(out: Output, plan: Plan, result: SyncResult) -> None:
    """The outcome of a sync: counts, then one line per failure with its reason, then the fields it left
    different from the config (drifted fields kept, differences it could not write)."""
    parts = [
        f"{result.count('created')} created",
        f"{result.count('updated')} updated",
        f"{result.count('deleted')} deleted",
    ]
    adopted = result.count("adopted")
    if adopted:
        parts.append(f"{adopted} adopted")
    replaced = result.count("replaced")
    if replaced:
        parts.append(f"{replaced} replaced")
    failures = result.failures
    parts.append(f"{len(failures)} failed")
    recorded = result.count("recorded")
    if recorded:
        parts.append(f"{recorded} recorded in state only (no write)")
    kept = result.kept_fields
    if kept:
        parts.append(f"{kept} drifted field{'s' if kept != 1 else ''} not overwritten")
    unapplied = result.unapplied_fields
    if unapplied:
        parts.append(f"{unapplied} field{'s' if unapplied != 1 else ''} not applied")
    style = "bold red" if failures or kept or unapplied else "bold green"
    out.line(f"Sync {plan.environment}: {', '.join(parts)}.", style=style)
    for failure in failures:
        out.line(f"  ✗ {failure.kind} {failure.name}: {failure.message}", style="red")
        if failure.hint:
            out.line(f"      hint: {failure.hint}")
    _field_listing(
        out,
        [(o.unapplied, f"✗ {o.kind} {o.name}: {o.message}") for o in result.outcomes],
        UNAPPLIED_HINT,
        "red",
    )
    _field_listing(
        out,
        [(o.kept, f"! {o.kind} {o.name}: {kept_message(len(o.kept))}") for o in result.outcomes],
        KEPT_HINT,
        "magenta",
    )


def _field_listing(out: Output, rows: list[tuple[list[str], str]], hint: str, style: str) -> None:
    """One heading per resource with fields left different from the config, its paths, then the hint once."""
    listed = False
    for paths, heading in rows:
        if paths:
            listed = True
            out.line(f"  {heading}", style=style)
            for path in paths:
                out.line(f"      {path}")
    if listed:
        out.line(f"      hint: {hint}")


def sync_json(report: SyncReport) -> dict[str, Any]:
    plan, result = report.plan, report.result
    return {
        "environment": plan.environment,
        "plan": plan.as_dict(),
        "results": [outcome.as_dict() for outcome in result.outcomes],
        "failed": len(result.failures),
        "drifted_fields_kept": result.kept_fields,
        "fields_not_applied": result.unapplied_fields,
        "requests": report.requests,
    }


PLAN = Renderer[PlanReport](
    lambda app, report: render_plan(app.out, report.plan), lambda report: report.plan.as_dict()
)
SYNC = Renderer[SyncReport](lambda app, report: render_sync(app.out, report.plan, report.result), sync_json)
