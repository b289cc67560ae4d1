"""The plan: an immutable value that says, per resource, what differs and exactly what apply will send.

``planner`` computes it (a pure function over normalised documents); ``apply`` executes it and decides
nothing of its own; ``planfile`` writes it to a file and reads it back for ``agents sync PLANFILE``.

Per resource one action: ``create`` (nothing remote), ``update`` (local differs, the remote is what the last
sync left), ``no-op``, ``drift`` (some differing fields were changed remotely since the last apply),
``replace`` (``--replace``: created again, the old one deleted) or ``delete`` (only with prune). Changes are
listed field by field; ``before`` is the remote value and ``after`` the local one. ``changes`` are local
changes, which sync applies; ``drifted`` were changed remotely since the last apply (``conflict`` when the
local value changed too), which sync keeps unless ``--force``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# ``commands.apply_plan`` imports KeyPath from here.
from agents_cli.keypath import KeyPath as KeyPath

Action = Literal["create", "update", "no-op", "drift", "delete", "replace"]
# What apply does for one resource: send a create/update (a replace is a create, then a delete of the old
# one), write state only (``record``), nothing remotely (``none``: only kept or unwritable differences).
Operation = Literal["create", "update", "replace", "record", "none", "delete"]
Key = tuple[str, str]  # (kind, local name)
TAGS_REFRESHED = "agents-cli tags refreshed"
VALUE_CHANGED = "value changed"  # a write-only value (a secret's): shown as this note, never as values


@dataclass(frozen=True)
class FieldChange:
    path: str  # ``format_path(key)``: for people, and the JSON outputs
    before: Any  # remote value (absent → None with ``added``)
    after: Any  # local value
    change: Literal["changed", "added", "removed"] = "changed"
    # For drifted fields: the local value changed since the last apply too.
    conflict: bool = False
    # The path as keys, list indexes and keyed items (``keypath.diff``'s): for writing values back.
    key: KeyPath = field(default=(), compare=False)
    # Why sync cannot make this change (a deep-merge PATCH cannot remove a map's key).
    cannot_apply: str | None = None
    # Shown instead of the values (our hidden tags: ``tags: (agents-cli tags refreshed)``).
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {"path": self.path, "change": self.change, "remote": self.before, "local": self.after}
        if self.note:
            data["note"] = self.note
        if self.conflict:
            data["conflict"] = True
        if self.cannot_apply:
            data["cannot_apply"] = self.cannot_apply
        return data


@dataclass(frozen=True)
class Pending:
    """A reference whose id is known only after apply: the place in ``Write.body``/``expect`` and whose id."""

    path: KeyPath  # by list index: a position in the body, as the walker over the config found it
    kind: str
    name: str


@dataclass(frozen=True)
class Write:
    """Exactly what apply sends for one resource, decided when the plan was made."""

    operation: Operation
    # The request body (create, update, replace): normalised, our tags added, a deep-merge PATCH cut to the
    # changed paths. ``Pending`` places hold "(known after apply)" until apply substitutes the id.
    body: Mapping[str, Any] | None = None
    # The normalised body the remote must equal after the write (outside ``kept``): what apply verifies.
    expect: Mapping[str, Any] | None = None
    pending: tuple[Pending, ...] = ()
    kept: tuple[str, ...] = ()  # drifted paths left as the remote has them
    kept_keys: tuple[KeyPath, ...] = ()
    blocked: tuple[str, ...] = ()  # differences no write can make: reported, never claimed
    # In a cycle of resources not created yet: create a tagged placeholder first to get an id.
    placeholder_first: bool = False
    # A create's content besides the body (``ResourceKind.upload``: a document's file path or text).
    upload: Mapping[str, Any] | None = None

    def depends_on(self) -> set[Key]:
        return {(ref.kind, ref.name) for ref in self.pending}


@dataclass(frozen=True)
class ResourcePlan:
    kind: str
    name: str
    action: Action
    remote_id: str | None = None
    changes: tuple[FieldChange, ...] = ()  # local changes: sync applies them
    drifted: tuple[FieldChange, ...] = ()  # changed remotely: kept unless --force
    adopted: bool = False
    # No remote write needed, but the state file must be (re)written (adoption, missing fingerprints).
    refresh_state: bool = False
    pending: tuple[str, ...] = ()  # references known after apply, as ``@kind:name``
    desired_fingerprint: str | None = None  # of the config with references by name (ids do not matter)
    remote_fingerprint: str | None = None
    # --only: not selected, but a selected resource (this local name) references it and it does not exist.
    included_because: str | None = None
    api_name: str | None = None  # what the API calls it (a create that timed out is found again by it)
    version_id: str | None = None  # the remote's current version, as read (kinds that are ``branched``)
    write: Write | None = None
    # The normalised remote as planned (unmasked); never written to a plan file (apply of a saved plan gets
    # it again from the remote, which it checks has not moved).
    remote_body: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    # Sensitive paths (values from ${VAR} placeholders, spelled as changes are) and where each placeholder
    # is in the body (by list index) with its text, for plan files.
    sensitive: tuple[KeyPath, ...] = ()
    templates: tuple[tuple[KeyPath, str], ...] = field(default=(), repr=False)
    # Digest of the bytes of the answer ``remote_body`` was normalised from, when it was a plain GET: what a
    # state refresh records (``engine.unchanged``). Never written to a plan file.
    answer: str | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> Key:
        return (self.kind, self.name)

    @property
    def writes(self) -> bool:
        return self.action in ("create", "update", "delete", "drift", "replace")

    @property
    def cannot_apply(self) -> list[FieldChange]:
        """Local changes (and drifted fields, which ``--force`` would write) that no write can make."""
        return [change for change in self.changes + self.drifted if change.cannot_apply]

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "action": self.action,
            "id": self.remote_id,
            "changes": [change.as_dict() for change in self.changes],
        }
        if self.drifted:
            data["drifted"] = [change.as_dict() for change in self.drifted]
        if self.adopted:
            data["adopted"] = True
        if self.pending:
            data["known_after_apply"] = list(self.pending)
        if self.included_because:
            data["included_because"] = self.included_because
        if self.version_id:
            data["version_id"] = self.version_id
        return data


@dataclass(frozen=True)
class PlanOptions:
    """What a plan was asked for; part of the plan (a saved plan is applied with the options it was made
    with)."""

    prune: bool = False  # delete remote resources no config declares any more
    force: bool = False  # overwrite drifted fields with the local values
    replace: frozenset[Key] = frozenset()  # resources to create again (a new id) instead of updating
    only: tuple[str, ...] = ()  # local names the plan is limited to (plus what they need created)
    refresh: bool = False  # after applying: resources whose content the API fetches, fetched again


Split = Mapping[str, float]  # branch name → percentage of the agent's traffic


@dataclass(frozen=True)
class SplitChange:
    """An agent's traffic split, live (empty: the agent is created by this sync) and desired."""

    agent: str
    before: Split = field(default_factory=dict)
    after: Split = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.agent, "live": dict(self.before), "desired": dict(self.after)}


