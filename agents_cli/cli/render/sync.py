"""A sync's outcome for people and for machines: counts, failures with their reasons, then the fields it
left different from the config (drifted fields kept on purpose, differences no write could make)."""

from __future__ import annotations

from typing import Any

from agents_cli.cli.output import Output
from agents_cli.cli.render.base import Renderer
from agents_cli.cli.render.plan import UNAPPLIED_HINT, plural
from agents_cli.commands.sync import SyncReport
from agents_cli.engine.outcome import Outcome, SyncResult
from agents_cli.engine.plan import Plan


def kept_hint(environment: str) -> str:
    """A plain 'agents pull' only imports what is new: taking drift into the configs needs --update."""
    return (
        f"rerun with --force to overwrite them, or run 'agents pull --env {environment} --update' to take "
        "the remote values into the configs"
    )


def kept_note(count: int) -> str:
    why = "changed remotely since the last sync; remote value kept"
    return f"{plural(count, 'drifted field')} not overwritten ({why})"


def unapplied_note(outcome: Outcome) -> str:
    count = f"{plural(len(outcome.unapplied), 'field')} not applied"
    if outcome.unapplied_why == "merge_patch":
        return f"{count}: the agent PATCH merges maps, so sync cannot remove keys from them"
    return f"{count}: the remote still differs there after the write"


def outcome_words(outcome: Outcome, environment: str) -> tuple[str | None, str | None]:
    """(message, hint) of one outcome: its problem's, else what it left different from the config."""
    if outcome.problem is not None:
        return outcome.message, outcome.hint
    if outcome.unapplied:
        return unapplied_note(outcome), UNAPPLIED_HINT
    if outcome.kept:
        return kept_note(len(outcome.kept)), kept_hint(environment)
    return None, None


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
    cut = result.count("branched")
    if cut:
        parts.append(f"{cut} branch{'es' if cut != 1 else ''} cut")
    deployed = result.count("deployed")
    if deployed:
        parts.append(f"{plural(deployed, 'traffic split')} deployed")
    failures = result.failures
    parts.append(f"{len(failures)} failed")
    recorded = result.count("recorded")
    if recorded:
        parts.append(f"{recorded} recorded in state only (no write)")
    kept = result.kept_fields
    if kept:
        parts.append(f"{plural(kept, 'drifted field')} not overwritten")
    unapplied = result.unapplied_fields
    if unapplied:
        parts.append(f"{plural(unapplied, 'field')} not applied")
    style = "bold red" if failures or kept or unapplied else "bold green"
    out.line(f"Sync {plan.environment}: {', '.join(parts)}.", style=style)
    for failure in failures:
        out.line(f"  ✗ {failure.kind} {failure.name}: {failure.message}", style="red")
        if failure.hint:
            out.line(f"      hint: {failure.hint}")
    _field_listing(
        out,
        [(o.unapplied, f"✗ {o.kind} {o.name}: {unapplied_note(o)}") for o in result.outcomes],
        UNAPPLIED_HINT,
        "red",
    )
    _field_listing(
        out,
        [(o.kept, f"! {o.kind} {o.name}: {kept_note(len(o.kept))}") for o in result.outcomes],
        kept_hint(plan.environment),
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


def _result(outcome: Outcome, environment: str) -> dict[str, Any]:
    """One outcome as JSON, with what it left different from the config in words too."""
    data = outcome.as_dict()
    message, hint = outcome_words(outcome, environment)
    if message and "error" not in data:
        data["error"] = message
    if hint and "hint" not in data:
        data["hint"] = hint
    return data


def sync_json(report: SyncReport) -> dict[str, Any]:
    plan, result = report.plan, report.result
    return {
        "environment": plan.environment,
        "plan": plan.as_dict(),
        "results": [_result(outcome, plan.environment) for outcome in result.outcomes],
        "failed": len(result.failures),
        "drifted_fields_kept": result.kept_fields,
        "fields_not_applied": result.unapplied_fields,
        "requests": report.requests,
    }


SYNC = Renderer[SyncReport](lambda app, report: render_sync(app.out, report.plan, report.result), sync_json)
