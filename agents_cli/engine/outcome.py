"""What a sync did, per resource: the outcomes apply reports, and the sync's result.

Outcome actions: ``created``, ``updated``, ``replaced``, ``adopted`` (a create that had gone through was
found again), ``deleted``, ``recorded`` (state only), ``kept`` (only drifted fields differed, left as the
remote has them), ``not-applied`` (only differences no write can make), ``deployed`` (an agent's traffic
split), ``branched`` (a branch environment's branch of it cut), ``failed``, ``skipped`` (something it
references failed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from agents_cli.engine.plan import ResourcePlan
from agents_cli.errors import AgentsError
from agents_cli.keypath import KeyPath, diff, format_path, related

Unapplied = Literal["merge_patch", "still_differs"]


def unapplied_why(item: ResourcePlan, paths: list[str]) -> Unapplied:
    """Why differences are left after a write: all of them planned as keys the agent PATCH cannot remove
    (it merges maps), or the remote still differs where the write should have made it equal."""
    planned = {change.path for change in item.cannot_apply}
    return "merge_patch" if set(paths) <= planned else "still_differs"


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
    problem: AgentsError | None = None  # why it failed or was skipped
    kept: list[str] = field(default_factory=list)  # drifted field paths whose remote value was kept
    unapplied: list[str] = field(default_factory=list)  # differences the write could not make
    unapplied_why: Unapplied | None = None
    previous_id: str | None = None  # a replaced agent's old (deleted) id

    @property
    def ok(self) -> bool:
        return self.action not in ("failed", "skipped")

    @property
    def message(self) -> str | None:
        return self.problem.message if self.problem is not None else None

    @property
    def hint(self) -> str | None:
        return self.problem.hint if self.problem is not None else None

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
            data["not_applied_because"] = self.unapplied_why
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
