"""A resource answered exactly as at the last sync, with the same config, plans as a no-op without
normalising the answer or diffing it (most of a no-op plan's CPU, which delays the next request).

State's ``response_digest`` is a salted digest of the bytes of the answer whose normalised form
``remote_fingerprint`` and ``fields`` describe, and of what normalises it (this program's version, the
spec, the normaliser and kind sources): it is recorded only while ``fields`` are exactly that answer's
(never over kept drifted fields). A plan then skips the normalising when

- the GET's bytes digest to the recorded value (any byte changed, or another spec or normaliser: no skip),
- the config is the one recorded (``fingerprint``) and its normalised body is the remote recorded
  (``remote_fingerprint``): the diff would be empty and the state entry is current,
- the resource was found through its state id, has no reference waiting for an id, is not replaced, and
  our hidden tags need no refresh (read from the answer as it is),
- the kind has no write-only or create-only keys (a secret's value is never in an answer: it is always
  compared the full way).

Anything else takes the full path, which records a fresh digest when the plan is otherwise a no-op.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from agents_cli.engine.normalise import Desired
from agents_cli.engine.plan import Key, PlanOptions, ResourcePlan
from agents_cli.engine.planner import RemoteResource, _tag_refresh, plan_resource
from agents_cli.engine.remotes import remote_resource
from agents_cli.engine.response_digest import response_digest
from agents_cli.keypath import format_path
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import State, fingerprint
from agents_cli.remote.directory import Snapshot


def unchanged_plan(
    item: Desired,
    remote_id: str,
    document: Mapping[str, Any],
    answer: str | None,
    state: State,
    options: PlanOptions,
) -> ResourcePlan | None:
    """The no-op plan of a resource whose answer and config are as recorded (see the module docstring),
    or None when it must be planned the full way."""
    entry = state.get(item.kind, item.name)
    if entry is None or entry.response_digest is None or entry.id != remote_id or entry.fields is None:
        return None
    if item.pending or item.key in options.replace or entry.fingerprint != item.fingerprint:
        return None
    if entry.response_digest != response_digest(state.environment, item.kind, remote_id, answer):
        return None
    kind = REGISTRY[item.kind]
    version_id = document.get("version_id") if kind.branched else None
    remote = RemoteResource(
        id=remote_id,
        body={},
        managed_tags=kind.managed_tags(document),
        version_id=version_id if isinstance(version_id, str) else None,
    )
    if _tag_refresh(item, remote, state.tag_environment) is not None:
        return None
    if fingerprint(item.body) != entry.remote_fingerprint:
        return None
    return ResourcePlan(
        item.kind,
        item.name,
        "no-op",
        remote_id=remote_id,
        desired_fingerprint=item.fingerprint,
        remote_fingerprint=entry.remote_fingerprint,
        version_id=remote.version_id,
        api_name=kind.api_name(item.body),
        sensitive=tuple(sorted(item.sensitive, key=format_path)),
        templates=tuple(item.templates),
    )


def unchanged_plans(
    snapshot: Snapshot,
    items: Mapping[Key, Desired],
    state: State,
    options: PlanOptions,
    planned: Mapping[Key, ResourcePlan],
) -> dict[Key, ResourcePlan]:
    """``unchanged_plan`` of every resource found through its state id and not planned yet."""
    found: dict[Key, ResourcePlan] = {}
    for key, (remote_id, document, adopted) in snapshot.found.items():
        if adopted or key in planned or key not in items:
            continue
        unchanged = unchanged_plan(items[key], remote_id, document, snapshot.digests.get(key), state, options)
        if unchanged is not None:
            found[key] = unchanged
    return found


def planned_answer(
    item: Desired,
    remote_id: str,
    document: dict[str, Any],
    answer: str | None,
    state: State,
    options: PlanOptions,
) -> ResourcePlan:
    """The plan of a resource found through its state id: without normalising when it is unchanged."""
    unchanged = unchanged_plan(item, remote_id, document, answer, state, options)
    if unchanged is not None:
        return unchanged
    remote = remote_resource(item.kind, remote_id, document, state=state, name=item.name, answer=answer)
    return lean(plan_resource(item, remote, state, options=options))


def lean(item: ResourcePlan) -> ResourcePlan:
    """``item`` without the normalised remote when nothing will read it: only a state refresh, a plan with
    nothing writable (``none``) and a write that keeps drifted fields (plan files) do. With 1,000 agents,
    a full normalised document per resource kept to the end of the run is much of the peak memory."""
    write = item.write
    if item.remote_body is None or (
        write is not None and (write.operation in ("record", "none") or write.kept)
    ):
        return item
    return dataclasses.replace(item, remote_body=None)
