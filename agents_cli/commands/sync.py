"""``agents sync``: apply the plan (create, update, and with --prune delete) in dependency order.

``agents sync PLANFILE`` applies a plan saved by ``agents plan --out`` exactly, after checking that neither
the configs nor the remote moved since (``apply_plan``). The state lock is held from before the remote is
read until the last state write, so two syncs of one environment never interleave. Deletions and
replacements need confirmation: a question on a terminal, ``--yes`` otherwise (a saved plan was approved
when it was reviewed).
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from agents_cli.commands.plan import PlanReport, PlanRequest, open_workspace, plan, plan_options, report_notes
from agents_cli.commands.shared import workspace_client
from agents_cli.context import AppContext
from agents_cli.engine.outcome import Outcome, SyncResult
from agents_cli.engine.plan import Plan, PlanOptions
from agents_cli.engine.workspace import PlanResult, Workspace
from agents_cli.errors import Aborted, ConfirmationRequired, ExitCode, UsageError
from agents_cli.remote.client import ApiClient
from agents_cli.worktree import version_description

PROGRESS = {
    "created": "+ created",
    "adopted": "+ adopted",
    "updated": "~ updated",
    "replaced": "± replaced",
    "deleted": "- deleted",
    "recorded": "= recorded",
    "branched": "+ cut the branch of",
    "failed": "✗ failed",
    "skipped": "✗ skipped",
    "kept": "! kept remote values of",
    "not-applied": "✗ could not apply changes to",
    "indexed": "· RAG index ready for",
    "refreshed": "↻ refreshed",
}


@dataclass(frozen=True)
class SyncRequest:
    plan_file: Path | None = None  # a plan saved by 'agents plan --out': apply exactly it
    env: str | None = None
    dry_run: bool = False
    yes: bool = False
    prune: bool = False
    only: tuple[str, ...] = ()
    force: bool = False
    replace: tuple[str, ...] = ()
    refresh_kb: bool = False  # refresh URL documents (their content is fetched again by the API)
    base_url: str | None = None
    concurrency: int | None = None
    message: str | None = None  # the description of the versions this sync makes (default: from git)

    def planning(self) -> PlanRequest:
        return PlanRequest(
            env=self.env,
            only=self.only,
            prune=self.prune,
            replace=self.replace,
            force=self.force,
            base_url=self.base_url,
            concurrency=self.concurrency,
        )


@dataclass(frozen=True)
class SyncReport:
    plan: Plan
    result: SyncResult
    requests: dict[str, int]  # what was sent (``ApiClient.stats``)

    @property
    def exit_code(self) -> int:
        # Kept drifted fields and changes no write could make exit 1 too: CI must notice that the remote
        # and the config still disagree.
        result = self.result
        disagree = result.failures or result.kept_fields or result.unapplied_fields
        return int(ExitCode.ERROR) if disagree else int(ExitCode.OK)


def confirm_deletes(app: AppContext, deletes: int, replaces: int, yes: bool) -> None:
    """Deletions and replacements (which delete the old agent: its id, widget embeds and phone numbers
    pointing at it stop working) need a yes."""
    if yes or deletes + replaces == 0:
        return
    doing = [f"deleting {deletes} remote resource(s)"] if deletes else []
    doing += [f"replacing {replaces} agent(s) (the old agent is deleted)"] if replaces else []
    if not app.out.stdin_is_tty:
        raise ConfirmationRequired(" and ".join(doing))
    question = " and ".join(
        ([f"Delete {deletes} remote resource(s)"] if deletes else [])
        + ([f"replace {replaces} agent(s) (the old agent is deleted)"] if replaces else [])
    )
    if not app.ask(f"{question[0].upper()}{question[1:]}?"):
        flags = " and ".join((["--prune"] if deletes else []) + (["--replace"] if replaces else []))
        raise Aborted("nothing was deleted", hint=f"rerun without {flags} to apply only creates and updates")


def confirm_sync(app: AppContext, environment: str) -> None:
    """An environment with ``"confirm": true`` (prod): every sync that writes asks first."""
    action = f'syncing {environment!r} (its "confirm": true in agents.json)'
    if not app.out.stdin_is_tty:
        raise ConfirmationRequired(action)
    if not app.ask(f"Apply this plan to {environment!r}?"):
        raise Aborted("nothing was written")


class Progress:
    """Progress lines on stderr. Early updates report while the plan is still being read; their lines
    wait for the plan, so the output reads plan → progress → summary (also when stdout and stderr go to one
    CI log)."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.waiting: list[str] | None = []

    def __call__(self, outcome: Outcome) -> None:
        if self.app.json or (outcome.action == "recorded" and not self.app.debug):
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


def sync(app: AppContext, request: SyncRequest) -> SyncReport | PlanReport:
    """Plan and apply (``request.plan_file``: see ``apply_plan.apply_saved_plan``, which applies one)."""
    if request.plan_file is not None:
        raise UsageError("a saved plan is applied by 'agents sync PLANFILE' (apply_plan.apply_saved_plan)")
    if request.dry_run:  # plan validates
        return dataclasses.replace(plan(app, request.planning()), dry_run=True)
    workspace = open_workspace(app, request.env, request.only, action="nothing was synced")
    options = dataclasses.replace(plan_options(workspace, request.planning()), refresh=request.refresh_kb)
    client = workspace_client(app, workspace, base_url=request.base_url, concurrency=request.concurrency)
    workspace.version_description = version_description(workspace.root, request.message)
    with workspace.locked():
        return asyncio.run(_sync(app, workspace, client, options, yes=request.yes))


async def _sync(
    app: AppContext, workspace: Workspace, client: ApiClient, options: PlanOptions, *, yes: bool
) -> SyncReport:
    progress = Progress(app)

    environment = workspace.environment

    async def approve(computed: PlanResult) -> None:
        report_notes(app, workspace, computed, prune=options.prune)
        app.show(PlanReport(computed.plan))
        progress.release()
        if environment.confirm and not yes and computed.plan.has_changes:
            confirm_sync(app, environment.name)
        # Only --replace asks: a replace a config change needs (a document's new bytes) loses nothing.
        asked = sum(
            1 for item in computed.plan.resources if item.action == "replace" and item.key in options.replace
        )
        confirm_deletes(app, computed.plan.count("delete"), asked, yes)

    # Updates start while the remaining reads are in flight (no idle gap between reading and writing) —
    # unless the environment or deletions or replacements still need a "yes": then nothing is written first.
    stream = (not (options.prune or options.replace) and not environment.confirm) or yes
    async with client as api:
        try:
            with app.reading() as reading:
                computed, result = await workspace.sync(
                    api, options, approve=approve, on_outcome=progress, stream=stream, reading=reading
                )
        finally:
            progress.release()
        return SyncReport(computed.plan, result, api.stats.as_dict())
