"""A rebase of a branch environment's branch onto main, as a reviewable plan: the API's rebase preview
compared field by field with the branch as it is, and the preview's conflicts (fields main and the branch
both changed since the branch was cut or last rebased). Pure: the reads and the writes are the command's.

The API's rebase has no force: a rebase with conflicts is refused. ``--force`` resolves them first, with
main's values (as a forced promote takes the source's): ``resolution`` is the deep-merge PATCH of the
branch that sets each conflicting field to main's value, after which the rebase has nothing to refuse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from agents_cli.engine.plan import FieldChange
from agents_cli.engine.promote import Conflict, Promotion, promotion


def rebasing(
    name: str,
    agent_id: str,
    branches: tuple[str, str],
    branch: Mapping[str, Any],
    preview: Mapping[str, Any],
    *,
    force: bool,
) -> Promotion:
    """``branches``: (main, branch) branch ids; ``branch`` the branch's agent as GET answers, ``preview``
    the rebase preview. With ``force``, the conflicting fields are changes too (to main's values)."""
    planned = promotion(name, agent_id, branches, branch, preview)
    if not force or not planned.conflicts:
        return planned
    taken = tuple(
        FieldChange(conflict.path, conflict.target, conflict.source) for conflict in planned.conflicts
    )
    known = {change.path for change in taken}
    kept = tuple(change for change in planned.changes if change.path not in known)
    return dataclasses.replace(planned, changes=tuple(sorted(kept + taken, key=lambda c: c.path)))


def resolution(conflicts: tuple[Conflict, ...]) -> dict[str, Any]:
    """The deep-merge PATCH body that gives each conflicting field main's value (``section.a.b``)."""
    body: dict[str, Any] = {}
    for conflict in conflicts:
        *parents, leaf = conflict.path.split(".")
        place = body
        for key in parents:
            place = place.setdefault(key, {})
        place[leaf] = conflict.source
    return body
