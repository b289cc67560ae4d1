"""Words for the errors of ``agents_cli.engine``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.engine import errors as engine
from agents_cli.engine.planfile import VERSION as PLAN_VERSION
from agents_cli.errors import AgentsError

Words = tuple[str, str | None]


def _replace_refused(error: engine.ReplaceRefused) -> Words:
    if error.why == "not_selected":
        return f"--replace {error.name}: the agent is not selected", f"add --only {error.name}"
    known = ", ".join(error.agents) or "none"
    return (
        f"--replace {error.name}: no agent of that name in agents.json (agents: {known})",
        "--replace takes an agent's local name; tools and tests are always written whole",
    )


def _replace_loses_drift(error: engine.ReplaceLosesDrift) -> Words:
    return (
        f"--replace {error.name}: {error.drifted} field(s) changed remotely since the last sync, "
        "which the new agent would not have",
        f"replace anyway with 'agents sync --replace {error.name} --force', or run "
        "'agents pull --env ENV --update' to take the remote values first",
    )


def _reference_undeclared(error: engine.ReferenceUndeclared) -> Words:
    reference = f"@{error.ref_kind}:{error.ref_name}"
    return (
        f"{error.kind} {error.name!r} references {reference}, which is not declared in agents.json",
        f"add it with 'agents add {error.ref_kind} {error.ref_name}' or fix the reference",
    )


def _name_clash(error: engine.NameClash) -> Words:
    kind = error.kind
    return (
        f"{kind}s {error.first!r} and {error.second!r} both have the name {error.api_name!r}",
        f"give each {kind} a unique name: {kind}s are found again by name after a crash",
    )


def _skipped(error: engine.Skipped) -> Words:
    if error.failed is not None:
        kind, name = error.failed
        return f"skipped: depends on {kind} {name!r}, which failed", None
    names = ", ".join(error.unknown)
    return f"skipped: {names} has no id in this environment yet (include it, or sync it first)", None


def _no_id_in_answer(error: engine.NoIdInAnswer) -> Words:
    return f"create {error.kind} {error.name!r}: the response carries no id", None


def _reference_cycle(error: engine.ReferenceCycle) -> Words:
    return (
        f"{error.kind} {error.name!r} is in a reference cycle of resources not created yet",
        "create one side without the reference first, then add it back and sync again",
    )


def _old_not_deleted(error: engine.OldNotDeleted) -> Words:
    return (
        f"created again as {error.new_id}, but deleting the old {error.kind} {error.old_id} failed: "
        f"{error.cause.message}",
        f"the next sync deletes {error.old_id} once nothing uses it; state already names the new one",
    )


def _upload_changed(error: engine.UploadChanged) -> Words:
    return (
        f"{error.path} changed since the plan was made: its bytes are not the ones planned",
        "make the plan again",
    )


def _in_use_outside(error: engine.InUseOutside) -> Words:
    return (
        f"not deleted: {error.kind} {error.name} is still used by {', '.join(error.users)}",
        f"remove the reference from {'them' if len(error.users) > 1 else 'it'} first, or keep "
        f"{error.kind} {error.name} in agents.json",
    )


def _unexpected(error: engine.Unexpected) -> Words:
    return f"{error.error_type}: {error.text}", None


def _plan_file(error: engine.PlanFileError) -> Words:
    source, detail = error.source, error.detail
    if error.problem == "not_a_plan":
        return f"{source} is not a plan file", "make one with 'agents plan --out FILE'"
    if error.problem == "version":
        return (
            f"{source} is a version {detail} plan file; this agents reads version {PLAN_VERSION}",
            "make the plan again with this version of agents",
        )
    if error.problem == "unreadable":
        return f"cannot read the plan file {source}: {detail}", None
    if error.problem == "invalid_json":
        return f"{source}:{error.line}:{error.column}: invalid JSON: {detail}", None
    if error.problem == "key_path":
        return f"{source}: a key path in the plan file is {detail}", None
    return f"{source} is malformed ({detail})", None


def _plan_not_savable(error: engine.PlanNotSavable) -> Words:
    return (
        f"{error.kind} {error.name}: cannot save the plan: the kept remote value at {error.place} "
        "(a ${VAR} placeholder locally) sits at another position remotely",
        "save the plan with --force (the local value is written), or run 'agents sync' directly",
    )


def _not_synced(error: engine.NotSynced) -> Words:
    return (
        f"agent {error.name!r} has no remote id in environment {error.environment!r} yet",
        f"run 'agents sync --env {error.environment}' first",
    )


def _promote_refused(error: engine.PromoteRefused) -> Words:
    if error.why == "same":
        return "--from and --to name the same environment", "promote from one environment to another"
    if error.why == "no_branch":
        return (
            f"environment {error.environment!r} has no branch of agent {error.name!r} yet",
            f"run 'agents sync --env {error.environment}' first (it cuts the branch)",
        )
    if error.why == "other_agent":
        return (
            f"agent {error.name!r} is a different remote agent in each environment's state",
            "the environments do not branch one agent: check their state files",
        )
    names = ", ".join(error.names)
    return (
        f"nothing was promoted: both sides changed the same fields of {names} (conflicts above)",
        "take the target's values into the source first, or overwrite them with --force",
    )


def _rebase_refused(error: engine.RebaseRefused) -> Words:
    if error.why == "not_branch":
        return (
            f"environment {error.environment!r} is not a branch environment: only a branch is rebased",
            "rebase an environment that has 'branch' in agents.json",
        )
    if error.why == "no_branch":
        return (
            f"environment {error.environment!r} has no branch of agent {error.name!r} yet",
            f"run 'agents sync --env {error.environment}' first (it cuts the branch from main)",
        )
    names = ", ".join(error.names)
    return (
        f"nothing was rebased: main and the branch both changed the same fields of {names} (conflicts above)",
        "take main's values into the branch's configs first, or let main's values win with --force",
    )


def _unknown_branch(error: engine.UnknownBranch) -> Words:
    return (
        f"traffic split of agent {error.name!r}: it has no branch {error.branch!r} "
        f"(branches: {', '.join(error.known) or 'none'})",
        "sync the environment whose 'branch' it is first (that cuts it), or fix 'deployments' in agents.json",
    )


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    engine.UnknownBranch: _unknown_branch,
    engine.NotSynced: _not_synced,
    engine.PromoteRefused: _promote_refused,
    engine.RebaseRefused: _rebase_refused,
    engine.ReplaceRefused: _replace_refused,
    engine.ReplaceLosesDrift: _replace_loses_drift,
    engine.ReferenceUndeclared: _reference_undeclared,
    engine.NameClash: _name_clash,
    engine.Skipped: _skipped,
    engine.NoIdInAnswer: _no_id_in_answer,
    engine.ReferenceCycle: _reference_cycle,
    engine.OldNotDeleted: _old_not_deleted,
    engine.UploadChanged: _upload_changed,
    engine.InUseOutside: _in_use_outside,
    engine.Unexpected: _unexpected,
    engine.PlanFileError: _plan_file,
    engine.PlanNotSavable: _plan_not_savable,
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
