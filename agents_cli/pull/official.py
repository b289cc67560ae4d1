"""Reading a project made with the official ElevenLabs CLI, for ``agents import official`` (no writing here).

The official CLI (1.x) keeps one registry per kind at the project root, named after our manifest sections —
``agents.json`` ``{"agents": [{"config": "agent_configs/x.json", "id": "agent_…", …}]}``, ``tools.json``,
``tests.json`` — and one JSON file per resource holding what it sends: an agent's API JSON, a tool's
``tool_config``, a test's body. Remote ids appear in the registry after a push, and raw ids stand where we
write references (``prompt.tool_ids``, ``attached_tests[].test_id``, transfer targets). 0.x (TypeScript) used
the same registries with camelCase entry keys (``configPath``, ``agentId``) in places; both are read.

``read_official`` turns that into ``Imported`` resources: a local name (the slug of the config file's name),
the config in our file shape with every known id replaced by its ``@kind:name`` reference, and the remote id
to record in state. Ids that stand in a reference slot but belong to no resource of the project, and entries
that cannot be read, are listed as ``Unmapped`` for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.keypath import format_path, walk_strings
from agents_cli.kinds import REGISTRY, ResourceKind
from agents_cli.project.loader import LoadError, load_file
from agents_cli.project.references import expected_kind, parse_reference
from agents_cli.pull.errors import NotAnOfficialProject
from agents_cli.pull.files import to_references
from agents_cli.pull.selection import unique_name

# How a registry entry names its config file and its remote id, 1.x first, then 0.x's spellings.
CONFIG_KEYS = ("config", "config_path", "configPath")
ID_SUFFIXES = ("id", "_id", "Id")


@dataclass(frozen=True)
class Imported:
    kind: str
    name: str  # local name
    source: Path  # the official config file, relative to the official project
    config: dict[str, Any]  # our file shape, references by name
    remote_id: str | None  # None: never pushed (the first sync creates it)


@dataclass(frozen=True)
class Unmapped:
    source: str  # a file of the official project (relative)
    where: str  # an entry index or a key path
    reason: str  # a code: unreadable, no_config, unknown_id, not_object
    value: str = ""


@dataclass(frozen=True)
class OfficialProject:
    folder: Path
    registries: tuple[str, ...]  # the registry files found
    resources: tuple[Imported, ...] = ()
    unmapped: tuple[Unmapped, ...] = field(default=())

    def ids(self) -> dict[str, dict[str, str]]:
        """Kind → local name → remote id, for state."""
        found: dict[str, dict[str, str]] = {kind.name: {} for kind in REGISTRY}
        for item in self.resources:
            if item.remote_id:
                found[item.kind][item.name] = item.remote_id
        return found


def registry_file(kind: ResourceKind) -> str:
    return f"{kind.section}.json"


def is_official_registry(data: Any, kind: ResourceKind) -> bool:
    """The official CLI's shape: the section is a list of entries (ours is a map of local names)."""
    return isinstance(data, dict) and isinstance(data.get(kind.section), list)


def _entry_id(entry: dict[str, Any], kind: ResourceKind) -> str | None:
    for key in ("id", *(f"{kind.name}{suffix}" for suffix in ID_SUFFIXES[1:])):
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _entry_config(entry: dict[str, Any]) -> str | None:
    for key in CONFIG_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _read_entries(
    folder: Path, kind: ResourceKind, unmapped: list[Unmapped]
) -> list[tuple[Path, dict[str, Any], str | None]] | None:
    """(config path, its document, remote id) per readable entry; None when there is no such registry."""
    registry = folder / registry_file(kind)
    if not registry.is_file():
        return None
    try:
        data = load_file(registry).data
    except LoadError:
        unmapped.append(Unmapped(registry.name, "", "unreadable"))
        return []
    if not is_official_registry(data, kind):
        return None
    found = []
    for index, entry in enumerate(data[kind.section]):
        config = _entry_config(entry) if isinstance(entry, dict) else None
        if config is None or not isinstance(entry, dict):
            unmapped.append(Unmapped(registry.name, f"{kind.section}[{index}]", "no_config"))
            continue
        path = Path(config)
        try:
            document = load_file(folder / path).data
        except LoadError:
            unmapped.append(Unmapped(config, "", "unreadable"))
            continue
        if not isinstance(document, dict):
            unmapped.append(Unmapped(config, "", "not_object"))
            continue
        if "type" not in document and isinstance(entry.get("type"), str):  # tools.json's "type"
            document = {"type": entry["type"], **document}
        found.append((path, document, _entry_id(entry, kind)))
    return found


def _local_name(path: Path, document: dict[str, Any], kind: ResourceKind, taken: set[str]) -> str:
    stem = re.sub(r"\.(json|ya?ml)$", "", path.name)
    api_name = kind.api_name(kind.request_shape(document)) or ""
    return unique_name(stem or api_name, taken, fallback=kind.name)


def _unknown_ids(item: Imported) -> list[Unmapped]:
    """Strings left in a reference slot that are not references: ids of nothing in the project."""
    return [
        Unmapped(item.source.as_posix(), format_path(path), "unknown_id", text)
        for path, text in walk_strings(item.config)
        if expected_kind(path) is not None and parse_reference(text) is None
    ]


def read_official(folder: Path) -> OfficialProject:
    """The official project at ``folder``; ``NotAnOfficialProject`` when it has none of the registries."""
    unmapped: list[Unmapped] = []
    raw: list[tuple[ResourceKind, Path, dict[str, Any], str | None]] = []
    registries = []
    for kind in REGISTRY:
        entries = _read_entries(folder, kind, unmapped)
        if entries is None:
            continue
        registries.append(registry_file(kind))
        raw.extend((kind, path, document, remote_id) for path, document, remote_id in entries)
    if not registries:
        raise NotAnOfficialProject(str(folder), [registry_file(kind) for kind in REGISTRY.listed()])
    taken: dict[str, set[str]] = {kind.name: set() for kind in REGISTRY}
    named = []
    for kind, path, document, remote_id in raw:
        name = _local_name(path, document, kind, taken[kind.name])
        taken[kind.name].add(name)
        named.append((kind, name, path, document, remote_id))
    references = {rid: kind.reference(name) for kind, name, _p, _d, rid in named if rid}
    resources = tuple(
        Imported(kind.name, name, path, to_references(document, references), rid)
        for kind, name, path, document, rid in named
    )
    for item in resources:
        unmapped.extend(_unknown_ids(item))
    return OfficialProject(folder, tuple(registries), resources, tuple(unmapped))
