"""What can stop a plan or a sync, or one resource in it, and what makes a saved plan unusable, as
structured errors (fields; ``cli/messages/engine.py`` words them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from agents_cli.errors import AgentsError, ConfigError, RemoteError, UsageError


class ReplaceRefused(UsageError):
    """An agent named to be replaced that cannot be: ``why`` is ``unknown`` (no agent of that name;
    ``agents`` lists the declared ones) or ``not_selected`` (the run's selection leaves it out)."""

    def __init__(self, name: str, why: str, agents: Sequence[str] = ()) -> None:
        super().__init__(name=name, why=why, agents=sorted(agents))
        self.name, self.why, self.agents = name, why, sorted(agents)


class ReplaceLosesDrift(UsageError):
    """A replace of an agent with ``drifted`` fields changed remotely, which the new agent would not have."""

    def __init__(self, name: str, drifted: int) -> None:
        super().__init__(name=name, drifted=drifted)
        self.name, self.drifted = name, drifted


class ReferenceUndeclared(ConfigError):
    """A config's ``@kind:name`` that agents.json does not declare."""

    def __init__(self, kind: str, name: str, ref_kind: str, ref_name: str) -> None:
        super().__init__(kind=kind, name=name, ref_kind=ref_kind, ref_name=ref_name)
        self.kind, self.name, self.ref_kind, self.ref_name = kind, name, ref_kind, ref_name


class NameClash(ConfigError):
    """Two local resources of a kind found again by name (``first``, ``second``) with one API name."""

    def __init__(self, kind: str, first: str, second: str, api_name: str) -> None:
        super().__init__(kind=kind, first=first, second=second, api_name=api_name)
        self.kind, self.first, self.second, self.api_name = kind, first, second, api_name


# -- while applying: one resource's problem (the others go on) ---------------------------------------
class Skipped(AgentsError):
    """Not applied because of another resource: ``failed`` names one that failed; ``unknown`` the
    references (``@kind:name``) with no id in this environment yet."""

    def __init__(self, *, failed: tuple[str, str] | None = None, unknown: Sequence[str] = ()) -> None:
        super().__init__(failed=failed, unknown=list(unknown))
        self.failed, self.unknown = failed, list(unknown)


class NoIdInAnswer(RemoteError):
    """A create answered without the id of what it created."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(kind=kind, name=name)
        self.kind, self.name = kind, name


class ReferenceCycle(ConfigError):
    """Resources of a kind that cannot be created as a placeholder, referencing each other, none created."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(kind=kind, name=name)
        self.kind, self.name = kind, name


class OldNotDeleted(AgentsError):
    """A replace created the new resource (``new_id``, already in state) but deleting ``old_id`` failed."""

    def __init__(self, kind: str, new_id: str, old_id: str, cause: AgentsError) -> None:
        super().__init__(kind=kind, new_id=new_id, old_id=old_id)
        self.kind, self.new_id, self.old_id, self.cause = kind, new_id, old_id, cause


class UploadChanged(AgentsError):
    """A document's file (``path``) no longer has the bytes the plan was made from."""

    def __init__(self, path: str) -> None:
        super().__init__(path=path)
        self.path = path


class InUseOutside(AgentsError):
    """``--prune`` would delete a resource that something outside the project still uses (``users``: what
    the API names, ``type name (id)``); left in place."""

    def __init__(self, kind: str, name: str, users: list[str]) -> None:
        super().__init__(kind=kind, name=name, users=users)
        self.kind, self.name, self.users = kind, name, users


class Unexpected(AgentsError):
    """A bug while applying one resource: reported as its failure (the others are applied), exit 1."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error_type=type(error).__name__, text=str(error))
        self.error_type, self.text = type(error).__name__, str(error)


# -- saved plans -------------------------------------------------------------------------------------
PlanFileProblem = Literal["not_a_plan", "version", "malformed", "unreadable", "invalid_json", "key_path"]


class PlanFileError(ConfigError):
    """A plan file that cannot be used: ``problem`` says how (``detail``: the reader's own words, the
    version found, or line and column of bad JSON)."""

    def __init__(
        self, source: str, problem: PlanFileProblem, detail: str = "", *, line: int = 0, column: int = 0
    ) -> None:
        super().__init__(source=source, problem=problem, detail=detail, line=line, column=column)
        self.source, self.problem, self.detail, self.line, self.column = source, problem, detail, line, column


class PlanNotSavable(ConfigError):
    """A kept remote value (a ``${VAR}`` placeholder locally) that sits at another list position remotely:
    apply would read another item's value there."""

    def __init__(self, kind: str, name: str, place: str) -> None:
        super().__init__(kind=kind, name=name, place=place)
        self.kind, self.name, self.place = kind, name, place


class NotSynced(ConfigError):
    """An agent with no remote id in ``environment``'s state: nothing to read its versions from yet."""

    def __init__(self, name: str, environment: str) -> None:
        super().__init__(name=name, environment=environment)
        self.name, self.environment = name, environment


class PromoteRefused(UsageError):
    """A promotion that cannot go ahead. ``why``: ``same`` (from and to are one environment), ``no_branch``
    (``environment`` has no branch of ``name`` yet), ``other_agent`` (the two environments' states hold
    different agents for ``name``), ``conflicts`` (``names``: agents both sides changed; not forced)."""

    def __init__(self, why: str, *, name: str = "", environment: str = "", names: Sequence[str] = ()) -> None:
        super().__init__(why=why, name=name, environment=environment, names=list(names))
        self.why, self.name, self.environment, self.names = why, name, environment, list(names)


class RebaseRefused(UsageError):
    """A rebase that cannot go ahead. ``why``: ``not_branch`` (``environment`` has no ``branch``),
    ``no_branch`` (``environment`` has no branch of ``name`` yet), ``conflicts`` (``names``: agents whose
    branch and main both changed the same fields; not forced)."""

    def __init__(self, why: str, *, name: str = "", environment: str = "", names: Sequence[str] = ()) -> None:
        super().__init__(why=why, name=name, environment=environment, names=list(names))
        self.why, self.name, self.environment, self.names = why, name, environment, list(names)


class UnknownBranch(ConfigError):
    """A traffic split naming a branch the agent ``name`` does not have (``known``: the ones it has)."""

    def __init__(self, name: str, branch: str, known: Sequence[str]) -> None:
        super().__init__(name=name, branch=branch, known=list(known))
        self.name, self.branch, self.known = name, branch, list(known)
