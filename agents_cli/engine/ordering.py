"""Planner helpers that look at more than one resource or at what the API never returns: which creates
form a cycle, which creates ``--only`` needs, and the remote body with write-only and create-only keys filled
in from the config (``comparable_remote``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from agents_cli.engine.drift import ABSENT_HASH, field_hashes, salt_for
from agents_cli.engine.normalise import Desired
from agents_cli.engine.plan import Key
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import ResourceState

# What a write-only value is taken to be remotely when state's hash is not the config's (never shown).
VALUE_UNKNOWN = "\0agents-cli:value-unknown"


def comparable_remote(
    item: Desired, remote_id: str, remote_body: dict[str, Any], entry: ResourceState | None, environment: str
) -> dict[str, Any]:
    """The remote body with what the API never returns filled in from the config: create-only keys as
    they are (never compared), write-only values when state records no hash of them (pulled, or adopted
    after lost state: taken as they are) or the salted hash state recorded at the last write is
    the config's value's, else a marker that differs (a change of the config: "value changed")."""
    kind = REGISTRY[item.kind]
    body = {key: value for key, value in remote_body.items() if key not in kind.create_only}
    body.update((key, item.body[key]) for key in kind.create_only if key in item.body)
    salt = salt_for(environment, item.kind, remote_id)
    for key in kind.write_only:
        if key not in item.body:
            continue
        # Per leaf: a map of values (a webhook's request headers) is hashed header by header.
        recorded = (
            {path: hashed for path, hashed in entry.fields.items() if path[:1] == (key,)}
            if entry is not None and entry.fields and entry.id == remote_id
            else {}
        )
        mine = field_hashes(item.kind, {key: item.body[key]}, salt)
        known = (
            not recorded
            or recorded == {(key,): ABSENT_HASH}
            or recorded == {path: hashed for path, hashed in mine.items() if path[:1] == (key,)}
        )
        body[key] = item.body[key] if known else VALUE_UNKNOWN
    return body


def cyclic_creates(creates: Mapping[Key, set[Key]]) -> set[Key]:
    """Creates that (through other creates) reference themselves: ``creates`` maps each create to the
    creates it references."""
    cyclic: set[Key] = set()
    for start in creates:
        stack, seen = list(creates[start]), set()
        while stack:
            node = stack.pop()
            if node == start:
                cyclic.add(start)
                break
            if node not in seen:
                seen.add(node)
                stack.extend(creates.get(node, ()))
    return cyclic


def needed_creates(
    targets: Iterable[Key],
    included: Mapping[Key, str],
    found: Iterable[Key],
    depends: Callable[[Key], set[Key]],
) -> set[Key]:
    """``--only`` as terraform's ``-target``: a resource read only because a selected one references it is
    planned when it does not exist remotely yet (reached from the selection through such resources); one
    that exists only lends its id. Updates of unselected resources are never planned."""
    exists = set(found)
    needed: set[Key] = set()
    waiting = list(targets)
    while waiting:
        for dep in sorted(depends(waiting.pop())):
            if dep in included and dep not in exists and dep not in needed:
                needed.add(dep)
                waiting.append(dep)
    return needed


def with_unreturned(kind: str, remote_body: dict[str, Any], expect: Mapping[str, Any]) -> dict[str, Any]:
    """``remote_body`` plus the write-only and create-only keys as ``expect`` has them: the API never
    returns them, and state's hashes are of what was written."""
    resource_kind = REGISTRY[kind]
    keys = (*resource_kind.write_only, *resource_kind.create_only)
    body = {key: value for key, value in remote_body.items() if key not in resource_kind.create_only}
    return {**body, **{key: expect[key] for key in keys if key in expect}}
