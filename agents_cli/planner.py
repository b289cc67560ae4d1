"""``plan(desired, remote, state) -> Plan``: a pure function over normalised documents.

Per resource one action: ``create`` (nothing remote), ``update`` (local changed since the last apply),
``no-op``, ``drift`` (the remote changed since the last apply: its fingerprint differs from the one recorded
right after that apply) or ``delete`` (only with prune). Changes are listed field by field with dotted paths
(``conversation_config.agent.prompt.temperature``, ``tool_ids[0]``); ``before`` is the remote value and
``after`` the local one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from agents_cli.normalise import SENSITIVE, Desired
from agents_cli.state import State, fingerprint

Action = Literal["create", "update", "no-op", "drift", "delete"]
KIND_ORDER = ("tool", "test", "agent")
_MISSING: Any = object()


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any  # remote value (absent → None with ``added``)
    after: Any  # local value
    change: Literal["changed", "added", "removed"] = "changed"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "change": self.change, "remote": self.before, "local": self.after}


@dataclass
class RemoteResource:
    """A remote resource found for a local name (or an orphan), already normalised."""

    id: str
    body: dict[str, Any]
    adopted: bool = False  # found by name/tag rather than through state


@dataclass
class ResourcePlan:
    kind: str
    name: str
    action: Action
    remote_id: str | None = None
    changes: list[FieldChange] = field(default_factory=list)
    adopted: bool = False
    # No remote write needed, but the state file must be (re)written (adoption, missing fingerprints).
    refresh_state: bool = False
    pending: list[str] = field(default_factory=list)  # references known after apply
    desired_fingerprint: str | None = None
    remote_fingerprint: str | None = None

    @property
    def writes(self) -> bool:
        return self.action in ("create", "update", "delete", "drift")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "action": self.action,
            "id": self.remote_id,
            "changes": [change.as_dict() for change in self.changes],
        }
        if self.adopted:
            data["adopted"] = True
        if self.pending:
            data["known_after_apply"] = self.pending
        return data


@dataclass
class Plan:
    environment: str
    resources: list[ResourcePlan] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for item in self.resources if item.action == action)

    @property
    def has_changes(self) -> bool:
        return any(item.writes for item in self.resources)

    def summary(self) -> str:
        create, update, delete = self.count("create"), self.count("update"), self.count("delete")
        drift = self.count("drift")
        text = f"Plan: {create} to create, {update} to update, {delete} to delete."
        if drift:
            text += f" {drift} drifted (sync refuses them without --force)."
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "summary": {
                "create": self.count("create"),
                "update": self.count("update"),
                "delete": self.count("delete"),
                "drift": self.count("drift"),
                "no_op": self.count("no-op"),
            },
            "has_changes": self.has_changes,
            "resources": [item.as_dict() for item in self.resources if item.action != "no-op"],
        }


def diff(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Field-level differences, depth first, in a stable order (keys of ``after`` first)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        keys = list(after) + [key for key in before if key not in after]
        for key in keys:
            child = f"{path}.{key}" if path else str(key)
            old = before.get(key, _MISSING)
            new = after.get(key, _MISSING)
            if old is _MISSING:
                changes.append(FieldChange(child, None, new, "added"))
            elif new is _MISSING:
                changes.append(FieldChange(child, old, None, "removed"))
            else:
                changes.extend(diff(old, new, child))
        return changes
    if isinstance(before, list) and isinstance(after, list) and before != after:
        # Scalars lists with different lengths read better as one change than as index noise.
        if len(before) != len(after) and not any(isinstance(item, dict | list) for item in before + after):
            return [FieldChange(path, before, after)]
        changes = []
        for index in range(max(len(before), len(after))):
            child = f"{path}[{index}]"
            if index >= len(before):
                changes.append(FieldChange(child, None, after[index], "added"))
            elif index >= len(after):
                changes.append(FieldChange(child, before[index], None, "removed"))
            else:
                changes.extend(diff(before[index], after[index], child))
        return changes
    if before == after and type(before) is type(after):
        return []
    return [FieldChange(path, before, after)]


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
            masked.append(FieldChange(change.path, before, after, change.change))
        else:
            masked.append(change)
    return masked


def _create_changes(item: Desired) -> list[FieldChange]:
    changes = []
    for path, value in item.user_keys.items():
        shown = SENSITIVE if _is_sensitive(path, item.sensitive) else value
        changes.append(FieldChange(path, None, shown, "added"))
    return changes


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
    )
    if item.body == remote.body and not item.pending:
        result.refresh_state = (
            entry is None
            or entry.id != remote.id
            or entry.fingerprint != desired_fp
            or entry.remote_fingerprint != remote_fp
        )
        return result
    result.changes = mask(diff(remote.body, item.body), item.sensitive)
    drifted = (
        entry is not None and entry.remote_fingerprint is not None and entry.remote_fingerprint != remote_fp
    )
    result.action = "drift" if drifted and not remote.adopted else "update"
    if not result.changes and item.pending:
        # Only unresolved references differ; they resolve at apply time.
        result.action = "update"
    return result


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
    items = sorted(desired, key=lambda d: (KIND_ORDER.index(d.kind), d.name))
    for item in items:
        result.resources.append(plan_resource(item, remote.get((item.kind, item.name)), state))
    if prune and orphans:
        for (kind, name), found in sorted(
            orphans.items(), key=lambda kv: (KIND_ORDER.index(kv[0][0]), kv[0][1])
        ):
            result.resources.append(ResourcePlan(kind, name, "delete", remote_id=found.id))
    return result
