"""What a sync did, per resource: the outcomes apply reports, and the sync's result.

Outcome actions: ``created``, ``updated``, ``replaced``, ``adopted`` (a create that had gone through was
found again), ``deleted``, ``recorded`` (state only), ``kept`` (only drifted fields differed, left as the
remote has them), ``not-applied`` (only differences no write can make), ``failed``, ``skipped`` (something
it references failed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agents_cli.engine.plan import ResourcePlan
from agents_cli.keypath import KeyPath, diff, format_path, related

KEPT_HINT = "rerun with --force to overwrite them, or run 'agents pull' to take the remote values"
UNAPPLIED_HINT = (
    "delete them in the ElevenLabs dashboard (the next sync records that), put them back in the config, "
    "or 'agents sync --replace NAME' (the agent is created again: a new id)"
)


def kept_message(count: int) -> str:
    return (
        f"{count} drifted field{'s' if count != 1 else ''} not overwritten "
        "(changed remotely since the last sync; remote value kept)"
    )


def unapplied_message(item: ResourcePlan, paths: list[str]) -> str:
    count = f"{len(paths)} field{'s' if len(paths) != 1 else ''} not applied"
    planned = {change.path for change in item.cannot_apply}
    if set(paths) <= planned:
        return f"{count}: the agent PATCH merges maps, so sync cannot remove keys from them"
    return f"{count}: the remote still differs there after the write"


def still_differing(
    remote: Mapping[str, Any], target: Mapping[str, Any], kept: Iterable[KeyPath]
) -> list[str]:
    """Paths where the remote, right after a write, is not what the write meant to make it (kept drifted
    fields aside), spelled as the plan spells changes: a sync never reports as done a change the server did
    not take."""
    kept = list(kept)
    return [format_path(change.path) for change in diff(remote, target) if not related(change.path, kept)]


@dataclass
class Outcome:
    kind: str
    name: str
    # created | updated | replaced | adopted | deleted | recorded | kept | not-applied | failed | skipped
    action: str
    remote_id: str | None = None
    message: str | None = None
    hint: str | None = None
    kept: list[str] = field(default_factory=list)  # drifted field paths whose remote value was kept
    unapplied: list[str] = field(default_factory=list)  # differences the write could not make
    previous_id: str | None = None  # a replaced agent's old (deleted) id

    @property
    def ok(self) -> bool:
        return self.action not in ("failed", "skipped")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "result": self.action,
            "id": self.remote_id,
        }
        if self.message:
            data["error"] = self.message
        if self.hint:
            data["hint"] = self.hint
        if self.kept:
            data["kept"] = self.kept
        if self.unapplied:
            data["not_applied"] = self.unapplied
        if self.previous_id:
            data["previous_id"] = self.previous_id
        return data


@dataclass
class SyncResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def kept_fields(self) -> int:
        """Drifted fields left as the remote has them (a non-zero exit: the remote and config disagree)."""
        return sum(len(outcome.kept) for outcome in self.outcomes)

    @property
    def unapplied_fields(self) -> int:
        """Differences no write could make (a non-zero exit: sync did not converge)."""
        return sum(len(outcome.unapplied) for outcome in self.outcomes)
