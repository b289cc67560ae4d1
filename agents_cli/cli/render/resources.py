"""Renderers of the everyday commands' results: widget, list, delete, pull, auth whoami."""

from __future__ import annotations

import dataclasses
from typing import Any

from agents_cli.cli.render.base import Renderer, split_text
from agents_cli.commands import status as status_command
from agents_cli.commands.auth import Whoami
from agents_cli.commands.delete import Deletion
from agents_cli.commands.list_resources import ResourceList
from agents_cli.commands.pull import Pulled, PullListing
from agents_cli.commands.status import Status
from agents_cli.commands.widget import Widget
from agents_cli.context import AppContext
from agents_cli.pull.resources import Refusal, Written


def _widget_text(app: AppContext, result: Widget) -> None:
    app.out.line(result.html)


def _widget_json(result: Widget) -> Any:
    return dataclasses.asdict(result)


WIDGET = Renderer(_widget_text, _widget_json)


def _list_text(app: AppContext, result: ResourceList) -> None:
    out, rows = app.out, result.rows
    if not rows:
        if result.remote:
            out.info(f"environment {result.environment!r} holds no {result.what}")
        else:
            out.info(f"no {result.what} in agents.json yet (add one with 'agents add')")
        return
    if not result.remote:
        heading = f"REMOTE ID ({result.environment})" if result.environment else "REMOTE ID"
        cells = [
            (r["kind"], r["name"], r["file"], r["remote_id"] or "-" if result.environment else "")
            for r in rows
        ]
        out.table(["KIND", "NAME", "FILE", heading], cells)
        return
    out.table(
        ["KIND", "NAME", "REMOTE ID", "MANAGED"],
        [(row["kind"], row["name"], row["remote_id"], _managed_cell(row)) for row in rows],
    )
    managed = sum(1 for row in rows if row["managed"])
    elsewhere = sum(1 for row in rows if row.get("owned_by"))
    also = f", {elsewhere} by another environment of it" if elsewhere else ""
    out.info(
        f"{len(rows)} remote resources, {managed} managed by this project in {result.environment!r}{also}"
    )


def _managed_cell(row: dict[str, Any]) -> str:
    """The local name; for a copy another environment owns ``(prod: bot)``; else ``-``."""
    if row["local_name"]:
        return str(row["local_name"])
    owner = row.get("owned_by")
    if owner:
        env, name = str(owner).split(":", 1)
        return f"({env}: {name})"
    return "-"


def _list_json(result: ResourceList) -> Any:
    return {"environment": result.environment, "resources": result.rows}


RESOURCE_LIST = Renderer(_list_text, _list_json)


# -- status -------------------------------------------------------------------------------------------------
_STATUS_STYLES = {
    status_command.IN_SYNC: "green",
    status_command.LOCAL_CHANGES: "yellow",
    status_command.REMOTE_DRIFT: "magenta",
    status_command.NOT_CREATED: "cyan",
    status_command.MISSING_REMOTELY: "red",
    status_command.UNTRACKED_REMOTE: "red",
    status_command.NOT_MANAGED: "dim",
}


def _blocked_note(row: dict[str, Any]) -> str:
    """`` (1 cannot be applied by sync)`` — or ``(1 of 3 …)`` when sync can apply the others."""
    blocked = row.get("cannot_apply")
    if not blocked:
        return ""
    of = f" of {row['differences']}" if row["differences"] != blocked else ""
    return f" ({blocked}{of} cannot be applied by sync)"


def _also_local(row: dict[str, Any]) -> str:
    """`` + 2 local changes`` for a drifted resource that was edited locally too."""
    count = row.get("local_changes")
    return f" + {count} local change{'s' if count != 1 else ''}" if count else ""


def _conflicts(row: dict[str, Any]) -> str:
    """`` (conflict: PATH changed on both sides)`` when a drifted field was edited locally too."""
    paths = row.get("conflicts")
    return f" (conflict: {', '.join(paths)} changed on both sides)" if paths else ""


def _status_problems(app: AppContext, result: Status) -> None:
    from agents_cli.cli.render.project import format_problem

    report = result.validation
    for problem in report.problems:
        if problem.severity == "error":
            app.out.info(format_problem(problem, app.cwd))
    if report.errors:
        app.out.warn(
            f"{report.errors} validation error(s) in the configs of {result.environment!r} (listed above): "
            "a state may not mean what the file says until they are fixed"
        )


