"""``plan(desired, remote, state) -> Plan``: a pure function over normalised documents.

Per resource one action: ``create`` (nothing remote), ``update`` (local differs, the remote is what the last
sync left), ``no-op``, ``drift`` (some differing fields were changed remotely since the last apply) or
``delete`` (only with prune). Changes are listed field by field with dotted paths
(``conversation_config.agent.prompt.temperature``, ``tool_ids[0]``); ``before`` is the remote value and
``after`` the local one. A resource's differing fields are split in two lists: ``changes`` (local changes,
which sync applies) and ``drifted`` (the remote changed there since the last apply; ``conflict`` when the
local value changed too), which sync keeps unless ``--force``. Field-level drift comes from the per-field
hashes in state (``field_drift``); an entry without them (older state) falls back to the resource-level
remote fingerprint, and then every differing field counts as drifted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from agents_cli.engine.drift import (
    MAP_KEY_REMOVAL,
    changed_leaves,
    field_hashes,
    merge_cannot_remove,
    related,
    salt_for,
)
from agents_cli.engine.normalise import SENSITIVE, Desired
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import ResourceState, State, fingerprint

Action = Literal["create", "update", "no-op", "drift", "delete", "replace"]
_MISSING: Any = object()
TAGS_REFRESHED = "agents-cli tags refreshed"


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any  # remote value (absent → None with ``added``)
    after: Any  # local value
    change: Literal["changed", "added", "removed"] = "changed"
    # For drifted fields: the local value changed since the last apply too.
    conflict: bool = False
    # The path as keys and list indexes (``path`` is for people; this is for writing values back).
    key: tuple[str | int, ...] = field(default=(), compare=False)
    # Why sync cannot make this change (the agent PATCH is a deep merge: it cannot remove a map's key).
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


@dataclass
class RemoteResource:
    """A remote resource found for a local name (or an orphan), already normalised."""

    id: str
    body: dict[str, Any]
    adopted: bool = False  # found by name/tag rather than through state
    # An agent's hidden ``agents-cli:`` tags as the remote has them (None: not known, not compared).
    managed_tags: list[str] | None = None


@dataclass
class ResourcePlan:
    kind: str
    name: str
    action: Action
    remote_id: str | None = None
    changes: list[FieldChange] = field(default_factory=list)  # local changes: sync applies them
    drifted: list[FieldChange] = field(default_factory=list)  # changed remotely: kept unless --force
    adopted: bool = False
    # No remote write needed, but the state file must be (re)written (adoption, missing fingerprints).
    refresh_state: bool = False
    pending: list[str] = field(default_factory=list)  # references known after apply
    desired_fingerprint: str | None = None
    remote_fingerprint: str | None = None
    remote_body: dict[str, Any] | None = field(default=None, repr=False)  # normalised, unmasked
    # --only: not selected, but a selected resource (this local name) references it and it does not exist.
    included_because: str | None = None

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
            data["known_after_apply"] = self.pending
        if self.included_because:
            data["included_because"] = self.included_because
        return data


@dataclass
class Plan:
    environment: str
    resources: list[ResourcePlan] = field(default_factory=list)
    # Ids of resources read but left out of the plan (--only: referenced ones that exist remotely), for
    # resolving the references of those in it.
    referenced_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    # --force (plan --force, sync --force): drifted fields are overwritten with the local values.
    force: bool = False

    def count(self, action: Action) -> int:
        return sum(1 for item in self.resources if item.action == action)

    @property
    def has_changes(self) -> bool:
        return any(item.writes for item in self.resources)

    def summary(self) -> str:
        create, update, delete = self.count("create"), self.count("update"), self.count("delete")
        text = f"Plan: {create} to create, {update} to update, {delete} to delete."
        replace = self.count("replace")
        if replace:
            text = text[:-1] + f", {replace} to replace (new id{'s' if replace != 1 else ''})."
        drift = self.count("drift")
        if drift:
            fields = self.drifted_fields
            fate = "--force overwrites them" if self.force else "sync keeps them without --force"
            text += f" {drift} drifted ({fields} field{'s' if fields != 1 else ''} changed remotely; {fate})."
        blocked = self.cannot_apply_fields
        if blocked:
            text += f" {blocked} field{'s' if blocked != 1 else ''} sync cannot apply (✗)."
        return text

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
                "update": self.count("update"),
                "delete": self.count("delete"),
                "drift": self.count("drift"),
                "drifted_fields": self.drifted_fields,
                "cannot_apply": self.cannot_apply_fields,
                "no_op": self.count("no-op"),
                "replace": self.count("replace"),
            },
            "has_changes": self.has_changes,
            "resources": [item.as_dict() for item in self.resources if item.action != "no-op"],
        }


def diff(before: Any, after: Any, path: str = "", key: tuple[str | int, ...] = ()) -> list[FieldChange]:
    """Field-level differences, depth first, in a stable order (keys of ``after`` first)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        names = list(after) + [name for name in before if name not in after]
        for name in names:
            child = f"{path}.{name}" if path else str(name)
            old = before.get(name, _MISSING)
            new = after.get(name, _MISSING)
            if old is _MISSING:
                changes.append(FieldChange(child, None, new, "added", key=(*key, name)))
            elif new is _MISSING:
                changes.append(FieldChange(child, old, None, "removed", key=(*key, name)))
            else:
                changes.extend(diff(old, new, child, (*key, name)))
        return changes
    if isinstance(before, list) and isinstance(after, list) and before != after:
        # Scalars lists with different lengths read better as one change than as index noise.
        if len(before) != len(after) and not any(isinstance(item, dict | list) for item in before + after):
            return [FieldChange(path, before, after, key=key)]
        changes = []
        for index in range(max(len(before), len(after))):
            child = f"{path}[{index}]"
            if index >= len(before):
                changes.append(FieldChange(child, None, after[index], "added", key=(*key, index)))
            elif index >= len(after):
                changes.append(FieldChange(child, before[index], None, "removed", key=(*key, index)))
            else:
                changes.extend(diff(before[index], after[index], child, (*key, index)))
        return changes
    if before == after and type(before) is type(after):
        return []
    return [FieldChange(path, before, after, key=key)]


