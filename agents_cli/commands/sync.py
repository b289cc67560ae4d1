"""``agents sync``: apply the plan (create, update, and with --prune delete) in dependency order.

The state lock is held from before the remote is read until the last state write, so two syncs of one
environment never interleave. Deletions and replacements need confirmation: a prompt on a terminal, ``--yes``
otherwise.
"""

from __future__ import annotations

import asyncio

from agents_cli.cli.render_plan import render_plan, render_sync, sync_json, undeclared_note
from agents_cli.context import AppContext
from agents_cli.engine.apply import Outcome, SyncEngine
from agents_cli.engine.planner import ResourcePlan
from agents_cli.engine.workspace import (
    Session,
    apply_replacements,
    check_replacements,
    compute_plan,
    new_directory,
    open_session,
)
from agents_cli.errors import Aborted, ConfirmationRequired, ExitCode
from agents_cli.kinds import AGENT
from agents_cli.project.state import state_lock
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
) -> int:
    from agents_cli.commands import plan

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
    session = open_session(app.cwd, env, only, validate=plan.validator(app, "nothing was synced"))
    replace = list(replace or [])
    check_replacements(session, replace)
    with state_lock(session.root, session.environment.name):
        session.reload_state()
        return _sync_locked(
            app,
            session,
            yes=yes,
            prune=prune,
            force=force,
            replace=replace,
            as_json=as_json,
            base_url=base_url,
            concurrency=concurrency,
        )


def _sync_locked(
    app: AppContext,
    session: Session,
    *,
    yes: bool,
    prune: bool,
    force: bool,
    replace: list[str],
    as_json: bool,
    base_url: str | None,
    concurrency: int | None,
) -> int:
    client = build_client(session.root, session.environment, base_url=base_url, concurrency=concurrency)

    # Early updates report while the plan is still being read; their lines wait for the plan, so the output
    # reads plan → progress → summary (also when stdout and stderr go to one CI log).
    waiting: list[str] | None = []

    def progress(outcome: Outcome) -> None:
        if as_json or (outcome.action == "recorded" and not app.debug):
            return  # a state-only refresh changed nothing remotely: counted in the summary instead
        line = f"{PROGRESS.get(outcome.action, outcome.action)} {outcome.kind} {outcome.name}"
        if waiting is None:
            app.out.info(line)
        else:
            waiting.append(line)

    def release_progress() -> None:
        nonlocal waiting
        app.out.stdout.flush()
        for line in waiting or []:
            app.out.info(line)
        waiting = None

    async def plan_and_apply() -> int:
        async with client as api:
            directory = new_directory(api, session)
            engine = SyncEngine(
                api=api,
                directory=directory,
                desired=session.desired,
                state=session.state,
                root=session.root,
                force=force,
                on_outcome=progress,
            )
            # Updates start while the remaining reads are in flight (no idle gap between reading and
            # writing) — unless deletions or replacements still need a "yes": then nothing is written first.
            streaming = not (prune or replace) or yes
            replaced = {AGENT.key(name) for name in replace}

            def start_early(item: ResourcePlan) -> None:
                if (item.kind, item.name) not in replaced:  # replaced after planning, never patched
                    engine.start(item)

            try:
                computed = await compute_plan(
                    api,
                    session,
                    prune=prune,
                    directory=directory,
                    on_planned=start_early if streaming else None,
                )
                the_plan = computed.plan
                apply_replacements(the_plan, replace, force=force)  # may refuse: early writes still finish
                the_plan.force = force
            except Exception:
                await engine.finish_started()  # let early writes finish and record their state
                release_progress()
                raise
            for warning in computed.warnings:
                app.out.warn(warning)
            note = None if prune else undeclared_note(session.environment.name, session.undeclared())
            if note:
                app.out.info(note)
            if not as_json:
                render_plan(app.out, the_plan)
            release_progress()
            _confirm_deletes(app, the_plan.count("delete"), the_plan.count("replace"), yes)
            result = await engine.run(the_plan, drop_from_state=computed.snapshot.stale)
            if as_json:
                app.out.json(sync_json(the_plan, result, api.stats.as_dict()))
            else:
                render_sync(app.out, the_plan, result)
            # Kept drifted fields and changes no write could make exit 1 too: CI must notice that the
            # remote and the config still disagree.
            disagree = result.failures or result.kept_fields or result.unapplied_fields
            return int(ExitCode.ERROR) if disagree else int(ExitCode.OK)

    return asyncio.run(plan_and_apply())
