"""References between resources (``@tool:name``) and ``${ENV_VAR}`` placeholders inside config data.

A string whose whole value is ``@tool:<name>``, ``@test:<name>`` or ``@agent:<name>`` refers to another
resource of the project by its local name; it is resolved to that environment's remote id at plan/sync
time. ``${NAME}`` inside any string is an environment variable, resolved in memory only (secrets never
reach a file); ``$${`` writes a literal ``${``.

Everything here is a pure function over plain data: inputs are never mutated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agents_cli.keypath import KeyPath, map_strings, walk_strings
from agents_cli.kinds import REGISTRY, Slot
from agents_cli.project.errors import PlaceholderUnset
from agents_cli.project.loader import format_key_path

ReferenceKind = str  # a kind name of the registry

_KINDS = "|".join(re.escape(name) for name in REGISTRY.names)
REFERENCE_PATTERN = re.compile(rf"^@(?P<kind>{_KINDS}):(?P<name>[a-z0-9][a-z0-9._-]{{0,63}})$")
# Anything that starts like a reference but is not a valid one (``@tool:Bad Name``, ``@tool:``) — almost
# certainly a typo, so validation reports it instead of sending it to the API as a literal id.
REFERENCE_LIKE_PATTERN = re.compile(rf"^@(?:{_KINDS}):")
PLACEHOLDER_PATTERN = re.compile(r"\$\$\{|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")
# Every value a placeholder resolved to in this process: whatever a variable is called (``CRM_VALUE`` says
# nothing of a secret), a crash log redacts them (``cli.crash``).
RESOLVED_VALUES: set[str] = set()

# Where each kind of reference belongs: (path suffix with ``int`` standing for any list index) → kind.
REFERENCE_SLOTS: tuple[tuple[Slot, ReferenceKind], ...] = tuple(
    (slot, kind.name) for kind in REGISTRY for slot in kind.reference_slots
)


@dataclass(frozen=True)
class Reference:
    path: KeyPath
    kind: ReferenceKind
    name: str


@dataclass(frozen=True)
class Placeholder:
    path: KeyPath
    name: str


def parse_reference(value: str) -> tuple[ReferenceKind, str] | None:
    match = REFERENCE_PATTERN.match(value)
    if match is None:
        return None
    return match.group("kind"), match.group("name")


def find_references(data: Any) -> list[Reference]:
    """Every string value that is exactly a reference, in document order."""
    found: list[Reference] = []
    for path, value in walk_strings(data):
        if value.startswith("@"):
            parsed = parse_reference(value)
            if parsed is not None:
                found.append(Reference(path=path, kind=parsed[0], name=parsed[1]))
    return found


def referenced_resources(data: Any) -> set[tuple[ReferenceKind, str]]:
    """(kind, name) of every resource ``data`` references (for dependency order)."""
    return {(ref.kind, ref.name) for ref in find_references(data)}


def find_malformed_references(data: Any) -> list[tuple[KeyPath, str]]:
    """Strings that start like a reference (``@tool:``) but are not a valid one, and strings in a
    reference slot (``tool_ids[]``…) that start with ``@`` but are no reference (``@tol:x``, ``@lookup``):
    remote ids never start with ``@``, so these are typos that would reach the API as literal ids."""
    return [
        (path, value)
        for path, value in walk_strings(data)
        if not REFERENCE_PATTERN.match(value)
        and (
            REFERENCE_LIKE_PATTERN.match(value) or (value.startswith("@") and expected_kind(path) is not None)
        )
    ]


def find_bare_names(
    data: Any, names: Mapping[ReferenceKind, Iterable[str]]
) -> list[tuple[KeyPath, str, str]]:
    """(path, kind, value) of strings in a reference slot that are a local name of the slot's kind without
    the ``@kind:`` prefix (``tool_ids: [lookup-order]``): sent as they are, the API rejects them as ids."""
    found = []
    for path, value in walk_strings(data):
        if value.startswith("@"):
            continue
        kind = expected_kind(path)
        if kind is not None and value in set(names.get(kind, ())):
            found.append((path, kind, value))
    return found


def expected_kind(path: KeyPath) -> ReferenceKind | None:
    """The kind of reference a known slot takes (``tool_ids[0]`` → tool), or None for other places."""
    for suffix, kind in REFERENCE_SLOTS:
        if len(path) < len(suffix):
            continue
        tail = path[len(path) - len(suffix) :]
        if all(
            isinstance(part, int) if want is int else part == want
            for part, want in zip(tail, suffix, strict=True)
        ):
            return kind
    return None


def resolve_references(data: Any, resolve: Callable[[ReferenceKind, str], str]) -> Any:
    """A copy of ``data`` with each reference replaced by ``resolve(kind, name)`` (e.g. a remote id)."""

    def replace(_path: KeyPath, value: str) -> Any:
        if value.startswith("@"):
            parsed = parse_reference(value)
            if parsed is not None:
                return resolve(parsed[0], parsed[1])
        return value

    return map_strings(data, replace)


def find_placeholders(data: Any) -> list[Placeholder]:
    """Every ``${NAME}`` (not ``$${``-escaped) in string values, in document order."""
    found: list[Placeholder] = []
    for path, value in walk_strings(data):
        if "${" in value:
            for match in PLACEHOLDER_PATTERN.finditer(value):
                if match.group("name"):
                    found.append(Placeholder(path=path, name=match.group("name")))
    return found


def substitute_placeholders(value: str, path: KeyPath, environ: Mapping[str, str]) -> tuple[str, bool]:
    """``value`` with ``${NAME}`` replaced from ``environ`` and ``$${`` turned into ``${``, and whether it
    held a placeholder (its result is then a secret: never printed or written).

    Raises PlaceholderUnset naming the missing variable and where it is used."""
    if "${" not in value:
        return value, False
    used = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal used
        name = match.group("name")
        if name is None:
            return "${"
        if name not in environ:
            raise PlaceholderUnset(format_key_path(path), name)
        used = True
        RESOLVED_VALUES.add(environ[name])
        return environ[name]

    return PLACEHOLDER_PATTERN.sub(substitute, value), used


def resolve_placeholders(data: Any, environ: Mapping[str, str]) -> Any:
    """A copy of ``data`` with every ``${NAME}`` replaced (see ``substitute_placeholders``)."""

    def replace(path: KeyPath, value: str) -> Any:
        return substitute_placeholders(value, path, environ)[0]

    return map_strings(data, replace)
