"""``agents import official [DIR]``: take over a project made with the official ElevenLabs CLI.

Reads its registries and config files (``pull.official``), writes our configs (references instead of raw ids,
credential-looking headers as ``${VAR}``), registers them in the manifest (a new one when the folder has none
or only the official CLI's ``agents.json``, which is kept as ``agents.official.json``) and records the remote
ids the official CLI pushed to in ``state/<env>.json``, so the first ``agents plan`` finds every pushed
resource by its id: no creates, no duplicates. Nothing is overwritten: a config file or a local name that
already exists stops the import before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.context import AppContext
from agents_cli.kinds import REGISTRY
from agents_cli.project.loader import LoadError, dump_for, dump_json, load_file, write_atomic
from agents_cli.project.manifest import MANIFEST_NAME, MANIFEST_SCHEMA_HINT, config_path_for
from agents_cli.pull.errors import ImportConflict
from agents_cli.pull.official import Imported, OfficialProject, Unmapped, read_official

OFFICIAL_MANIFEST_COPY = "agents.official.json"
DEFAULT_ENVIRONMENT = "prod"
DEFAULT_KEY_VARIABLE = "ELEVENLABS_API_KEY"  # the official CLI's one key


@dataclass(frozen=True)
class ImportRequest:
    folder: Path = Path(".")  # the official project
    env: str | None = None  # where the remote ids are recorded (default: the project's default, else prod)
    file_format: str = "yaml"
    dry_run: bool = False


@dataclass(frozen=True)
class ImportedFile:
    kind: str
    name: str
    source: str
    file: str
    remote_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "file": self.file,
            "id": self.remote_id,
        }


@dataclass(frozen=True)
class ImportResult:
    environment: str
    imported: list[ImportedFile]
    unmapped: list[Unmapped]
    new_manifest: bool
    kept_official_manifest: bool
    dry_run: bool
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "dry_run": self.dry_run,
            "new_manifest": self.new_manifest,
            "resources": [item.as_dict() for item in self.imported],
            "unmapped": [item.__dict__ for item in self.unmapped],
            "warnings": self.warnings,
        }


def _our_manifest(root: Path) -> dict[str, Any] | None:
    """Our manifest at ``root`` (a map with ``environments``), or None (none, or the official CLI's)."""
    path = root / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        data = load_file(path).data
    except LoadError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("environments"), dict) else None


def _new_manifest(env: str) -> dict[str, Any]:
    return {
        "$schema": MANIFEST_SCHEMA_HINT,
        "version": 1,
        "default_environment": env,
        "environments": {env: {"api_key_env": DEFAULT_KEY_VARIABLE, "residency": "global"}},
        **{kind.section: {} for kind in REGISTRY.listed()},
    }


def _environment(manifest: dict[str, Any] | None, wanted: str | None) -> str:
    if manifest is None:
        return wanted or DEFAULT_ENVIRONMENT
    from agents_cli.project.manifest import parse_manifest

    return parse_manifest(Path("."), manifest).environment(wanted).name


def _secret_free(item: Imported, warnings: list[str]) -> dict[str, Any]:
    """The config with credential-looking header values as ``${VAR}`` (a config file never holds one)."""
    from agents_cli.pull.files import extract_secret_headers, name_of

    kind = REGISTRY[item.kind]
    body = kind.request_shape(item.config)
    _paths, found = extract_secret_headers(item.kind, name_of(item.kind, body), body, {})
    warnings.extend(f"{item.kind} {item.name}: {text}" for text in found)
    return kind.file_shape(body)


Planned = list[tuple[Imported, Path]]  # each resource and the config file it gets


def _check_conflicts(root: Path, manifest: dict[str, Any] | None, files: Planned) -> None:
    existing = [path.as_posix() for _item, path in files if (root / path).exists()]
    registered = [
        f"{item.kind} {item.name}"
        for item, _path in files
        if manifest is not None and item.name in (manifest.get(REGISTRY[item.kind].section) or {})
    ]
    if existing or registered:
        raise ImportConflict(existing, registered)


def _write(root: Path, env: str, manifest: dict[str, Any], files: Planned, texts: list[str]) -> None:
    from agents_cli.project.state import ResourceState, load_state, save_state, state_lock

    for (_item, path), text in zip(files, texts, strict=True):
        write_atomic(root / path, text)
    for item, path in files:
        manifest.setdefault(REGISTRY[item.kind].section, {})[item.name] = {"config": path.as_posix()}
    write_atomic(root / MANIFEST_NAME, dump_json(manifest))
    with state_lock(root, env):
        state = load_state(root, env)
        for item, _path in files:
            if item.remote_id:
                state.set(item.kind, item.name, ResourceState(item.remote_id))
        save_state(root, state)


def import_official(app: AppContext, request: ImportRequest) -> ImportResult:
    root = app.cwd
    official: OfficialProject = read_official((root / request.folder).resolve())
    manifest = _our_manifest(root)
    env = _environment(manifest, request.env)
    warnings: list[str] = []
    files = [
        (item, config_path_for(item.kind, item.name, request.file_format)) for item in official.resources
    ]
    _check_conflicts(root, manifest, files)
    texts = [dump_for(path, _secret_free(item, warnings)) for item, path in files]
    official_manifest = manifest is None and (root / MANIFEST_NAME).is_file()
    if not request.dry_run:
        if official_manifest:
            (root / MANIFEST_NAME).replace(root / OFFICIAL_MANIFEST_COPY)
        _write(root, env, manifest if manifest is not None else _new_manifest(env), files, texts)
    imported = [
        ImportedFile(item.kind, item.name, item.source.as_posix(), path.as_posix(), item.remote_id)
        for item, path in files
    ]
    return ImportResult(
        env, imported, list(official.unmapped), manifest is None, official_manifest, request.dry_run, warnings
    )