def _status_text(app: AppContext, result: Status) -> None:
    _status_problems(app, result)
    out, rows = app.out, result.rows
    if not rows:
        out.info(f"nothing declared or tracked in environment {result.environment!r}")
        return
    width = max(len(f"{row['kind']} {row['name']}") for row in rows)
    for row in rows:
        label = f"{row['kind']} {row['name']}".ljust(width)
        status = row["status"]
        suffix = f"  ({row['remote_id']})" if row["remote_id"] else ""
        if row.get("version_id"):
            suffix = f"  ({row['remote_id']})  version {row['version_id']}"
        # (out.markup: plain text off a terminal, without importing rich)
        out.markup(
            f"{label}  [{_STATUS_STYLES[status]}]{status}{_also_local(row)}{_conflicts(row)}"
            f"{_blocked_note(row)}[/]{suffix}"
        )
        if "traffic" in row:
            desired = row.get("traffic_desired")
            wanted = f" (desired: {split_text(desired)})" if desired is not None else ""
            out.line(f"{' ' * width}  traffic: {split_text(row['traffic'])}{wanted}")
    shown = ", ".join(f"{count} {status}" for status, count in result.summary.items() if count)
    out.info(f"{result.environment}: {shown}")


def _status_json(result: Status) -> Any:
    return {"environment": result.environment, "summary": result.summary, "resources": result.rows}


STATUS = Renderer(_status_text, _status_json, stderr=_status_problems)


DELETION = Renderer[Deletion](lambda app, result: None, lambda result: result.as_dict())


def _whoami_text(app: AppContext, result: Whoami) -> None:
    payload = result.payload
    key = f"{payload['key']} (from {payload['key_source']})" if payload["key"] else "none needed"
    rows = [
        ("environment", payload["environment"]),
        ("base URL", payload["base_url"]),
        ("key", key),
        *((name.replace("_", " "), str(value)) for name, value in payload["user"].items()),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        app.out.line(f"{label.ljust(width)}  {value}")


WHOAMI = Renderer[Whoami](_whoami_text, lambda result: result.payload)


# -- pull ---------------------------------------------------------------------------------------------------
_PULL_SYMBOLS = {"import": "+", "update": "~", "overlay": "~", "up-to-date": "=", "refused": "!"}


def _refusal_reason(refusal: Refusal, environment: str) -> str:
    return {
        "not_in_manifest": "exists but is not in agents.json (use --force)",
        "never_synced": f"differs from the remote and was never synced to {environment!r}",
        "unsynced_changes": (
            f"has local changes not synced to {environment!r} (see 'agents plan --env {environment}')"
        ),
    }[refusal]


def _pull_rows(outcomes: list[Written], environment: str) -> list[dict[str, Any]]:
    """The JSON rows: each outcome, a refusal with its reason in words."""
    rows = [item.as_dict() for item in outcomes]
    for row, item in zip(rows, outcomes, strict=True):
        if item.refusal:
            row["reason"] = _refusal_reason(item.refusal, environment)
    return rows


def _pull_listing_text(app: AppContext, result: PullListing) -> None:
    for item in result.outcomes:
        where = f" ({item.file.as_posix()})" if item.file else ""
        line = (
            f"{_PULL_SYMBOLS[item.action]} {item.candidate.kind} {item.candidate.name} {item.action}{where}"
        )
        reason = _refusal_reason(item.refusal, result.environment) if item.refusal else None
        app.out.info(line + (f": {reason}" if reason else ""))
        for warning in item.warnings:
            app.out.warn(f"{item.candidate.kind} {item.candidate.name}: {warning}")


def _pulled_text(app: AppContext, result: Pulled) -> None:
    out, environment = app.out, result.environment
    if result.error is not None:
        return  # the listing said which files and why; the error follows
    if not result.outcomes:
        if (
            result.mode == "new" and result.tracked
        ):  # the default imports only: a dashboard edit needs --update
            out.info(
                f"nothing new to pull from {environment!r}; 'agents pull --env {environment} --update' takes "
                f"remote edits of the {result.tracked} resource(s) it already tracks"
            )
        else:
            out.info(f"nothing to pull from {environment!r}")
        return
    verb = "would write" if result.dry_run else "wrote"
    changing = len(result.changing)
    out.info(f"{verb} {changing} file(s); {len(result.outcomes) - changing} already up to date")


def _pulled_stderr(app: AppContext, result: Pulled) -> None:
    """With JSON output, refusals are listed on stderr too (the rows say which files and why)."""
    if result.error is not None:
        _pull_listing_text(app, PullListing(result.outcomes, result.environment))


def _pulled_json(result: Pulled) -> dict[str, Any]:
    return {**result.as_dict(), "resources": _pull_rows(result.outcomes, result.environment)}


PULL_LISTING = Renderer[PullListing](
    _pull_listing_text, lambda result: _pull_rows(result.outcomes, result.environment)
)
PULLED = Renderer[Pulled](_pulled_text, _pulled_json, stderr=_pulled_stderr)
