"""Bring a local config and a remote resource into one comparable shape.

Both sides are applied to the API's create (Input) model with defaults filled and unknown keys dropped, so a
key deleted locally reads as "reset to default" and server-filled defaults never show as changes. On top:
server-owned fields are stripped, the echoed deprecated ``prompt.tools`` is dropped, our own environment tags
are hidden, references (``@tool:x``) become this environment's ids and ``${ENV}`` placeholders are resolved in
memory. Paths whose values came from placeholders are remembered as sensitive so no output ever shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agents_cli.engine.errors import ReferenceUndeclared
from agents_cli.keypath import (
    KeyPath,
    contains,
    delete_in,
    format_path,
    get,
    leaf_path,
    leaves,
    map_strings,
    with_values,
)
from agents_cli.kinds import REGISTRY, ResourceKind
from agents_cli.project.errors import PlaceholderUnset
from agents_cli.project.references import parse_reference, substitute_placeholders

KNOWN_AFTER_APPLY = "(known after apply)"
SENSITIVE = "(sensitive)"

ApplyModel = Callable[[str, object], tuple[object, list[dict[str, Any]]]]
Ids = Mapping[str, Mapping[str, str]]  # kind → local name → remote id


def _default_apply(schema_name: str, value: object) -> tuple[object, list[dict[str, Any]]]:
    if not schema_name:  # a kind compared in its own shape (``ResourceKind.canonical``)
        return value, []
    from agents_cli.spec.model import models

    return models().apply(schema_name, value, strict=False)


@dataclass
class Desired:
    """One local resource, normalised for comparison, plus what output and apply must know about it."""

    kind: str
    name: str
    body: dict[str, Any]
    # Where values came from ${ENV}, spelled as plan changes are (``keypath.leaves``): masked in every output.
    sensitive: set[KeyPath] = field(default_factory=set)
    # Where each placeholder is in ``body`` (list indexes), with its text (``Bearer ${TOKEN}``): what a plan
    # file keeps instead of the secret value.
    templates: list[tuple[KeyPath, str]] = field(default_factory=list)
    pending: set[tuple[str, str]] = field(default_factory=set)  # references not created yet
    # Every reference, where it sits in ``body`` (list indexes): (path, kind, name).
    references: list[tuple[KeyPath, str, str]] = field(default_factory=list)
    user_keys: dict[KeyPath, Any] = field(default_factory=dict)  # the leaves the user wrote (for create)
    warnings: list[str] = field(default_factory=list)
    # What a create sends besides the body (a document's file path or text: ``ResourceKind.upload``).
    upload: dict[str, Any] | None = None
    _fingerprint: str | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    @property
    def fingerprint(self) -> str:
        """Of the body with references written by name (``@tool:x``): what the config says, whatever ids
        its references have in this environment, so it is final when the plan is made."""
        if self._fingerprint is None:
            from agents_cli.project.state import fingerprint

            symbolic = with_values(self.body, {path: f"@{kind}:{ref}" for path, kind, ref in self.references})
            # Never a hash of a write-only value (a secret's): state holds only its salted per-field hash.
            write_only = REGISTRY[self.kind].write_only
            if write_only and isinstance(symbolic, dict):
                symbolic = {key: value for key, value in symbolic.items() if key not in write_only}
            self._fingerprint = fingerprint(symbolic)
        return self._fingerprint

    def matches_fingerprint(self, recorded: str | None) -> bool:
        """Whether state's fingerprint is this config's; state written before fingerprints named references
        by name holds the fingerprint of the resolved body, which counts too."""
        if recorded is None:
            return False
        if recorded == self.fingerprint:
            return True
        from agents_cli.project.state import fingerprint

        return bool(self.references) and recorded == fingerprint(self.body)

    @property
    def pending_references(self) -> list[tuple[KeyPath, str, str]]:
        return [ref for ref in self.references if (ref[1], ref[2]) in self.pending]


def request_shape(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The local file as a create body (a tool file may hold just the ``tool_config``)."""
    return REGISTRY[kind].request_shape(config)


def remote_name(kind: str, body: Mapping[str, Any]) -> str | None:
    """The name the API knows a resource by (used to adopt resources found by name)."""
    return REGISTRY[kind].api_name(body)


def _fill_sections(kind: ResourceKind, body: dict[str, Any]) -> None:
    for section in kind.server_filled:
        if body.get(section) is None:
            body[section] = {}


def _strip(kind: ResourceKind, body: dict[str, Any]) -> None:
    for path in kind.server_owned:
        delete_in(body, path)