@dataclass(frozen=True)
class BranchCut:
    """A branch environment's first branch of one agent, cut by the sync from main's current version (an
    agent created by the same sync: from its first version)."""

    kind: str
    name: str
    branch: str

    @property
    def key(self) -> Key:
        return (self.kind, self.name)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "branch": self.branch}


@dataclass(frozen=True)
class Plan:
    environment: str
    resources: tuple[ResourcePlan, ...] = ()
    options: PlanOptions = field(default_factory=PlanOptions)
    # State entries whose remote resource no longer exists: dropped from state before anything is written.
    stale: tuple[Key, ...] = ()
    splits: tuple[SplitChange, ...] = ()  # traffic splits to deploy (``deployments``), after the writes
    branch_cuts: tuple[BranchCut, ...] = ()  # a branch environment's branches cut by this sync

    @property
    def force(self) -> bool:
        return self.options.force

    def count(self, action: Action) -> int:
        return sum(1 for item in self.resources if item.action == action)

    @property
    def updates(self) -> int:
        """Resources sync updates: ``update``s, and drifted ones with local changes to other fields (sync
        writes those and keeps the drifted ones), so the plan counts what sync will report as updated."""
        return sum(
            1
            for item in self.resources
            if item.action == "update"
            or (item.action == "drift" and any(not c.cannot_apply for c in item.changes))
        )

    @property
    def has_changes(self) -> bool:
        return any(item.writes for item in self.resources) or bool(self.splits) or bool(self.branch_cuts)

    @property
    def cannot_apply_fields(self) -> int:
        return sum(len(item.cannot_apply) for item in self.resources)

    @property
    def drifted_fields(self) -> int:
        return sum(len(item.drifted) for item in self.resources)

    def as_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "summary": {
                "create": self.count("create"),
                "update": self.updates,
                "delete": self.count("delete"),
                "drift": self.count("drift"),
                "drifted_fields": self.drifted_fields,
                "cannot_apply": self.cannot_apply_fields,
                "no_op": self.count("no-op"),
                "replace": self.count("replace"),
                "traffic": len(self.splits),
                "branch": len(self.branch_cuts),
            },
            "has_changes": self.has_changes,
            "resources": [item.as_dict() for item in self.resources if item.action != "no-op"],
            **({"traffic": [change.as_dict() for change in self.splits]} if self.splits else {}),
            **({"branches": [cut.as_dict() for cut in self.branch_cuts]} if self.branch_cuts else {}),
        }
