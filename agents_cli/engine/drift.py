"""Field-level drift: which leaves of a remote resource changed since the last sync, without storing values.

After every apply, state keeps per resource a map *leaf path → short salted hash* of the normalised remote
value (``field_hashes``). Leaf paths are ``keypath.leaves``', the spelling of plan changes: keyed list items
by their id (``attached_tests[test_id=t1].test_id``), id sets (``tool_ids``, ``tags``) as one leaf whose
order does not count. Leaves equal to the schema default are left out (an absent path means "was the
default", or "was absent" where the schema has no default), which keeps the map small: only what the user
set. The next plan hashes the remote again and compares (``changed_leaves``): a differing leaf is drift.

Hashes: sha256 over ``salt \\0 path text \\0 canonical JSON value``, first 16 hex digits (64 bits: plenty to
tell "changed" from "unchanged", and short). The salt is ``environment/kind/remote id``, so equal values in
two resources hash differently and no table of precomputed hashes fits every state file. The salt is not
secret: a low-entropy value (a boolean, a temperature) can be guessed by hashing candidates — but such values
are in the committed config anyway. Secrets enter configs only as ``${ENV}`` placeholders, whose values (API
tokens) are not guessable; state holds no value in clear, except the ids that name keyed list items in the
paths (test, tool, knowledge base ids, allowlisted hostnames…), which the config holds too.

Also here: how sync keeps drifted fields (``keep_remote``), the minimal agent PATCH (``merge_patch``) and
which differences such a PATCH cannot express (``merge_cannot_remove``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from agents_cli.keypath import (
    MISSING,
    KeyPath,
    contains,
    delete_in,
    format_path,
    get,
    leaves,
    outside_lists,
    related,
    set_in,
)
from agents_cli.kinds import REGISTRY

HASH_DIGITS = 16
_ABSENT = "-"  # the "hash" of a leaf that does not exist
ABSENT_HASH = _ABSENT
FieldHashes = dict[KeyPath, str]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def salt_for(environment: str, kind: str, remote_id: str) -> str:
    return f"{environment}/{kind}/{remote_id}"


# The same leaf paths recur in every resource of a kind, on every plan and after every write: their text is
# worth keeping rather than spelling it again each time.
_path_text = functools.lru_cache(maxsize=8192)(format_path)


def _hash(salt: str, path: KeyPath, canonical_value: str) -> str:
    digest = hashlib.sha256(f"{salt}\0{_path_text(path)}\0{canonical_value}".encode()).hexdigest()
    return digest[:HASH_DIGITS]


@functools.lru_cache(maxsize=32)
def _default_leaves(kind: str, discriminator: str) -> dict[KeyPath, Any]:
    """Leaf path → schema default, for the smallest body of this kind and type."""
    from agents_cli.engine.normalise import normalise_remote

    minimal = REGISTRY[kind].minimal_body(discriminator)
    return leaves(copy.deepcopy(normalise_remote(kind, minimal)))


def _is_default(value: Any, default: Any) -> bool:
    """Equal and of the same JSON type (``1`` is not ``true``); containers compared as canonical JSON only
    when Python already finds them equal (rare: most leaves are scalars)."""
    if type(value) is not type(default) or value != default:
        return False
    return not value or not isinstance(value, dict | list) or _canonical(value) == _canonical(default)


_NO_DEFAULT: Any = object()


def field_hashes(kind: str, body: Mapping[str, Any], salt: str) -> FieldHashes:
    """The state map for a normalised remote body: hashes of the leaves that differ from the defaults."""
    defaults = _default_leaves(kind, REGISTRY[kind].discriminator(body))
    hashes: FieldHashes = {}
    current = leaves(dict(body))
    for path, value in current.items():
        if not _is_default(value, defaults.get(path, _NO_DEFAULT)):
            hashes[path] = _hash(salt, path, _canonical(value))
    # A default leaf that no longer exists must not read as "still default" — unless it only grew children
    # (an empty list or dict of the defaults that now has entries, whose leaves are listed already).
    gone = defaults.keys() - current.keys()
    # Prefixes of the current leaves, at the depths of the gone paths only: one set, not a scan per path.
    depths = {len(path) for path in gone}
    grown = {leaf[:depth] for leaf in current for depth in depths if depth < len(leaf)}
    hashes.update((path, _ABSENT) for path in gone if path not in grown)
    return hashes


def changed_leaves(
    kind: str, body: Mapping[str, Any], recorded: Mapping[KeyPath, str], salt: str
) -> set[KeyPath]:
    """Leaf paths where ``body`` differs from what ``recorded`` (a ``field_hashes`` map) describes; a path
    missing from a map stands for the default value on both sides."""
    current = field_hashes(kind, body, salt)
    return {path for path in current.keys() | recorded.keys() if current.get(path) != recorded.get(path)}


def merge_kept(
    new: Mapping[KeyPath, str], old: Mapping[KeyPath, str], kept: Iterable[KeyPath]
) -> FieldHashes:
    """The state map after a sync that kept some drifted fields: the new remote everywhere except under the
    kept paths, where the old hashes stay — so those fields still read as drifted on the next plan."""
    kept = list(kept)
    merged = {path: digest for path, digest in new.items() if not related(path, kept)}
    merged.update({path: digest for path, digest in old.items() if related(path, kept)})
    return merged


def keep_remote(
    desired: Mapping[str, Any], remote: Mapping[str, Any], kept: Iterable[KeyPath]
) -> dict[str, Any]:
    """``desired`` with the values at ``kept`` paths taken from ``remote``. A keyed list item added or
    removed on one side is added or removed by its id; by position (a list without ids) the remote's whole
    list is kept, since after an insertion the other positions no longer name the same items."""
    body = copy.deepcopy(dict(desired))
    for path in kept:
        target = path
        if path and isinstance(path[-1], int) and not (contains(body, path) and contains(remote, path)):
            target = path[:-1]
        if not target:
            continue
        value = get(remote, target)
        if value is MISSING:
            delete_in(body, target)
        else:
            set_in(body, target, copy.deepcopy(value))
    return body


# The agent PATCH is a deep merge (objects merge key by key, lists and scalars replace), like the real API's:
# a key missing from the body means "unchanged", and ``null`` for an entry of a ``dict[str, Model]`` map is
# a 422 (the emulator answers so too), so there is no body that removes such a key.
MAP_KEY_REMOVAL = "the agent PATCH merges maps, so sync cannot remove this key"


def merge_cannot_remove(change: str, path: KeyPath) -> bool:
    """A dict key present remotely and missing locally, outside any list: no deep-merge PATCH deletes it.

    Keys of the API's models never get here (normalisation fills their defaults on both sides, so removing
    one locally reads as a change to the default, which a PATCH can send); what is left are keys of maps
    whose keys are user data (``data_collection``, dynamic variable placeholders, language presets, request
    headers…). Inside a list (by index or by item id) the whole list is sent and replaces, so removals there
    are fine."""
    return change == "removed" and bool(path) and outside_lists(path) == path


def merge_patch(body: Mapping[str, Any], paths: Iterable[KeyPath]) -> dict[str, Any]:
    """The smallest deep-merge PATCH that makes the remote equal ``body`` at ``paths``: each path cut before
    its first list part (lists replace whole) and, when ``body`` lacks it, at its parent."""
    patch: dict[str, Any] = {}
    for path in paths:
        cut = outside_lists(path)
        while cut and not contains(body, cut):
            cut = cut[:-1]
        if not cut:
            return dict(body)
        set_in(patch, cut, copy.deepcopy(get(body, cut)))
    return patch
