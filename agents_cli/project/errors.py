"""What can be wrong with a project, as structured errors (fields; ``cli/messages/project.py`` words them)."""

from __future__ import annotations

from collections.abc import Sequence

from agents_cli.errors import ConfigError, UsageError


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
