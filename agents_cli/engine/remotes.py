"""The remote side as the planner compares it: a remote document normalised (plus our hidden tags, and what
state recorded that the API cannot report), and which resources a change no update can make will replace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents_cli.engine.desired import DesiredSet
from agents_cli.engine.normalise import Ids, normalise_remote
from agents_cli.engine.plan import Key, ResourcePlan
from agents_cli.engine.planner import RemoteResource, field_changes, must_replace
from agents_cli.engine.replacing import from_state
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import State
from agents_cli.remote.directory import Snapshot


def remote_resource(
    kind: str,
    remote_id: str,
    document: dict[str, Any],
    *,
    adopted: bool = False,
    state: State | None = None,
    name: str = "",
    answer: str | None = None,
) -> RemoteResource:
    """A remote document as the planner compares it: normalised, plus the kind's hidden tags, plus what
    state recorded of it that the API cannot report (a document's content hash; same id only)."""
    version_id = document.get("version_id") if REGISTRY[kind].branched else None
    entry = state.get(kind, name) if state is not None else None
    recorded = entry.recorded if entry is not None and entry.id == remote_id else {}
    return RemoteResource(
        id=remote_id,
        body=from_state(kind, normalise_remote(kind, document), recorded),
        adopted=adopted,
        managed_tags=REGISTRY[kind].managed_tags(document),
        version_id=version_id if isinstance(version_id, str) else None,
        answer=answer,
    )


def content_replaced(
    snapshot: Snapshot,
    desired: DesiredSet,
    keys: list[Key],
    planned: Mapping[Key, ResourcePlan],
    state: State,
    ids: Ids,
) -> set[Key]:
    """Resources a change no update can make will replace (a document's new bytes): decided before the
    resources referencing them are normalised, so those are planned with the new id to come."""
    found: set[Key] = set()
    for key in keys:
        if not REGISTRY[key[0]].replace_on or key not in snapshot.found or key in planned:
            continue
        remote_id, document, adopted = snapshot.found[key]
        remote = remote_resource(key[0], remote_id, document, adopted=adopted, state=state, name=key[1])
        item = desired.normalise(key, ids)
        if item.body != remote.body and must_replace(key[0], field_changes(remote.body, item.body)):
            found.add(key)
    return found
