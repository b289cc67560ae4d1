"""What ``agents pull`` writes for one remote resource: a minimal, reviewable config (pure, no IO).

Minimal means: server-owned fields gone (``normalise_remote``), every value equal to what the server
would fill in anyway dropped, ids of resources the project knows turned into ``@kind:name`` references,
and placeholders (``${VAR}``) of an existing local file kept instead of the values they stand for. Every
result is checked: the file, normalised the way ``plan`` does it, must equal the normalised remote, so
pull → plan shows no changes. Where dropping a default changes the meaning (an optional section whose
omission is ``null``, not its defaults), the value is put back; as a last resort the full normalised
document is used.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from agents_cli.engine.normalise import normalise_remote
from agents_cli.keypath import MISSING as MISSING  # pull's callers import it from here
from agents_cli.keypath import (
    KeyPath,
    ListMode,
    contains,
    delete_in,
    diff,
    format_path,
    get,
    leaves,
    map_strings,
    related,
    set_in,
    walk_strings,
)
from agents_cli.kinds import REGISTRY

# ``check(config) -> normalised body``: how plan sees a local config (references and placeholders resolved).
Check = Callable[[dict[str, Any]], dict[str, Any]]
# Keys that select a model variant (tool type, system tool type, test type): kept in the skeleton so defaults
# are computed for the right variant.
DISCRIMINATORS = frozenset({"type", "system_tool_type"})
MAX_REPAIRS = 4


def skeleton(value: Any) -> Any:
    """The dict structure of ``value`` (lists of dicts included) with every leaf removed except
    discriminators, so applying the model to it yields the defaults of exactly these sections."""
    if isinstance(value, list):
        return (
            [skeleton(item) for item in value]
            if value and all(isinstance(i, dict) for i in value)
            else MISSING
        )
    if not isinstance(value, dict):
        return MISSING
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in DISCRIMINATORS and isinstance(item, str):
            out[key] = item
            continue
        shape = skeleton(item)
        if shape is not MISSING:
            out[key] = shape
    return out


def defaults_for(kind: str, normalised: dict[str, Any]) -> dict[str, Any]:
    """What the server fills in for the sections ``normalised`` has, when they are given empty."""
    return normalise_remote(kind, skeleton(normalised))


def prune(value: Any, default: Any) -> Any:
    """``value`` without what equals ``default``; ``MISSING`` when nothing is left to say.

    Discriminators are always kept (without them the model cannot pick the variant), and list items are
    pruned one by one but never removed (a list's length is its meaning)."""
    if value == default:
        return MISSING
    if isinstance(value, dict):
        defaults = default if isinstance(default, dict) else {}
        out = {}
        for key, item in value.items():
            kept = item if key in DISCRIMINATORS else prune(item, defaults.get(key, MISSING))
            if kept is not MISSING:
                out[key] = kept
        if not out and isinstance(default, dict):
            return MISSING
        return out
    if isinstance(value, list) and isinstance(default, list) and len(value) == len(default):
        items = []
        for item, item_default in zip(value, default, strict=True):
            kept = prune(item, item_default)
            items.append(({} if isinstance(item, dict) else item) if kept is MISSING else kept)
        return items
    return value


FIRST_KEYS = ("type", "name", "description")


def readable_order(value: Any) -> Any:
    """``type``, ``name`` and ``description`` first at every level: what a reviewer looks for."""
    if isinstance(value, list):
        return [readable_order(item) for item in value]
    if not isinstance(value, dict):
        return value
    keys = [key for key in FIRST_KEYS if key in value] + [key for key in value if key not in FIRST_KEYS]
    return {key: readable_order(value[key]) for key in keys}


def whole_lists(_path: KeyPath, _items: list[Any]) -> ListMode:
    """The list policy of pull's round-trip checks: every list is one value. A repair puts the remote's
    value back at a differing path of the candidate config, where list items hold ``@kind:name`` instead of
    the ids the remote's items are keyed by: a path into a list would not find its item there."""
    return "whole"


def differing_paths(target: Any, seen: Any) -> list[KeyPath]:
    """Shallowest paths where two normalised documents differ (dicts recursed, lists and scalars whole)."""
    return [change.path for change in diff(target, seen, whole_lists)]


def set_or_remove(document: dict[str, Any], path: KeyPath, value: Any) -> None:
    """Set ``path`` to ``value`` (dicts made on the way), or remove it when ``value`` is MISSING."""
    if value is MISSING:
        delete_in(document, path)
    else:
        set_in(document, path, value)


def to_references(value: Any, references: Mapping[str, str]) -> Any:
    """Every string equal to a known remote id becomes its ``@kind:name`` reference."""
    return map_strings(value, lambda _path, text: references.get(text, text))


def keep_placeholders(
    config: dict[str, Any], existing: Any, resolve: Callable[[str], str | None]
) -> list[str]:
    """Put the existing file's ``${VAR}`` strings back where the pulled value is what they resolve to.

    A value that differs (the secret was changed in the dashboard) keeps the placeholder too, with a warning:
    pull never writes a secret's value into a file. Returns the warnings.
    """
    warnings: list[str] = []
    for path, text in _placeholders(existing):
        pulled = get(config, path)
        if pulled is MISSING or isinstance(pulled, dict | list):
            continue
        if resolve(text) != pulled:
            warnings.append(f"{format_path(path)}: differs remotely; kept {text}")
        set_in(config, path, text)
    return warnings


def _placeholders(existing: Any) -> list[tuple[KeyPath, str]]:
    """The ``${VAR}`` strings of a config (below its root) with their paths."""
    return [(path, text) for path, text in walk_strings(existing) if path and "${" in text]


SECRET_HEADER = re.compile(r"auth|token|key|secret|passw|cookie|signature", re.IGNORECASE)


def secret_variable(owner: str, header: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", f"{owner}_{header}".upper()).strip("_")


def extract_secret_headers(
    kind: str, name: str, config: dict[str, Any], environ: dict[str, str]
) -> tuple[list[KeyPath], list[str]]:
    """Credential-looking values in the kind's credential maps (a tool's request headers) become ``${VAR}``
    placeholders: a config file never holds a secret. The value goes into ``environ`` (memory only) so the
    round-trip check still holds. Returns the placeholder paths and warnings naming the variable to set."""
    paths: list[KeyPath] = []
    warnings: list[str] = []
    for prefix in REGISTRY[kind].credential_maps:
        headers = get(config, prefix)
        if not isinstance(headers, dict):
            continue
        for header, value in headers.items():
            if not isinstance(value, str) or "${" in value or not SECRET_HEADER.search(header):
                continue
            variable = secret_variable(name, header)
            environ[variable] = value
            headers[header] = "${" + variable + "}"
            paths.append((*prefix, header))
            warnings.append(
                f"request header {header!r} looks like a credential: written as ${{{variable}}}; "
                f"set {variable} (e.g. in .env) before the next plan"
            )
    return paths, warnings


def file_shape(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """What the config file holds (a tool file just the ``tool_config``; ``request_shape`` re-wraps it)."""
    return REGISTRY[kind].file_shape(config)


def name_of(kind: str, config: dict[str, Any]) -> str:
    """The API name secret variables are named after (the kind's name when it has none)."""
    return REGISTRY[kind].api_name(config) or kind


def repair(
    candidate: dict[str, Any],
    target: dict[str, Any],
    check: Check,
    references: Mapping[str, str],
    protected: list[KeyPath],
) -> dict[str, Any] | None:
    """Put back remote values where ``candidate`` does not round-trip; None when it cannot be made to.

    ``protected`` paths hold placeholders: a difference there (or above them) is accepted, never repaired,
    because repairing would write the secret's value.
    """
    current = copy.deepcopy(candidate)
    for _ in range(MAX_REPAIRS):
        try:
            seen = check(current)
        except Exception:  # a candidate the normaliser rejects is simply not good enough
            return None
        paths = [path for path in differing_paths(target, seen) if not related(path, protected)]
        if not paths:
            return current
        for path in paths:
            set_or_remove(current, path, to_references(copy.deepcopy(get(target, path)), references))
    return None


def minimal_config(
    kind: str,
    document: Mapping[str, Any],
    *,
    references: Mapping[str, str],
    check: Check,
    existing: Any = None,
    resolve: Callable[[str], str | None] = lambda _text: None,
    environ: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The config to write for a remote ``document`` (a GET response) and warnings for the user.

    ``references``: remote id → ``@kind:name`` for every resource the project knows in this environment;
    ``existing``: the current local config (request shape) when updating; its placeholders are kept.
    """
    target = normalise_remote(kind, document)
    pruned = prune(target, defaults_for(kind, target))
    candidate = to_references(pruned if isinstance(pruned, dict) else {}, references)
    # The name stays even when it equals a default: normalisation would otherwise fill in the local name.
    if "name" not in candidate and target.get("name"):
        candidate["name"] = target["name"]
    warnings: list[str] = []
    protected: list[KeyPath] = []
    if existing is not None:
        warnings = keep_placeholders(candidate, existing, resolve)
        protected = [path for path, _text in _placeholders(existing) if contains(candidate, path)]
    if environ is not None:
        secret_paths, secret_warnings = extract_secret_headers(
            kind, name_of(kind, candidate), candidate, environ
        )
        protected += secret_paths
        warnings += secret_warnings
    repaired = repair(candidate, target, check, references, protected)
    if repaired is None:
        repaired = to_references(copy.deepcopy(target), references)
        if existing is not None:
            keep_placeholders(repaired, existing, resolve)
        if environ is not None:
            extract_secret_headers(kind, name_of(kind, repaired), repaired, environ)
        warnings.append("could not be minimised; the full normalised document was written")
    elif isinstance(existing, dict):
        repaired = settle_on_existing(repaired, existing, target, check)
    else:
        round_trips = _no_worse(target, check, set(differing_paths(target, check(repaired))))

        def still_valid(candidate: dict[str, Any]) -> bool:  # the schema may require what the model infers
            from agents_cli.spec import schema_check

            if not round_trips(candidate):
                return False
            issues = schema_check.check(REGISTRY[kind].schema, file_shape(kind, candidate))
            return not any(issue.severity == "error" for issue in issues)

        repaired = drop_implied_discriminators(repaired, still_valid)
    return file_shape(kind, readable_order(repaired)), warnings


def _leaf_paths(value: Any) -> list[KeyPath]:
    """Paths of an overlay's leaves: dict keys recursively; lists and scalars are leaves (they replace)."""
    return list(leaves(value, whole_lists))


def _without(document: dict[str, Any], path: KeyPath) -> dict[str, Any]:
    """A copy of ``document`` without the key at ``path``; dicts left empty by it go too."""
    copied = copy.deepcopy(document)
    delete_in(copied, path)
    for depth in range(len(path) - 1, 0, -1):  # dicts only: leaves of whole lists never enter a list
        if get(copied, path[:depth]):
            break
        delete_in(copied, path[:depth])
    return copied


def _no_worse(
    target: dict[str, Any], check: Check, baseline: set[KeyPath]
) -> Callable[[dict[str, Any]], bool]:
    """Whether a candidate round-trips at least as well as the baseline (differences only where the
    baseline already had them: placeholders whose remote value differs)."""

    def acceptable(candidate: dict[str, Any]) -> bool:
        try:
            return set(differing_paths(target, check(candidate))) <= baseline
        except Exception:  # a candidate the normaliser rejects is simply not good enough
            return False

    return acceptable


def _drop_redundant_leaves(
    config: dict[str, Any], acceptable: Callable[[dict[str, Any]], bool], keep: Any = MISSING
) -> dict[str, Any]:
    """``config`` without each leaf whose removal keeps it acceptable; leaves present in ``keep`` (what the
    user wrote) stay."""
    current = config
    for path in _leaf_paths(config):
        if not path or (keep is not MISSING and contains(keep, path)):
            continue
        candidate = _without(current, path)
        if acceptable(candidate):
            current = candidate
    return current


def shrink_overlay(overlay: dict[str, Any], target: dict[str, Any], check: Check) -> dict[str, Any]:
    """``overlay`` without every leaf the base already provides: a value the remote echoes in another form
    (a default ``type`` added, list entries reordered) would otherwise read as a difference of this
    environment. A leaf stays when dropping it changes what ``check`` (base merged with the overlay,
    normalised) gives."""
    return _drop_redundant_leaves(overlay, _no_worse(target, check, set()))


def _nested_discriminator_paths(value: Any) -> list[KeyPath]:
    """Where a discriminator sits below the top level (a top-level ``type`` of a tool or test always stays);
    discriminators are strings (``skeleton`` keeps only those)."""
    return [path for path, _text in walk_strings(value) if len(path) > 1 and path[-1] in DISCRIMINATORS]


def drop_implied_discriminators(config: dict[str, Any], acceptable: Callable[[dict[str, Any]], bool]) -> Any:
    """``config`` without nested discriminators the model infers anyway (a built-in tool's ``type: system``,
    an evaluation criterion's ``type: prompt``): the templates leave them out, so a pulled file should too."""
    current = config
    for path in reversed(_nested_discriminator_paths(config)):  # deepest and last first: indexes stay valid
        candidate = copy.deepcopy(current)
        parent = get(candidate, path[:-1])
        if not isinstance(parent, dict) or path[-1] not in parent:
            continue
        del parent[path[-1]]
        if acceptable(candidate):
            current = candidate
    return current


def settle_on_existing(
    config: dict[str, Any], existing: dict[str, Any], target: dict[str, Any], check: Check
) -> dict[str, Any]:
    """An updated config as close to the user's file as the remote allows: values the user wrote that
    still mean the same (an explicit default such as ``language: en``) are kept, and values the remote
    merely echoes (a default ``type`` the file left out) are not added. Without this every pull --update
    rewrote untouched parts of the file."""
    acceptable = _no_worse(target, check, set(differing_paths(target, check(config))))
    current = copy.deepcopy(config)
    for path in _leaf_paths(existing):
        if not path:
            continue
        wanted = get(existing, path)
        if get(current, path) == wanted:
            continue
        candidate = copy.deepcopy(current)
        try:
            set_or_remove(candidate, path, copy.deepcopy(wanted))
        except (TypeError, IndexError):  # the user's file has another shape here (a dict for a list): not it
            continue
        if acceptable(candidate):
            current = candidate
    return _drop_redundant_leaves(current, acceptable, keep=existing)


def overlay_between(base: Any, wanted: Any) -> Any:
    """The smallest overlay that turns ``base`` into ``wanted`` under ``configs.deep_merge`` (dicts merge,
    everything else replaces). Keys only in ``base`` cannot be removed by an overlay: the caller's check puts
    explicit values there."""
    if isinstance(base, dict) and isinstance(wanted, dict):
        out = {}
        for key, value in wanted.items():
            if key not in base:
                out[key] = value
                continue
            child = overlay_between(base[key], value)
            if child is not MISSING:
                out[key] = child
        return out if out else MISSING
    return MISSING if base == wanted else wanted