def _string_resolver(
    desired: Desired, ids: Ids, declared: Mapping[str, set[str]], environ: Mapping[str, str]
) -> Callable[[KeyPath, str], str]:
    """What each string of ``desired``'s config becomes (for ``keypath.map_strings``): a reference its id,
    or ``(known after apply)`` when the resource is declared but not created yet; placeholders their values.
    Records the references, pending ones and placeholders in ``desired`` on the way."""

    def resolve(path: KeyPath, text: str) -> str:
        reference = parse_reference(text)
        if reference is None:
            resolved, used = substitute_placeholders(text, path, environ)
            if used:
                desired.templates.append((path, text))
            return resolved
        ref_kind, ref_name = reference
        desired.references.append((path, ref_kind, ref_name))
        found = ids.get(ref_kind, {}).get(ref_name)
        if found:
            return found
        if ref_name in declared.get(ref_kind, set()):
            desired.pending.add((ref_kind, ref_name))
            return KNOWN_AFTER_APPLY
        raise ReferenceUndeclared(desired.kind, desired.name, ref_kind, ref_name)

    return resolve


def _sensitive_paths(templates: list[tuple[KeyPath, str]], *documents: Any) -> set[KeyPath]:
    """The placeholders' places in the spelling of plan changes. That spelling names keyed list items by
    their id as each document has it; the resolved config and the normalised body could disagree on which
    field is the id (the model fills in defaults), so both spellings are masked: masking more is safe."""
    return {leaf_path(document, path) for document in documents for path, _text in templates}


def normalise_desired(
    kind: str,
    name: str,
    config: Mapping[str, Any],
    *,
    ids: Ids,
    declared: Mapping[str, set[str]],
    environ: Mapping[str, str],
    apply: ApplyModel = _default_apply,
) -> Desired:
    """The local config of ``kind``/``name`` as it should look remotely in this environment.

    ``ids`` are this environment's known remote ids; ``declared`` the local names per kind, so a reference
    to a declared resource without an id yet becomes ``(known after apply)``.
    """
    desired = Desired(kind=kind, name=name, body={})
    resource_kind = REGISTRY[kind]
    body = resource_kind.complete(name, resource_kind.request_shape(config))
    try:
        resolved = map_strings(body, _string_resolver(desired, ids, declared, environ))
    except PlaceholderUnset as exc:
        # A missing ${VAR} names only the key path: say whose config it is (a project has many).
        raise exc.of(kind, name) from None
    # As written (a set in the user's order, not its sorted leaf form): what a create lists.
    desired.user_keys = {path: get(resolved, path) for path in leaves(resolved)}
    _strip(resource_kind, resolved)
    _fill_sections(resource_kind, resolved)
    model = resource_kind.model_for(resolved)
    # A kind with no single request model (documents) compares its own shape (``canonical``).
    coerced, errors = apply(model, resolved) if model else (resolved, [])
    desired.upload = resource_kind.upload(config)  # a document's text is data: sent as written
    desired.warnings = [
        f"{format_path(tuple(err.get('loc', [])[1:]))}: {err.get('msg', '')}"
        for err in errors
        if isinstance(err, dict)
    ]
    result = coerced if isinstance(coerced, dict) else {}
    _strip(resource_kind, result)
    desired.body = resource_kind.canonical(result)
    # The model keeps every place (only unknown keys go, and the references in them with them).
    desired.references = [ref for ref in desired.references if contains(desired.body, ref[0])]
    desired.sensitive = _sensitive_paths(desired.templates, resolved, desired.body)
    desired.sensitive.update((key,) for key in resource_kind.write_only if key in desired.body)
    desired.sensitive.update(resource_kind.sensitive_paths(desired.body))
    return desired


# Per kind, how many answers this process normalised: a no-op plan of resources answered as at the last sync
# normalises none (``engine.unchanged``); tests and benchmarks read it, since the skip is otherwise unseen.
answers_normalised: dict[str, int] = {}


def normalise_remote(
    kind: str, remote: Mapping[str, Any], *, apply: ApplyModel = _default_apply
) -> dict[str, Any]:
    """A GET (or write) response, in the same shape as ``normalise_desired``'s body."""
    answers_normalised[kind] = answers_normalised.get(kind, 0) + 1
    resource_kind = REGISTRY[kind]
    # Shallow is enough: only top-level keys change here, and ``apply`` builds a new document.
    body = dict(remote)
    for path in resource_kind.server_owned:
        if len(path) == 1:
            body.pop(path[0], None)
    _fill_sections(resource_kind, body)
    model = resource_kind.model_for(body)
    coerced, _errors = apply(model, body) if model else (body, [])
    result = coerced if isinstance(coerced, dict) else {}
    _strip(resource_kind, result)
    return resource_kind.canonical(result)


def send_body(kind: str, name: str, env: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The request body for create/update: the normalised body plus what the kind adds (our tags)."""
    return REGISTRY[kind].send_body(name, env, body)
