"""How ``agents import official`` reads: what was imported where, what could not be mapped, what is next."""

from __future__ import annotations

from agents_cli.cli.render.base import Renderer
from agents_cli.commands.import_official import OFFICIAL_MANIFEST_COPY, ImportResult
from agents_cli.context import AppContext
from agents_cli.pull.official import Unmapped

UNMAPPED_REASONS = {
    "unreadable": "cannot be read (not valid JSON); skipped",
    "no_config": "names no config file; skipped",
    "not_object": "is not a JSON object; skipped",
    "unknown_id": "is the id of no resource of the official project; kept as is (write a reference)",
}


def unmapped_line(item: Unmapped) -> str:
    where = f"{item.source} {item.where}".strip()
    value = f" {item.value!r}" if item.value else ""
    return f"  {where}:{value} {UNMAPPED_REASONS.get(item.reason, item.reason)}"


def _text(app: AppContext, result: ImportResult) -> None:
    out = app.out
    verb = "would import" if result.dry_run else "imported"
    for item in result.imported:
        recorded = (
            f"id {item.remote_id} in state/{result.environment}.json" if item.remote_id else "never pushed"
        )
        out.line(f"{verb} {item.kind} {item.name}: {item.source} → {item.file} ({recorded})")
    if result.unmapped:
        out.line()
        out.line(f"could not map {len(result.unmapped)}:")
        for unmapped in result.unmapped:
            out.line(unmapped_line(unmapped))
    for warning in result.warnings:
        out.warn(warning)
    if result.dry_run:
        out.info("dry run: nothing written")
        return
    if result.new_manifest:
        out.info(
            f"wrote agents.json with environment {result.environment!r} (key from ELEVENLABS_API_KEY; "
            "edit it to add environments)"
        )
    if result.kept_official_manifest:
        out.info(f"the official CLI's agents.json is kept as {OFFICIAL_MANIFEST_COPY}")
    out.info(f"next: agents plan --env {result.environment} (the pushed resources are found by their ids)")


IMPORTED = Renderer[ImportResult](_text, lambda result: result.as_dict())
