"""The project manifest (``agents.json``): environments and resources by local name.

This module checks the manifest against its schema, turns it into typed objects, finds the project root, makes
local names from what users type, and edits the manifest (``register_resource``) deterministically.
Schema checks with file positions live in ``commands/validate.py`` (via ``loader`` and ``schema_check``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.errors import ProjectNotFound, UnknownEnvironment
from agents_cli.kinds import REGISTRY
from agents_cli.project.environments import Environment as Environment  # re-exported: its old home
from agents_cli.project.environments import main_environment, parse_environment
from agents_cli.project.errors import (
    ManifestInvalid,
    ManifestShape,
    NameAmbiguous,
    NoDefaultEnvironment,
    NotDeclared,
    Registration,
)
from agents_cli.project.files import FileStore
from agents_cli.project.loader import Document, dump_json, load_file, write_atomic

MANIFEST_NAME = "agents.json"
LOCAL_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MANIFEST_SCHEMA_HINT = ".agents/schemas/manifest.schema.json"


@dataclass(frozen=True)
class Resource:
    kind: str  # a name in agents_cli.kinds.REGISTRY
    name: str
    config: Path  # relative to the project root, as written in the manifest
    overlays: dict[str, Path] = field(default_factory=dict)
    # Declared in agents.json itself (kinds with ``inline``): the config is the entry, ``config`` is the
    # manifest, and the entry's ``overlays`` hold partial configs per environment.
    inline: bool = False
    # The environments an inline entry is declared in (its ``environments``; None: every one). A phone
    # number routes to one agent, so it belongs to one environment where several share a workspace.
    only_in: tuple[str, ...] | None = None

    def declared_in(self, env: str | None) -> bool:
        return env is None or self.only_in is None or env in self.only_in

    def files_for(self, env: str | None) -> list[Path]:
        """The base config, then the overlay for ``env`` if there is one."""
        files = [self.config]
        if env is not None and env in self.overlays:
            files.append(self.overlays[env])
        return files


@dataclass
class Project:
    root: Path
    manifest: dict[str, Any]
    environments: dict[str, Environment]
    resources: dict[str, dict[str, Resource]]  # kind name → local name → resource
    default_environment: str | None = None
    manifest_document: Document | None = None  # positions of every manifest key, when loaded from a file
    # Every file this run reads (manifest, configs, overlays, scenarios), each read and parsed once.
    files: FileStore = field(default_factory=FileStore, repr=False)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    def environment(self, name: str | None) -> Environment:
        """The named environment, else the default one; unknown names list the valid ones."""
        chosen = name or self.default_environment
        if chosen is None:
            if len(self.environments) == 1:
                return next(iter(self.environments.values()))
            raise NoDefaultEnvironment(list(self.environments))
        if chosen not in self.environments:
            raise UnknownEnvironment(chosen, sorted(self.environments))
        return self.environments[chosen]

    def main_of(self, env: Environment) -> Environment:
        """The environment whose agents a branch environment branches (``project.environments``)."""
        return main_environment(self.environments, env)

    def all(self, kind: str | None = None) -> list[Resource]:
        """Every declared resource (of ``kind``), in dependency order."""
        kinds = REGISTRY.names if kind is None else (kind,)
        return [res for k in kinds for res in self.resources[k].values()]

    def get(self, kind: str, name: str) -> Resource | None:
        return self.resources[kind].get(name)

    def find(self, name: str, kind: str | None = None) -> Resource:
        """The resource a NAME argument means (``kind`` narrows it; a name several kinds share needs it)."""
        matches = [res for res in self.all(kind) if res.name == name]
        if not matches:
            known = [res.name for res in self.all(kind)]
            raise NotDeclared(kind or "resource", [name], known)
        if len(matches) > 1:
            raise NameAmbiguous(name, [res.kind for res in matches])
        return matches[0]

    def declared(self, env: str | None = None) -> dict[str, set[str]]:
        """Kind name → the local names agents.json declares (in ``env``: see ``Resource.only_in``)."""
        return {
            kind: {name for name, res in names.items() if res.declared_in(env)}
            for kind, names in self.resources.items()
        }

    def path(self, relative: Path) -> Path:
        return self.root / relative


def find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / MANIFEST_NAME).is_file():
            return folder
    raise ProjectNotFound(str(start))


def _mapping(value: Any) -> dict[str, Any]:
    """A part of the manifest that must be an object, or {} (its schema problem is reported elsewhere)."""
    return value if isinstance(value, dict) else {}


def parse_manifest(root: Path, data: dict[str, Any]) -> Project:
    """Typed view of a manifest dict. Parts of another type than the schema's are left out (validation
    reports them; ``check_manifest`` refuses them before any other command uses the project)."""
    environments = {
        name: parse_environment(name, spec)
        for name, spec in _mapping(data.get("environments")).items()
        if isinstance(spec, dict)
    }
    resources: dict[str, dict[str, Resource]] = {}
    for kind in REGISTRY:
        resources[kind.name] = {}
        for name, entry in _mapping(data.get(kind.section)).items():
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("config"), str):
                overlays = {
                    env: Path(p) for env, p in _mapping(entry.get("overlays")).items() if isinstance(p, str)
                }
                resources[kind.name][name] = Resource(kind.name, name, Path(entry["config"]), overlays)
            elif kind.inline:
                overlays = {env: Path(MANIFEST_NAME) for env in _mapping(entry.get("overlays"))}
                only = entry.get("environments")
                only_in = tuple(str(env) for env in only) if isinstance(only, list) else None
                resources[kind.name][name] = Resource(
                    kind.name, name, Path(MANIFEST_NAME), overlays, inline=True, only_in=only_in
                )
    default = data.get("default_environment")
    if not isinstance(default, str):
        default = None  # another type: the manifest schema reports it
    return Project(
        root=root, manifest=data, environments=environments, resources=resources, default_environment=default
    )


def path_problem(root: Path, relative: Path) -> str | None:
    """Why a path the manifest names must not be opened, or None: absolute or ``..`` (outside the project),
    a NUL byte or an over-long name (the OS refuses it), a symlink loop, or a symlink out of the project.
    Checked before anything opens it, so a file outside is never read (nor its values echoed)."""
    text = relative.as_posix()
    if "\x00" in text:
        return "a config path cannot contain a NUL character"
    if relative.is_absolute() or ".." in relative.parts:
        return "config paths must be relative and inside the project"
    if len(text.encode("utf-8", "surrogateescape")) > 1024 or any(
        len(part.encode("utf-8", "surrogateescape")) > 255 for part in relative.parts
    ):
        return "the file name is too long"
    try:
        resolved = (root / relative).resolve()
        outside = not resolved.is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return "a symlink loop"
    if outside:
        return "the path leads outside the project (a symlink)"
    return None


def load_manifest_document(root: Path, files: FileStore | None = None) -> Document:
    """``agents.json`` with positions (errors carry file:line:col); without ``files`` read afresh (edits)."""
    path = root / MANIFEST_NAME
    document = files.document(path) if files is not None else load_file(path)
    if not isinstance(document.data, dict):
        raise ManifestShape(str(document.path))
    return document


def check_manifest(document: Document) -> None:
    """Refuse a manifest with schema errors. A typo is not harmless here: ``"emulatr": true`` would turn the
    local emulator environment into one that talks to the real API with ``ELEVENLABS_API_KEY``, and a
    misspelt section would silently declare nothing."""
    from agents_cli.spec.schema_check import check

    errors = [issue for issue in check("manifest", document.data) if issue.severity == "error"]
    if not errors:
        return
    first = errors[0]
    line, column = document.locate(first.path)
    raise ManifestInvalid(MANIFEST_NAME, line, column, first.dotted_path, first.message, len(errors) - 1)


def load_project(cwd: Path) -> Project:
    """Find ``agents.json`` upwards from ``cwd``, check it against the manifest schema and parse it (errors
    carry line:col)."""
    from agents_cli.project import validation_cache

    root = find_root(cwd)
    validation_cache.load(root)
    files = FileStore()
    document = load_manifest_document(root, files)
    check_manifest(document)
    validation_cache.save(root)
    project = parse_manifest(root, document.data)
    project.manifest_document = document
    project.files = files
    return project


def slugify(name: str) -> str:
    """The local name for what a user typed: ``Support Bot`` → ``support-bot``, ``Café Menu`` → ``cafe-menu``.

    Only ``[a-z0-9._-]`` survive, so the result is always a safe single file name (no ``/``, no ``..``
    prefix); an empty result means the name had nothing usable.
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9._]+", "-", ascii_text)
    slug = re.sub(r"-{2,}", "-", slug)
    slug = slug.strip("-._")[:64].rstrip("-._")
    return slug


