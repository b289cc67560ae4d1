"""A promotion between branch environments of one agent, as a reviewable plan: the API's merge preview
compared field by field with the target branch as it is, and the preview's conflicts (fields both branches
changed since the source was cut). Pure: the reads and the merge are the command's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.plan import FieldChange
from agents_cli.engine.planner import field_changes
from agents_cli.kinds import AGENT

# What a merge preview adds to the agent it shows (not part of the agent).
PREVIEW_ONLY = ("conflicts", "overridden_fields", "source_identical_to_target")


@dataclass(frozen=True)
class Conflict:
    path: str  # ``section.path`` (``conversation_config.agent.prompt.prompt``)
    base: Any  # when the source branch was cut
    source: Any
    target: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "base": self.base, "source": self.source, "target": self.target}


@dataclass(frozen=True)
class Promotion:
    """One agent's promotion: what merging ``source_branch`` into ``target_branch`` changes."""

    name: str
    agent_id: str
    source_branch: str
    target_branch: str
    changes: tuple[FieldChange, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    merged_version: str | None = None  # after the merge

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "id": self.agent_id,
            "source_branch_id": self.source_branch,
            "target_branch_id": self.target_branch,
            "changes": [change.as_dict() for change in self.changes],
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
        }
        if self.merged_version:
            data["version_id"] = self.merged_version
        return data


def _conflicts(preview: Mapping[str, Any]) -> tuple[Conflict, ...]:
    found = []
    for item in preview.get("conflicts") or []:
        if not isinstance(item, Mapping):
            continue
        section, path = str(item.get("section") or ""), str(item.get("path") or "")
        found.append(
            Conflict(
                f"{section}.{path}" if section and path else section or path,
                item.get("base_value"),
                item.get("source_value"),
                item.get("target_value"),
            )
        )
    return tuple(sorted(found, key=lambda conflict: conflict.path))


def promotion(
    name: str,
    agent_id: str,
    branches: tuple[str, str],
    target: Mapping[str, Any],
    preview: Mapping[str, Any],
) -> Promotion:
    """``branches``: (source, target) branch ids; ``target`` the target branch's agent as GET answers,
    ``preview`` the merge preview. Changes are the preview's fields that differ from the target, normalised
    as plans compare agents (server-owned fields and defaults aside)."""
    merged = {key: value for key, value in preview.items() if key not in PREVIEW_ONLY}
    before = normalise_remote(AGENT.name, dict(target))
    after = normalise_remote(AGENT.name, merged)
    changes = tuple(field_changes(before, after))
    return Promotion(name, agent_id, branches[0], branches[1], changes, _conflicts(preview))
