"""``plan(desired, remote, state) -> Plan``: a pure function over normalised documents.

Per resource the action (see ``engine.plan``), the field-level changes split into local changes and drift,
and the exact ``Write`` apply will send. Field-level drift comes from the per-field hashes in state
(``drift``); an entry without them (older state) falls back to the resource-level remote fingerprint, and
then every differing field counts as drifted. Everything a flag changes (``--force``, ``--replace``,
``--only``, ``--prune``) is an input here, so the plan is final when it is returned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agents_cli.engine.drift import (
    MAP_KEY_REMOVAL,
    changed_leaves,
    field_hashes,
    keep_remote,
    merge_cannot_remove,
    merge_patch,
    salt_for,
)
from agents_cli.engine.errors import ReplaceLosesDrift
from agents_cli.engine.normalise import SENSITIVE, Desired
from agents_cli.engine.ordering import comparable_remote, cyclic_creates, needed_creates
from agents_cli.engine.plan import (
    TAGS_REFRESHED,
    VALUE_CHANGED,
    FieldChange,
    Key,
    Pending,
    Plan,
    PlanOptions,
    ResourcePlan,
    Write,
)
from agents_cli.engine.response_digest import needs_digest
from agents_cli.keypath import KeyPath, diff, format_path, index_path, leaf_path, related
from agents_cli.kinds import REGISTRY
from agents_cli.project.state import ResourceState, State, remote_fingerprint


@dataclass(frozen=True)
class RemoteResource:
    """A remote resource found for a local name (or an orphan), already normalised."""

    id: str
    body: dict[str, Any]
    adopted: bool = False  # found by name/tag rather than through state
    # Our hidden tags as the remote has them (None: the kind carries none, not compared).
    managed_tags: list[str] | None = None
    version_id: str | None = None  # the remote's current version (kinds that are ``branched``)
    answer: str | None = None  # digest of the GET's bytes (``engine.unchanged``)


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """``keypath.diff`` as plan changes (keyed list items by id, id sets unordered, scalar lists whole):
    ``key`` the path for writing values back, ``path`` its text for people."""
    return [
        FieldChange(format_path(change.path), change.before, change.after, change.kind, key=change.path)
        for change in diff(before, after)
    ]


def mask(changes: list[FieldChange], sensitive: set[KeyPath]) -> list[FieldChange]:
    """Values that came from ``${ENV}`` placeholders are shown as ``(sensitive)`` on both sides: a change at,
    inside or containing such a place."""
    if not sensitive:
        return changes
    masked = []
    for change in changes:
        if related(change.key, sensitive):
            before = None if change.change == "added" else SENSITIVE
            after = None if change.change == "removed" else SENSITIVE
            masked.append(dataclasses.replace(change, before=before, after=after))
        else:
            masked.append(change)
    return masked


def _create_changes(item: Desired) -> tuple[FieldChange, ...]:
    changes = []
    for path, value in item.user_keys.items():
        shown = SENSITIVE if related(path, item.sensitive) else value
        changes.append(FieldChange(format_path(path), None, shown, "added", key=path))
    return tuple(changes)


def _drift_split(
    item: Desired,
    remote: RemoteResource,
    changes: list[FieldChange],
    entry: ResourceState | None,
    environment: str,
    remote_fp: str,
) -> tuple[list[FieldChange], list[FieldChange]]:
    """``changes`` (from the remote to the desired body, unmasked) split into local changes and drifted
    fields."""
    if entry is None or remote.adopted or entry.id != remote.id:
        return changes, []  # nothing recorded about this remote resource: all differences are local
    if entry.fields is None:
        # Older state: only a resource-level fingerprint; any remote edit makes every difference suspect.
        if entry.remote_fingerprint is not None and entry.remote_fingerprint != remote_fp:
            return [], changes
        return changes, []
    salt = salt_for(environment, item.kind, remote.id)
    # Write-only values cannot drift: the remote never shows them; a differing one is the config's change.
    remote_moved = {
        path
        for path in changed_leaves(item.kind, remote.body, entry.fields, salt)
        if path[:1] not in {(key,) for key in REGISTRY[item.kind].write_only}
    }
    if not remote_moved:
        return changes, []
    local_moved = changed_leaves(item.kind, item.body, entry.fields, salt)
    local, drifted = [], []
    for change in changes:
        if related(change.key, remote_moved):
            drifted.append(dataclasses.replace(change, conflict=related(change.key, local_moved)))
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
    entry: ResourceState | None, item: Desired, remote: RemoteResource, environment: str, remote_fp: str
) -> bool:
    if entry is None or entry.id != remote.id or entry.fields is None:
        return False
    if entry.remote_fingerprint != remote_fp or not item.matches_fingerprint(entry.fingerprint):
        return False
    return entry.fields == field_hashes(item.kind, remote.body, salt_for(environment, item.kind, remote.id))


def _pending(item: Desired) -> tuple[Pending, ...]:
    return tuple(Pending(path, kind, name) for path, kind, name in item.pending_references)


Templates = tuple[tuple[KeyPath, str], ...]


def _moved(path: KeyPath, before: Any, after: Any) -> KeyPath | None:
    """Where the value at ``path`` (by list index) of ``before`` sits in ``after``, made from it by
    ``keep_remote``: a kept keyed item added or removed by id moves the items after it. None when the item
    holding it is gone."""
    leaf = leaf_path(before, path)
    found = index_path(after, leaf)
    return None if found is None else (*found, *path[len(leaf) :])


def _places_in(expect: Any, item: Desired) -> tuple[tuple[Pending, ...], Templates]:
    """The pending references and the placeholders, by their list indexes in ``expect`` (what the write
    sends and apply fills in) rather than in the desired body."""
    pending = []
    for ref in _pending(item):
        path = _moved(ref.path, item.body, expect)
        if path is not None:
            pending.append(Pending(path, ref.kind, ref.name))
    templates = []
    for place, text in item.templates:
        path = _moved(place, item.body, expect)
        if path is not None:
            templates.append((path, text))
    return tuple(pending), tuple(templates)


def _update_write(
    item: Desired,
    remote: RemoteResource,
    changes: list[FieldChange],
    drifted: list[FieldChange],
    *,
    environment: str,
    force: bool,
) -> tuple[Write, Templates]:
    """What an update sends, and where the placeholders are in it: drifted fields kept as the remote has
    them (unless ``force``); changes no write can make left out and reported; a deep-merge PATCH cut to the
    changed paths."""
    kind = REGISTRY[item.kind]
    kept = [] if force else drifted
    to_write = changes if kept else changes + drifted
    blocked = tuple(change.path for change in to_write if change.cannot_apply)
    writable = [change for change in to_write if not change.cannot_apply]
    pending, templates = _pending(item), tuple(item.templates)
    kept_keys = tuple(change.key for change in kept)
    expect = item.body
    if kept:
        # Kinds written whole carry the remote's values at the kept paths, so the write leaves them as
        # they are; that may move list items, and with them the places apply and plan files fill in.
        expect = keep_remote(item.body, remote.body, kept_keys)
        pending, templates = _places_in(expect, item)
    kept_paths = tuple(change.path for change in kept)
    if (kept or blocked) and not writable and not pending:
        return Write("none", expect=expect, kept=kept_paths, kept_keys=kept_keys, blocked=blocked), templates
    body = kind.send_body(item.name, environment, expect)
    if kind.update_merges and writable and not pending and all(change.key for change in writable):
        body = merge_patch(body, [change.key for change in writable])
    body = kind.update_body(body, remote.body)
    return Write("update", body, expect, pending, kept_paths, kept_keys, blocked), templates


def _base(
    item: Desired,
    action: str,
    remote: RemoteResource | None,
    templates: Templates | None = None,
    **extra: Any,
) -> ResourcePlan:
    return ResourcePlan(
        item.kind,
        item.name,
        action,  # type: ignore[arg-type]
        remote_id=remote.id if remote else None,
        adopted=remote.adopted if remote else False,
        pending=tuple(sorted(f"@{kind}:{name}" for kind, name in item.pending)),
        desired_fingerprint=item.fingerprint,
        remote_fingerprint=remote_fingerprint(item.kind, remote.body) if remote else None,
        version_id=remote.version_id if remote else None,
        api_name=REGISTRY[item.kind].api_name(item.body),
        remote_body=remote.body if remote else None,
        sensitive=tuple(sorted(item.sensitive, key=format_path)),
        templates=tuple(item.templates) if templates is None else templates,
        answer=remote.answer if remote else None,
        **extra,
    )


def plan_resource(
    item: Desired,
    remote: RemoteResource | None,
    state: State,
    *,
    options: PlanOptions | None = None,
    cyclic: bool = False,
) -> ResourcePlan:
    """The plan for one resource. ``cyclic``: it is a create in a cycle of creates (see ``Write``)."""
    options = options or PlanOptions()
    entry = state.get(item.kind, item.name)
    environment, tags_env = state.environment, state.tag_environment
    kind = REGISTRY[item.kind]
    if remote is None:
        body = kind.create_body(kind.send_body(item.name, tags_env, item.body))
        write = Write("create", body, item.body, _pending(item), placeholder_first=cyclic, upload=item.upload)
        return _base(item, "create", None, changes=_create_changes(item), write=write)
    if kind.write_only or kind.create_only:
        remote = dataclasses.replace(
            remote, body=comparable_remote(item, remote.id, remote.body, entry, environment)
        )
    remote_fp = remote_fingerprint(item.kind, remote.body)
    refresh = _tag_refresh(item, remote, tags_env)
    # Equal bodies need no diff; unequal ones may still have no changes (a keyed list or set reordered).
    changes = [] if item.body == remote.body else field_changes(remote.body, item.body)
    if item.key in options.replace or must_replace(item.kind, changes):
        return _replaced(item, remote, entry, state, options)
    if not changes and not item.pending and refresh is None:
        stale = not _state_is_current(entry, item, remote, environment, remote_fp) or needs_digest(
            entry, environment, item.kind, remote.id, remote.answer
        )
        return _base(item, "no-op", remote, refresh_state=stale, write=Write("record") if stale else None)
    local, drifted = _drift_split(item, remote, changes, entry, environment, remote_fp)
    local, drifted = _mark_unmergeable(item.kind, local), _mark_unmergeable(item.kind, drifted)
    if refresh is not None and not any(change.key[:1] == ("tags",) for change in local + drifted):
        local.append(refresh)  # a write of user tags carries ours anyway (``send_body``)
    write, templates = _update_write(item, remote, local, drifted, environment=tags_env, force=options.force)
    if kind.write_only:  # "value changed", never values (not even masked ones)
        local = [
            dataclasses.replace(change, before=None, after=None, note=VALUE_CHANGED)
            if change.key[:1] in {(key,) for key in kind.write_only}
            else change
            for change in local
        ]
    return _base(
        item,
        "drift" if drifted else "update",
        remote,
        templates,
        changes=tuple(mask(local, item.sensitive)),
        drifted=tuple(mask(drifted, item.sensitive)),
        write=write,
    )


def _replaced(
    item: Desired,
    remote: RemoteResource,
    entry: ResourceState | None,
    state: State,
    options: PlanOptions,
) -> ResourcePlan:
    """``--replace``: the resource is created again from its config and the old one deleted, so every
    difference applies (map keys a PATCH cannot remove included) — at the price of a new id. Drifted fields
    would be lost, so they need ``--force``."""
    differences = field_changes(remote.body, item.body)
    remote_fp = remote_fingerprint(item.kind, remote.body)
    local, drifted = _drift_split(item, remote, differences, entry, state.environment, remote_fp)
    if drifted and not options.force:
        raise ReplaceLosesDrift(item.name, len(drifted))
    every = mask(local + drifted, item.sensitive)
    kind = REGISTRY[item.kind]
    body = kind.create_body(kind.send_body(item.name, state.tag_environment, item.body))
    write = Write("replace", body, item.body, _pending(item), upload=item.upload)
    changes = tuple(dataclasses.replace(change, cannot_apply=None, conflict=False) for change in every)
    return _base(item, "replace", remote, changes=changes, write=write)


def must_replace(kind: str, changes: list[FieldChange]) -> bool:
    """A change no update can make (a document's content, an MCP server's URL): the resource is
    replaced."""
    prefixes = REGISTRY[kind].replace_on
    return any(change.key[: len(prefix)] == prefix for change in changes for prefix in prefixes)


def plan(
    desired: Iterable[Desired],
    remote: Mapping[Key, RemoteResource],
    state: State,
    *,
    orphans: Mapping[Key, RemoteResource] | None = None,
    options: PlanOptions | None = None,
    stale: Iterable[Key] = (),
    included: Mapping[Key, str] | None = None,
    planned: Iterable[ResourcePlan] = (),
) -> Plan:
    """The plan for one environment. ``remote`` maps (kind, local name) to what was found remotely;
    ``orphans`` are remote resources of this environment that no local config declares any more (deleted
    with ``options.prune``); ``included`` the resources loaded only because a selected one needs them
    created (``--only``; key → the referrer's name); ``planned`` resources planned earlier (while the
    remote was still being read), kept as they are."""
    options = options or PlanOptions()
    included = included or {}
    items = {item.key: item for item in desired}
    early = {item.key: item for item in planned}
    creates = {key: set(item.pending) for key, item in items.items() if key not in remote}
    cyclic = cyclic_creates({key: deps & creates.keys() for key, deps in creates.items()})
    resources = [
        plan_resource(item, remote.get(key), state, options=options, cyclic=key in cyclic)
        for key, item in items.items()
        if key not in early
    ]
    resources += early.values()
    needed = needed_creates(
        [key for key in items if key not in included],
        included,
        [*remote.keys(), *early.keys()],
        lambda key: {(kind, name) for _path, kind, name in items[key].references} if key in items else set(),
    )
    kept = []
    for resource in resources:
        if resource.key not in included:
            kept.append(resource)
        elif resource.key in needed:
            kept.append(dataclasses.replace(resource, included_because=included[resource.key]))
    kept.sort(key=lambda resource: REGISTRY.order_key(resource.key))
    if options.prune:
        for key, found in sorted((orphans or {}).items(), key=lambda pair: REGISTRY.order_key(pair[0])):
            kept.append(ResourcePlan(key[0], key[1], "delete", remote_id=found.id, write=Write("delete")))
    return Plan(state.environment, tuple(kept), options, tuple(sorted(stale)))