def config_path_for(kind: str, slug: str, file_format: str, environment: str | None = None) -> Path:
    """Where ``agents add`` puts a config: ``agents/<slug>.yaml``, overlays ``agents/<slug>.<env>.yaml``."""
    suffix = "json" if file_format == "json" else "yaml"
    stem = slug if environment is None else f"{slug}.{environment}"
    return Path(REGISTRY[kind].folder) / f"{stem}.{suffix}"


def scaffold_manifest() -> dict[str, Any]:
    """The manifest ``agents init`` writes: an emulator environment plus dev/prod examples."""
    return {
        "$schema": MANIFEST_SCHEMA_HINT,
        "version": 1,
        "default_environment": "local",
        "environments": {
            "local": {"emulator": True},
            "dev": {"api_key_env": "ELEVENLABS_API_KEY_DEV", "residency": "global"},
            "prod": {"api_key_env": "ELEVENLABS_API_KEY_PROD", "residency": "global"},
        },
        **{kind.section: {} for kind in REGISTRY.listed() if not kind.inline},
    }


def register_resource(
    root: Path, kind: str, name: str, config: Path, overlays: dict[str, Path] | None = None
) -> None:
    """Add ``name`` to its manifest section (appended: existing key order is kept) with an atomic write."""
    path = root / MANIFEST_NAME
    data = load_manifest_document(root).data
    section_name = REGISTRY[kind].section
    section = data.get(section_name)
    if section is None:
        section = data[section_name] = {}
    if not isinstance(section, dict):
        raise ManifestShape(str(path), section_name)
    if name in section:
        raise Registration(kind, name, registered=True)
    entry: dict[str, Any] = {"config": config.as_posix()}
    if overlays:
        entry["overlays"] = {env: overlay.as_posix() for env, overlay in overlays.items()}
    section[name] = entry
    write_atomic(path, dump_json(data))


def register_inline(root: Path, kind: str, name: str, entry: dict[str, Any]) -> None:
    """Declare ``name`` in agents.json itself (kinds with ``inline``), appended, with an atomic write."""
    path = root / MANIFEST_NAME
    data = load_manifest_document(root).data
    section = data.setdefault(REGISTRY[kind].section, {})
    if not isinstance(section, dict):
        raise ManifestShape(str(path), REGISTRY[kind].section)
    if name in section:
        raise Registration(kind, name, registered=True)
    section[name] = entry
    write_atomic(path, dump_json(data))


def register_overlay(root: Path, kind: str, name: str, env: str, overlay: Path) -> None:
    """Add ``env: overlay`` to a registered resource's ``overlays`` (atomic write; key order kept)."""
    path = root / MANIFEST_NAME
    data = load_manifest_document(root).data
    entry = (data.get(REGISTRY[kind].section) or {}).get(name)
    if not isinstance(entry, dict):
        raise Registration(kind, name, registered=False)
    overlays = entry.setdefault("overlays", {})
    if not isinstance(overlays, dict):
        raise ManifestShape(str(path), f"{name}.overlays")
    overlays[env] = overlay.as_posix()
    write_atomic(path, dump_json(data))