def _is_sensitive(path: str, sensitive: Iterable[str]) -> bool:
    return any(
        path == item or path.startswith(item + ".") or path.startswith(item + "[") for item in sensitive
    )


def mask(changes: list[FieldChange], sensitive: set[str]) -> list[FieldChange]:
    """Values that came from ``${ENV}`` placeholders are shown as ``(sensitive)`` on both sides."""
    if not sensitive:
        return changes
    masked = []
    for change in changes:
        covered = _is_sensitive(change.path, sensitive) or any(
            _is_sensitive(item, [change.path]) for item in sensitive
        )
        if covered:
            before = None if change.change == "added" else SENSITIVE
            after = None if change.change == "removed" else SENSITIVE
            masked.append(dataclasses.replace(change, before=before, after=after))
        else:
            masked.append(change)
    return masked


def _create_changes(item: Desired) -> list[FieldChange]:
    changes = []
    for path, value in item.user_keys.items():
        shown = SENSITIVE if _is_sensitive(path, item.sensitive) else value
        changes.append(FieldChange(path, None, shown, "added"))
    return changes


def _drift_split(
    item: Desired, remote: RemoteResource, entry: ResourceState | None, environment: str, remote_fp: str
) -> tuple[list[FieldChange], list[FieldChange]]:
    """(local changes, drifted fields) between the remote and the desired body, both unmasked."""
    changes = diff(remote.body, item.body)
    if entry is None or remote.adopted or entry.id != remote.id:
        return changes, []  # nothing recorded about this remote resource: all differences are local
    if entry.fields is None:
        # Older state: only a resource-level fingerprint; any remote edit makes every difference suspect.
        if entry.remote_fingerprint is not None and entry.remote_fingerprint != remote_fp:
            return [], changes
        return changes, []
    salt = salt_for(environment, item.kind, remote.id)
    remote_moved = changed_leaves(item.kind, remote.body, entry.fields, salt)
    if not remote_moved:
        return changes, []
    local_moved = changed_leaves(item.kind, item.body, entry.fields, salt)
    local, drifted = [], []
    for change in changes:
        if related(change.path, remote_moved):
            drifted.append(dataclasses.replace(change, conflict=related(change.path, local_moved)))
        else:
            local.append(change)
    return local, drifted


def _mark_unmergeable(kind: str, changes: list[FieldChange]) -> list[FieldChange]:
    """A kind updated by a deep-merge PATCH (agents) cannot delete a map's key; kinds sent whole replace, so
    every difference of theirs can be written."""
    if not REGISTRY[kind].update_merges:
        return changes
    return [
        dataclasses.replace(change, cannot_apply=MAP_KEY_REMOVAL)
        if merge_cannot_remove(change.change, change.key)
        else change
        for change in changes
    ]


