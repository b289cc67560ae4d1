"""``agents sync``: apply the plan (create, update, and with --prune delete) in dependency order.

``agents sync PLANFILE`` applies a plan saved by ``agents plan --out`` exactly, after checking that neither
the configs nor the remote moved since. The state lock is held from before the remote is read until the last
state write, so two syncs of one environment never interleave. Deletions and replacements need
confirmation: a prompt on a terminal, ``--yes`` otherwise (a saved plan was approved when it was reviewed).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents_cli.cli.render_plan import render_plan, render_sync, sync_json
from agents_cli.commands.plan import open_workspace, plan_options, report_notes
from agents_cli.context import AppContext
from agents_cli.engine.outcome import Outcome, SyncResult
from agents_cli.engine.plan import Plan, PlanOptions
from agents_cli.engine.workspace import PlanResult, Workspace
from agents_cli.errors import Aborted, ConfirmationRequired, ExitCode, UsageError
from agents_cli.remote.client import ApiClient
from agents_cli.remote.connect import build_client

PROGRESS = {
    "created": "+ created",
    "adopted": "+ adopted",
    "updated": "~ updated",
    "replaced": "± replaced",
    "deleted": "- deleted",
    "recorded": "= recorded",
    "failed": "✗ failed",
    "skipped": "✗ skipped",
    "kept": "! kept remote values of",
    "not-applied": "✗ could not apply changes to",
}


def _confirm_deletes(app: AppContext, deletes: int, replaces: int, yes: bool) -> None:
    """Deletions and replacements (which delete the old agent: its id, widget embeds and phone numbers
    pointing at it stop working) need a yes."""
    if yes or deletes + replaces == 0:
        return
    doing = [f"deleting {deletes} remote resource(s)"] if deletes else []
    doing += [f"replacing {replaces} agent(s) (the old agent is deleted)"] if replaces else []
    if not app.out.stdin_is_tty:
        raise ConfirmationRequired(" and ".join(doing))
    import typer

    question = " and ".join(
        ([f"Delete {deletes} remote resource(s)"] if deletes else [])
        + ([f"replace {replaces} agent(s) (the old agent is deleted)"] if replaces else [])
    )
    if not typer.confirm(f"{question[0].upper()}{question[1:]}?", default=False, err=True):
        flags = " and ".join((["--prune"] if deletes else []) + (["--replace"] if replaces else []))
        raise Aborted("nothing was deleted", hint=f"rerun without {flags} to apply only creates and updates")


class _Progress:
    """Progress lines on stderr. Early updates report while the plan is still being read; their lines
    wait for the plan, so the output reads plan → progress → summary (also when stdout and stderr go to one
    CI log)."""

    def __init__(self, app: AppContext, *, as_json: bool) -> None:
        self.app = app
        self.as_json = as_json
        self.waiting: list[str] | None = []

    def __call__(self, outcome: Outcome) -> None:
        if self.as_json or (outcome.action == "recorded" and not self.app.debug):
            return  # a state-only refresh changed nothing remotely: counted in the summary instead
        line = f"{PROGRESS.get(outcome.action, outcome.action)} {outcome.kind} {outcome.name}"
        if self.waiting is None:
            self.app.out.info(line)
        else:
            self.waiting.append(line)

    def release(self) -> None:
        self.app.out.stdout.flush()
        for line in self.waiting or []:
            self.app.out.info(line)
        self.waiting = None


def _finish(app: AppContext, the_plan: Plan, result: SyncResult, api: ApiClient, *, as_json: bool) -> int:
    if as_json:
        app.out.json(sync_json(the_plan, result, api.stats.as_dict()))
    else:
        render_sync(app.out, the_plan, result)
    # Kept drifted fields and changes no write could make exit 1 too: CI must notice that the remote and
    # the config still disagree.
    disagree = result.failures or result.kept_fields or result.unapplied_fields
    return int(ExitCode.ERROR) if disagree else int(ExitCode.OK)


def run(
    app: AppContext,
    *,
    env: str | None = None,
    dry_run: bool = False,
    yes: bool = False,
    prune: bool = False,
    only: list[str] | None = None,
    force: bool = False,
    replace: list[str] | None = None,
    as_json: bool = False,
    base_url: str | None = None,
    concurrency: int | None = None,
    plan_file: Path | None = None,
) -> int:
    from agents_cli.commands import plan

    if plan_file is not None:
        from agents_cli.commands.apply_plan import apply_saved_plan

        if dry_run or prune or only or force or replace:
            raise UsageError(
                "a saved plan is applied with the options it was made with",
                hint="leave out --dry-run, --prune, --only, --force and --replace",
            )

        return apply_saved_plan(
            app, plan_file, env=env, as_json=as_json, base_url=base_url, concurrency=concurrency
        )
    if dry_run:  # plan validates
        return plan.run(
            app,
            env=env,
            as_json=as_json,
            only=only,
            prune=prune,
            replace=replace,
            force=force,
            base_url=base_url,
            concurrency=concurrency,
        )
    workspace = open_workspace(app, env, only, action="nothing was synced")
    options = plan_options(workspace, prune=prune, force=force, replace=replace, only=only)
    client = build_client(workspace.root, workspace.environment, base_url=base_url, concurrency=concurrency)
    with workspace.locked():
        return asyncio.run(_sync(app, workspace, client, options, yes=yes, as_json=as_json))


async def _sync(
    app: AppContext,
    workspace: Workspace,
    client: ApiClient,
    options: PlanOptions,
    *,
    yes: bool,
    as_json: bool,
) -> int:
    progress = _Progress(app, as_json=as_json)

    async def approve(computed: PlanResult) -> None:
        report_notes(app, workspace, computed, prune=options.prune)
        if not as_json:
            render_plan(app.out, computed.plan)
        progress.release()
        _confirm_deletes(app, computed.plan.count("delete"), computed.plan.count("replace"), yes)

    # Updates start while the remaining reads are in flight (no idle gap between reading and writing) —
    # unless deletions or replacements still need a "yes": then nothing is written first.
    stream = not (options.prune or options.replace) or yes
    async with client as api:
        try:
            computed, result = await workspace.sync(
                api, options, approve=approve, on_outcome=progress, stream=stream
            )
        finally:
            progress.release()
        return _finish(app, computed.plan, result, api, as_json=as_json)
