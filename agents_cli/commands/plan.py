"""``agents plan`` (alias ``diff``): what sync would change, field by field, against the deployed state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from agents_cli.cli.render_plan import plan_json, render_plan, undeclared_note
from agents_cli.context import AppContext
from agents_cli.engine.workspace import (
    PlanResult,
    apply_replacements,
    check_replacements,
    compute_plan,
    open_session,
)
from agents_cli.errors import ExitCode
from agents_cli.remote.connect import build_client


def validator(app: AppContext, action: str) -> Callable[[Path, str], None]:
    """Schema and reference errors stop plan and sync before any request, listed as file:line (warnings
    pass): a typo'd key would be sent, dropped by the API, and then compare equal forever."""
    from agents_cli.commands.validate import require_valid

    def check(root: Path, env_name: str) -> None:
        require_valid(app, root, env_name, action=action)

    return check


def run(
    app: AppContext,
    *,
    env: str | None = None,
    as_json: bool = False,
    detailed_exitcode: bool = False,
    only: list[str] | None = None,
    prune: bool = False,
    replace: list[str] | None = None,
    force: bool = False,
    base_url: str | None = None,
    concurrency: int | None = None,
) -> int:
    session = open_session(app.cwd, env, only, validate=validator(app, "nothing was planned"))
    replace = list(replace or [])
    check_replacements(session, replace)
    client = build_client(session.root, session.environment, base_url=base_url, concurrency=concurrency)

    async def read_and_plan() -> PlanResult:
        async with client as api:
            return await compute_plan(api, session, prune=prune)

    result = asyncio.run(read_and_plan())
    apply_replacements(result.plan, replace, force=force)
    result.plan.force = force
    for warning in result.warnings:
        app.out.warn(warning)
    note = None if prune else undeclared_note(session.environment.name, session.undeclared())
    if note:
        app.out.info(note)
    if as_json:
        app.out.json(plan_json(result.plan))
    else:
        render_plan(app.out, result.plan)
    if detailed_exitcode and result.plan.has_changes:
        return int(ExitCode.CHANGES_PRESENT)
    return int(ExitCode.OK)