def _tag_refresh(item: Desired, remote: RemoteResource, environment: str) -> FieldChange | None:
    """Our hidden tags name the environment and the local name (adoption after lost state looks for them);
    after ``agents rename`` the name tag is stale, and the next write refreshes it. Normalisation hides
    them from the diff, so the refresh is a change of its own. Only resources tagged for this environment:
    an untagged one (made in the dashboard, then pulled) must plan clean after pull, and one tagged for
    another environment sharing the workspace is that environment's to tag (any real write adds ours)."""
    expected = REGISTRY[item.kind].expected_tags(environment, item.name)
    if remote.managed_tags is None or not expected:
        return None
    if expected[0] not in remote.managed_tags or sorted(remote.managed_tags) == sorted(expected):
        return None
    return FieldChange("tags", remote.managed_tags, expected, key=("tags",), note=TAGS_REFRESHED)


def _state_is_current(
    entry: ResourceState | None, item: Desired, remote: RemoteResource, environment: str, fps: tuple[str, str]
) -> bool:
    if entry is None or entry.id != remote.id or entry.fields is None:
        return False
    if (entry.fingerprint, entry.remote_fingerprint) != fps:
        return False
    return entry.fields == field_hashes(item.kind, remote.body, salt_for(environment, item.kind, remote.id))


def plan_resource(item: Desired, remote: RemoteResource | None, state: State) -> ResourcePlan:
    entry = state.get(item.kind, item.name)
    desired_fp = fingerprint(item.body)
    pending = sorted(f"@{kind}:{name}" for kind, name in item.pending)
    if remote is None:
        return ResourcePlan(
            item.kind,
            item.name,
            "create",
            changes=_create_changes(item),
            pending=pending,
            desired_fingerprint=desired_fp,
        )
    remote_fp = fingerprint(remote.body)
    result = ResourcePlan(
        item.kind,
        item.name,
        "no-op",
        remote_id=remote.id,
        adopted=remote.adopted,
        pending=pending,
        desired_fingerprint=desired_fp,
        remote_fingerprint=remote_fp,
        remote_body=remote.body,
    )
    refresh = _tag_refresh(item, remote, state.environment)
    if item.body == remote.body and not item.pending and refresh is None:
        result.refresh_state = not _state_is_current(
            entry, item, remote, state.environment, (desired_fp, remote_fp)
        )
        return result
    local, drifted = _drift_split(item, remote, entry, state.environment, remote_fp)
    result.changes = mask(_mark_unmergeable(item.kind, local), item.sensitive)
    result.drifted = mask(_mark_unmergeable(item.kind, drifted), item.sensitive)
    if refresh is not None and not any(_is_sensitive(change.path, ["tags"]) for change in local + drifted):
        result.changes.append(refresh)  # a write of user tags carries ours anyway (``send_body``)
    result.action = "drift" if result.drifted else "update"
    return result


def mark_replaced(item: ResourcePlan) -> None:
    """``sync --replace``: the agent is created again from its config and the old one deleted, so every
    difference applies (map keys a PATCH cannot remove included) — at the price of a new id."""
    if item.action in ("create", "delete"):
        return
    item.action = "replace"
    every = item.changes + item.drifted
    item.changes = [dataclasses.replace(change, cannot_apply=None, conflict=False) for change in every]
    item.drifted = []


def plan(
    desired: Iterable[Desired],
    remote: Mapping[tuple[str, str], RemoteResource],
    state: State,
    *,
    orphans: Mapping[tuple[str, str], RemoteResource] | None = None,
    prune: bool = False,
) -> Plan:
    """The plan for one environment: ``remote`` maps (kind, local name) to what was found remotely;
    ``orphans`` are remote resources of this environment that no local config declares any more."""
    result = Plan(environment=state.environment)
    items = sorted(desired, key=lambda d: REGISTRY.order_key((d.kind, d.name)))
    for item in items:
        result.resources.append(plan_resource(item, remote.get((item.kind, item.name)), state))
    if prune and orphans:
        for (kind, name), found in sorted(orphans.items(), key=lambda kv: REGISTRY.order_key(kv[0])):
            result.resources.append(ResourcePlan(kind, name, "delete", remote_id=found.id))
    return result
