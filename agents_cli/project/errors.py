"""What can be wrong with a project, as structured errors (fields; ``cli/messages/project.py`` words them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from agents_cli.errors import AgentsError, ConfigError, UsageError


class NotDeclared(UsageError):
    """Names agents.json does not declare, wherever they were typed (a command's NAME, an option's value).

    ``what`` is a kind, "resource" or "test or scenario"; ``option`` names the option they came with
    (``only``); ``attached_to`` lists the agents whose attachments were searched instead of the manifest.
    """

    def __init__(
        self,
        what: str,
        names: Sequence[str],
        known: Sequence[str],
        *,
        option: str | None = None,
        attached_to: Sequence[str] | None = None,
    ) -> None:
        super().__init__(what=what, names=list(names), known=sorted(set(known)), option=option)
        self.what, self.names, self.known = what, list(names), sorted(set(known))
        self.option = option
        self.attached_to = list(attached_to) if attached_to is not None else None


class NameAmbiguous(UsageError):
    """A NAME that several kinds declare (``kinds``): the command needs the kind."""

    def __init__(self, name: str, kinds: Sequence[str], *, template: bool = False) -> None:
        super().__init__(name=name, kinds=list(kinds), template=template)
        self.name, self.kinds, self.template = name, list(kinds), template


class TemplateUnknown(UsageError):
    def __init__(self, name: str, kind: str | None, known: Sequence[str]) -> None:
        super().__init__(name=name, kind=kind, known=list(known))
        self.name, self.kind, self.known = name, kind, list(known)


class NoDefaultEnvironment(ConfigError):
    """Several environments, none chosen and no ``default_environment``."""

    def __init__(self, environments: Sequence[str]) -> None:
        super().__init__(environments=list(environments))
        self.environments = list(environments)


class ManifestInvalid(ConfigError):
    """The manifest breaks its schema (the first error, at ``line``:``column``; ``more`` others)."""

    def __init__(self, manifest: str, line: int, column: int, key_path: str, problem: str, more: int) -> None:
        super().__init__(manifest=manifest, line=line, column=column, key_path=key_path, problem=problem)
        self.manifest, self.line, self.column = manifest, line, column
        self.key_path, self.problem, self.more = key_path, problem, more


class ManifestShape(ConfigError):
    """A part of the manifest that must be a JSON object is not (``where``: "" for the whole manifest,
    else a section name or ``<name>.overlays``); commands that edit the manifest stop rather than guess."""

    def __init__(self, path: str, where: str = "") -> None:
        super().__init__(path=path, where=where)
        self.path, self.where = path, where


class Registration(ConfigError):
    """Adding what is already registered (``registered`` True), or an overlay to what is not."""

    def __init__(self, kind: str, name: str, *, registered: bool) -> None:
        super().__init__(kind=kind, name=name, registered=registered)
        self.kind, self.name, self.registered = kind, name, registered


class PlaceholderUnset(ConfigError):
    """A ``${NAME}`` whose variable is not set, at ``path`` (text) of the config of ``kind``/``name`` when
    known (resolving a config names only the key path; whoever knows whose config it is adds that)."""

    def __init__(self, path: str, variable: str, kind: str | None = None, name: str | None = None) -> None:
        super().__init__(path=path, variable=variable, kind=kind, name=name)
        self.path, self.variable, self.kind, self.name = path, variable, kind, name

    def of(self, kind: str, name: str) -> PlaceholderUnset:
        return PlaceholderUnset(self.path, self.variable, kind, name)


class SourceUnreadable(ConfigError):
    """A file a config names as content (a document's ``file``) that cannot be read: ``why``."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(path=path, why=why)
        self.path, self.why = path, why


StateProblem = Literal[
    "newer_version",
    "unknown_version",
    "other_environment",
    "not_object",
    "section",
    "entry",
    "bad_id",
    "invalid_json",
    "not_a_file",
]


class StateUnusable(ConfigError):
    """A state file this version cannot use: ``problem`` says how; ``version`` (a newer file's), ``where``
    (the section, or ``section.name`` of an entry without an id or with an id outside the API's alphabet),
    ``line``/``column``/``detail`` (JSON; for ``unknown_version``/``other_environment``/``bad_id`` the value
    found, as JSON text; for ``not_a_file`` what is there)."""

    def __init__(
        self,
        source: str,
        problem: StateProblem,
        *,
        version: int = 0,
        where: str = "",
        line: int = 0,
        column: int = 0,
        detail: str = "",
    ) -> None:
        super().__init__(source=source, problem=problem, version=version, where=where)
        self.source, self.problem, self.version, self.where = source, problem, version, where
        self.line, self.column, self.detail = line, column, detail


ConflictProblem = Literal["same_id", "tagged_other", "other_environment"]


class StateConflict(ConfigError):
    """State contradicts itself or the remote, so acting on it could write or delete the wrong resource:
    entries ``name`` and ``other`` of ``kind`` both record ``remote_id`` (``same_id``); the remote resource
    ``name`` records carries the hidden name tag of ``other``, another entry or declared name
    (``tagged_other``); or it is tagged for environment ``other`` only (``other_environment``)."""

    def __init__(
        self, source: str, kind: str, name: str, other: str, remote_id: str, problem: ConflictProblem
    ) -> None:
        super().__init__(source=source, kind=kind, name=name, other=other, problem=problem)
        self.source, self.kind, self.name, self.other = source, kind, name, other
        self.remote_id, self.problem = remote_id, problem


class StateLocked(AgentsError):
    """Another sync (process ``pid`` when known, or this very process: ``own``) holds the environment's
    lock file ``path``."""

    def __init__(self, environment: str, path: str, pid: int | None, *, own: bool = False) -> None:
        super().__init__(environment=environment, path=path, pid=pid, own=own)
        self.environment, self.path, self.pid, self.own = environment, path, pid, own
