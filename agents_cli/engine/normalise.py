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

from agents_cli.errors import ConfigError
from agents_cli.kinds import REGISTRY, ResourceKind
from agents_cli.project.references import REFERENCE_PATTERN, substitute_placeholders

KNOWN_AFTER_APPLY = "(known after apply)"
SENSITIVE = "(sensitive)"
REFERENCE = REFERENCE_PATTERN

ApplyModel = Callable[[str, object], tuple[object, list[dict[str, Any]]]]
Ids = Mapping[str, Mapping[str, str]]  # kind → local name → remote id


def _default_apply(schema_name: str, value: object) -> tuple[object, list[dict[str, Any]]]:
    from agents_cli.spec.model import models

    return models().apply(schema_name, value, strict=False)


def path_text(path: tuple[str | int, ...]) -> str:
    """``("a", "tool_ids", 0)`` → ``a.tool_ids[0]`` (the empty path is ``""``: keys of flattened bodies).
    Spelled as ``planner.diff`` spells change paths, keys bare, which masking compares with."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class Desired:
    """One local resource, normalised for comparison, plus what output and apply must know about it."""

    kind: str
    name: str
    body: dict[str, Any]
    sensitive: set[str] = field(default_factory=set)  # dotted paths whose value came from ${ENV}
    # Where each placeholder is, with its text (``Bearer ${TOKEN}``): what a plan file keeps instead of the
    # secret value.
    templates: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)
    pending: set[tuple[str, str]] = field(default_factory=set)  # references not created yet
    # Every reference, where it sits in ``body``: (path, kind, name).
    references: list[tuple[tuple[str | int, ...], str, str]] = field(default_factory=list)
    user_keys: dict[str, Any] = field(default_factory=dict)  # flattened leaves the user wrote (for create)
    warnings: list[str] = field(default_factory=list)
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
    def pending_references(self) -> list[tuple[tuple[str | int, ...], str, str]]:
        return [ref for ref in self.references if (ref[1], ref[2]) in self.pending]


def with_values(document: Any, values: Mapping[tuple[str | int, ...], Any]) -> Any:
    """``document`` with the value at each path replaced, copying only the containers on those paths."""
    if not values:
        return document
    copied: Any = dict(document) if isinstance(document, dict) else list(document)
    for path, value in values.items():
        node = copied
        for depth, part in enumerate(path[:-1]):
            child = node[part] if _has(node, part) else None
            if not isinstance(child, dict | list):
                break
            if child is _original_at(document, path[: depth + 1]):
                child = dict(child) if isinstance(child, dict) else list(child)
                node[part] = child
            node = child
        else:
            if path and _has(node, path[-1]):
                node[path[-1]] = value
    return copied


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _original_at(document: Any, path: tuple[str | int, ...]) -> Any:
    node = document
    for part in path:
        if not _has(node, part):
            return None
        node = node[part]
    return node


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
        node: Any = body
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)


def _walk_resolve(
    value: Any,
    path: tuple[str | int, ...],
    resolve_ref: Callable[[tuple[str | int, ...], str, str], str],
    environ: Mapping[str, str],
    desired: Desired,
) -> Any:
    if isinstance(value, dict):
        return {
            key: _walk_resolve(item, (*path, key), resolve_ref, environ, desired)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _walk_resolve(item, (*path, index), resolve_ref, environ, desired)
            for index, item in enumerate(value)
        ]
    if not isinstance(value, str):
        return value
    match = REFERENCE.match(value)
    if match:
        return resolve_ref(path, match.group("kind"), match.group("name"))
    resolved, used = substitute_placeholders(value, path, environ)
    if used:
        desired.sensitive.add(path_text(path))
        desired.templates.append((path, value))
    return resolved


def _flatten(value: Any, path: tuple[str | int, ...], into: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, (*path, key), into)
    elif isinstance(value, list) and value and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            _flatten(item, (*path, index), into)
    else:
        into[path_text(path)] = value


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

    def resolve_ref(path: tuple[str | int, ...], ref_kind: str, ref_name: str) -> str:
        desired.references.append((path, ref_kind, ref_name))
        found = ids.get(ref_kind, {}).get(ref_name)
        if found:
            return found
        if ref_name in declared.get(ref_kind, set()):
            desired.pending.add((ref_kind, ref_name))
            return KNOWN_AFTER_APPLY
        raise ConfigError(
            f"{kind} {name!r} references @{ref_kind}:{ref_name}, which is not declared in agents.json",
            hint=f"add it with 'agents add {ref_kind} {ref_name}' or fix the reference",
        )

    resource_kind = REGISTRY[kind]
    body = resource_kind.complete(name, resource_kind.request_shape(config))
    try:
        resolved = _walk_resolve(body, (), resolve_ref, environ, desired)
    except ConfigError as exc:
        owner = f"{kind} {name!r}"
        if exc.message.startswith(owner):
            raise
        # A missing ${VAR} names only the key path: say whose config it is (a project has many).
        raise ConfigError(f"{owner}: {exc.message}", hint=exc.hint) from exc
    _flatten(resolved, (), desired.user_keys)
    _strip(resource_kind, resolved)
    _fill_sections(resource_kind, resolved)
    coerced, errors = apply(resource_kind.model_for(resolved), resolved)
    desired.warnings = [
        f"{path_text(tuple(err.get('loc', [])[1:]))}: {err.get('msg', '')}"
        for err in errors
        if isinstance(err, dict)
    ]
    result = coerced if isinstance(coerced, dict) else {}
    _strip(resource_kind, result)
    desired.body = resource_kind.canonical(result)
    # The model keeps every place (only unknown keys go, and the references in them with them).
    desired.references = [ref for ref in desired.references if _has_path(desired.body, ref[0])]
    return desired


def _has_path(document: Any, path: tuple[str | int, ...]) -> bool:
    node = document
    for part in path:
        if not _has(node, part):
            return False
        node = node[part]
    return True


def normalise_remote(
    kind: str, remote: Mapping[str, Any], *, apply: ApplyModel = _default_apply
) -> dict[str, Any]:
    """A GET (or write) response, in the same shape as ``normalise_desired``'s body."""
    resource_kind = REGISTRY[kind]
    # Shallow is enough: only top-level keys change here, and ``apply`` builds a new document.
    body = dict(remote)
    for path in resource_kind.server_owned:
        if len(path) == 1:
            body.pop(path[0], None)
    _fill_sections(resource_kind, body)
    coerced, _errors = apply(resource_kind.model_for(body), body)
    result = coerced if isinstance(coerced, dict) else {}
    _strip(resource_kind, result)
    return resource_kind.canonical(result)


def send_body(kind: str, name: str, env: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The request body for create/update: the normalised body plus what the kind adds (our tags)."""
    return REGISTRY[kind].send_body(name, env, body)


def references_in(config: Any) -> set[tuple[str, str]]:
    """Every ``@kind:name`` reference in a raw config (for dependency order)."""
    found: set[tuple[str, str]] = set()
    if isinstance(config, dict):
        for item in config.values():
            found |= references_in(item)
    elif isinstance(config, list):
        for item in config:
            found |= references_in(item)
    elif isinstance(config, str):
        match = REFERENCE.match(config)
        if match:
            found.add((match.group("kind"), match.group("name")))
    return found
