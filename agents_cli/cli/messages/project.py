"""Words for the errors of ``agents_cli.project`` (and the validation failures commands raise)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError, ValidationFailed
from agents_cli.project import errors as project
from agents_cli.project.state import READABLE_VERSIONS, STATE_VERSION

Words = tuple[str, str | None]
_MANIFEST = "agents.json"


def _not_declared(error: project.NotDeclared) -> Words:
    import difflib

    quoted = ", ".join(repr(name) for name in error.names)
    close = [difflib.get_close_matches(name, error.known, n=1, cutoff=0.6) for name in error.names]
    guesses = [guess for found in close for guess in found]
    suggestion = f" (did you mean {', '.join(repr(g) for g in guesses)}?)" if guesses else ""
    prefix = f"--{error.option}: " if error.option else ""
    known = ", ".join(error.known)
    if error.attached_to is not None:
        where = f"attached to {', '.join(error.attached_to)}"
        hint = f"{where}: {known}" if known else f"none {where}"
    else:
        where = f"in {_MANIFEST}"
        hint = f"declared: {known}" if known else "nothing declared yet: add one with 'agents add'"
    return f"{prefix}no {error.what} named {quoted} {where}{suggestion}", hint


def _name_ambiguous(error: project.NameAmbiguous) -> Words:
    kinds = ", ".join(error.kinds)
    if error.template:
        return f"template {error.name!r} exists for several kinds ({kinds})", "pass --kind"
    return f"{error.name!r} names several resources ({kinds})", "pass --kind"


def _template_unknown(error: project.TemplateUnknown) -> Words:
    import difflib

    close = difflib.get_close_matches(error.name, error.known, n=1)
    what = f"{error.kind} template" if error.kind else "template"
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    hint = f"known: {', '.join(error.known)} (see 'agents templates list')"
    return f"unknown {what} {error.name!r}{suggestion}", hint


def _no_default_environment(error: project.NoDefaultEnvironment) -> Words:
    return (
        f"no environment given and {_MANIFEST} has no default_environment",
        f"pass --env (one of: {', '.join(error.environments)})",
    )


def _manifest_invalid(error: project.ManifestInvalid) -> Words:
    more = f" (and {error.more} more)" if error.more else ""
    return (
        f"{error.manifest}:{error.line}:{error.column}: {error.key_path}: {error.problem}{more}",
        f"fix {_MANIFEST} ('agents validate' lists every problem)",
    )


def _manifest_shape(error: project.ManifestShape) -> Words:
    if not error.where:
        return f"{error.path}:1:1: the manifest must be a JSON object", None
    quoted = f"'{error.where}'" if "." not in error.where else error.where
    return f"{error.path}: {quoted} must be an object", f"fix {_MANIFEST} by hand"


def _registration(error: project.Registration) -> Words:
    if error.registered:
        return f"{error.kind} {error.name!r} is already registered in {_MANIFEST}", None
    return f"{error.kind} {error.name!r} is not registered in {_MANIFEST}", "run 'agents add'"


def _validation_problems(error: ValidationFailed, cwd: Path) -> list[str]:
    from agents_cli.cli.render.project import format_problem
    from agents_cli.project.validation import ValidationReport

    report = error.report
    if not isinstance(report, ValidationReport):
        return []
    return [format_problem(problem, cwd) for problem in report.problems if problem.severity == "error"]


def _placeholder_unset(error: project.PlaceholderUnset) -> Words:
    owner = f"{error.kind} {error.name!r}: " if error.kind and error.name else ""
    return (
        f"{owner}{error.path}: environment variable {error.variable} is not set",
        f"export {error.variable}=... (or add it to .env); placeholders are resolved in memory only",
    )


def _source_unreadable(error: project.SourceUnreadable) -> Words:
    return (f"{error.path}: {error.why}", "paths of document files are relative to agents.json")


_RESTORE = "restore it from git or delete it"


def _state_unusable(error: project.StateUnusable) -> Words:
    source = error.source
    if error.problem == "newer_version":
        return (
            f"{source} is a version {error.version} state file; this agents reads versions up to "
            f"{STATE_VERSION}",
            "upgrade agents-cli (the file was written by a newer version)",
        )
    if error.problem == "unknown_version":
        return (
            f"{source}: unknown state version {error.detail} (this agents reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))})",
            _RESTORE,
        )
    if error.problem == "other_environment":
        return (
            f"{source}: the file is the state of environment {error.detail}, not of {error.where!r}",
            "restore it from git: its ids belong to the other environment",
        )
    if error.problem == "bad_id":
        return (
            f"{source}: {error.where} has id {error.detail}, not an API id (letters, digits, '_' and '-')",
            "restore it from git or delete the entry",
        )
    if error.problem == "not_a_file":
        return f"{source}: cannot read the state file ({error.detail})", "it must be a UTF-8 JSON file"
    if error.problem == "not_object":
        return f"{source}: state must be a JSON object", _RESTORE
    if error.problem == "section":
        return f"{source}: {error.where!r} must be an object", _RESTORE
    if error.problem == "entry":
        return f"{source}: {error.where} has no 'id'", "restore it from git or delete the entry"
    return (
        f"{source}:{error.line}:{error.column}: invalid JSON: {error.detail}",
        "restore it from git; resources are found again by name if you delete it",
    )


def _state_conflict(error: project.StateConflict) -> Words:
    entry = f"{error.kind} {error.name!r}"
    if error.problem == "same_id":
        what = f"entries {error.kind} {error.other!r} and {error.name!r} both record id {error.remote_id}"
        return f"{error.source}: {what}", "keep the entry the resource belongs to (git log); delete the other"
    if error.problem == "tagged_other":
        return (
            f"{error.source}: {entry} records id {error.remote_id}, but that remote {error.kind} is tagged "
            f"as {error.other!r}",
            "the entries were swapped or copied: restore the file from git; nothing was written",
        )
    return (
        f"{error.source}: {entry} records id {error.remote_id}, a {error.kind} tagged for environment "
        f"{error.other!r}",
        "restore the file from git; nothing was written",
    )


def _state_locked(error: project.StateLocked) -> Words:
    where = f"state for environment {error.environment!r}"
    if error.own:
        return f"{where} is already locked by this process ({error.path})", None
    holder = f"process {error.pid}" if error.pid else "another process"
    return f"{where} is locked by {holder} ({error.path})", "wait for the other 'agents sync' to finish"


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    project.PlaceholderUnset: _placeholder_unset,
    project.SourceUnreadable: _source_unreadable,
    project.StateUnusable: _state_unusable,
    project.StateLocked: _state_locked,
    project.StateConflict: _state_conflict,
    project.NotDeclared: _not_declared,
    project.NameAmbiguous: _name_ambiguous,
    project.TemplateUnknown: _template_unknown,
    project.NoDefaultEnvironment: _no_default_environment,
    project.ManifestInvalid: _manifest_invalid,
    project.ManifestShape: _manifest_shape,
    project.Registration: _registration,
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {
    ValidationFailed: _validation_problems,
}
