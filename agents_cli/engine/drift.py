"""Field-level drift: which leaves of a remote resource changed since the last sync, without storing values.

After every apply, state keeps per resource a map *leaf path → short salted hash* of the normalised remote
value (``field_hashes``). Leaves equal to the schema default are left out (an absent path means "was the
default", or "was absent" where the schema has no default), which keeps the map small: only what the user
set. The next plan hashes the remote again and compares (``changed_leaves``): a differing leaf is drift.

Hashes: sha256 over ``salt \\0 path \\0 canonical JSON value``, first 16 hex digits (64 bits: plenty to tell
"changed" from "unchanged", and short). The salt is ``environment/kind/remote id``, so equal values in two
resources hash differently and no table of precomputed hashes fits every state file. The salt is not secret:
a low-entropy value (a boolean, a temperature) can be guessed by hashing candidates — but such values are in
the committed config anyway. Secrets enter configs only as ``${ENV}`` placeholders, whose values (API tokens)
are not guessable; state never holds any value in clear.

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

from agents_cli.kinds import REGISTRY

HASH_DIGITS = 16
_ABSENT = "-"  # the "hash" of a leaf that does not exist
Path = tuple[str | int, ...]


def leaves(value: Any) -> dict[str, Any]:
    """Leaf path → value, with the same path spelling as ``planner.diff``: dicts recurse, lists recurse by
    index when they hold dicts or lists, and a list of scalars (or an empty dict/list) is one leaf."""
    found: dict[str, Any] = {}
    _collect(value, "", found)
    return found


def _collect(value: Any, path: str, found: dict[str, Any]) -> None:
    # The path string is extended as we descend (not rebuilt per leaf): this runs for every leaf of every
    # resource on each plan and after each write.
    if isinstance(value, dict) and value:
        prefix = f"{path}." if path else ""
        for key, item in value.items():
            _collect(item, f"{prefix}{key}", found)
    elif isinstance(value, list) and value and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            _collect(item, f"{path}[{index}]", found)
    else:
        found[path] = value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def salt_for(environment: str, kind: str, remote_id: str) -> str:
    return f"{environment}/{kind}/{remote_id}"


def _hash(salt: str, path: str, canonical_value: str) -> str:
    digest = hashlib.sha256(f"{salt}\0{path}\0{canonical_value}".encode()).hexdigest()
    return digest[:HASH_DIGITS]


@functools.lru_cache(maxsize=32)
def _default_leaves(kind: str, discriminator: str) -> dict[str, Any]:
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


def field_hashes(kind: str, body: Mapping[str, Any], salt: str) -> dict[str, str]:
    """The state map for a normalised remote body: hashes of the leaves that differ from the defaults."""
    defaults = _default_leaves(kind, REGISTRY[kind].discriminator(body))
    hashes: dict[str, str] = {}
    current = leaves(dict(body))
    for path, value in current.items():
        if not _is_default(value, defaults.get(path, _NO_DEFAULT)):
            hashes[path] = _hash(salt, path, _canonical(value))
    # A default leaf that no longer exists must not read as "still default" — unless it only grew children
    # (an empty list or dict of the defaults that now has entries, whose leaves are listed already).
    for path in defaults.keys() - current.keys():
        if not any(_inside(leaf, path) for leaf in current):
            hashes[path] = _ABSENT
    return hashes


def changed_leaves(kind: str, body: Mapping[str, Any], recorded: Mapping[str, str], salt: str) -> set[str]:
    """Leaf paths where ``body`` differs from what ``recorded`` (a ``field_hashes`` map) describes; a path
    missing from a map stands for the default value on both sides."""
    current = field_hashes(kind, body, salt)
    return {path for path in current.keys() | recorded.keys() if current.get(path) != recorded.get(path)}


def related(path: str, others: Iterable[str]) -> bool:
    """``path`` is one of ``others``, inside one of them, or contains one of them."""
    return any(path == other or _inside(path, other) or _inside(other, path) for other in others)


def _inside(path: str, parent: str) -> bool:
    return path.startswith(parent + ".") or path.startswith(parent + "[")


def merge_kept(new: Mapping[str, str], old: Mapping[str, str], kept_paths: Iterable[str]) -> dict[str, str]:
    """The state map after a sync that kept some drifted fields: the new remote everywhere except under the
    kept paths, where the old hashes stay — so those fields still read as drifted on the next plan."""
    kept = list(kept_paths)
    merged = {path: digest for path, digest in new.items() if not related(path, kept)}
    merged.update({path: digest for path, digest in old.items() if related(path, kept)})
    return merged


_MISSING: Any = object()


def _get(document: Any, path: Path) -> Any:
    node = document
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return _MISSING
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return _MISSING
            node = node[part]
    return node


def _set(document: dict[str, Any], path: Path, value: Any) -> None:
    """Set (or with ``_MISSING`` delete) ``path`` in ``document`` in place, creating dicts on the way."""
    node: Any = document
    for part in path[:-1]:
        if isinstance(part, int):
            node = node[part]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
    last = path[-1]
    if value is _MISSING:
        if isinstance(node, dict):
            node.pop(last, None)
        return
    node[last] = value


def keep_remote(
    desired: Mapping[str, Any], remote: Mapping[str, Any], kept: Iterable[Path]
) -> dict[str, Any]:
    """``desired`` with the values at ``kept`` paths taken from ``remote`` (a list entry added or removed
    on one side keeps the remote's whole list)."""
    body = copy.deepcopy(dict(desired))
    for path in kept:
        target = path
        if (
            path
            and isinstance(path[-1], int)
            and (_get(body, path) is _MISSING or _get(remote, path) is _MISSING)
        ):
            target = path[:-1]
        if not target:
            continue
        value = _get(remote, target)
        _set(body, target, value if value is _MISSING else copy.deepcopy(value))
    return body


# The agent PATCH is a deep merge (objects merge key by key, lists and scalars replace), like the real API's:
# a key missing from the body means "unchanged", and ``null`` for an entry of a ``dict[str, Model]`` map is
# a 422 (the emulator answers so too), so there is no body that removes such a key.
MAP_KEY_REMOVAL = "the agent PATCH merges maps, so sync cannot remove this key"


def merge_cannot_remove(change: str, path: Path) -> bool:
    """A dict key present remotely and missing locally, outside any list: no deep-merge PATCH deletes it.

    Keys of the API's models never get here (normalisation fills their defaults on both sides, so removing
    one locally reads as a change to the default, which a PATCH can send); what is left are keys of maps
    whose keys are user data (``data_collection``, dynamic variable placeholders, language presets, request
    headers…). Inside a list the whole list is sent and replaces, so removals there are fine."""
    return change == "removed" and bool(path) and not any(isinstance(part, int) for part in path)


def merge_patch(body: Mapping[str, Any], paths: Iterable[Path]) -> dict[str, Any]:
    """The smallest deep-merge PATCH that makes the remote equal ``body`` at ``paths``: each path cut at its
    first list index (lists replace whole) and, when ``body`` lacks it, at its parent."""
    patch: dict[str, Any] = {}
    for path in paths:
        cut = path
        for index, part in enumerate(path):
            if isinstance(part, int):
                cut = path[:index]
                break
        while cut and _get(body, cut) is _MISSING:
            cut = cut[:-1]
        if not cut:
            return dict(body)
        _set(patch, cut, copy.deepcopy(_get(body, cut)))
    return patch
