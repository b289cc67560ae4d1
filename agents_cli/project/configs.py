"""A resource's effective config for one environment: the base file with its overlay deep-merged over it.

``LoadedConfig.locate(key_path)`` answers "which file, which line" for any key of the merged result, so
a problem caused by an overlay is reported at the overlay's line, and one from the base file at the base
file's line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents_cli.keypath import KeyPath
from agents_cli.project.loader import Document, LoadError
from agents_cli.project.manifest import Project, Resource, path_problem

# Editors use ``$schema`` in JSON configs to find the JSON Schema, and top-level ``x-*`` keys hold YAML
# anchors (``x-common: &common …``) as in docker-compose files. The API knows neither, so they are dropped
# when a config is loaded (before anything is sent); the schemas allow them at the top level only.
EDITOR_ONLY_KEYS = ("$schema",)
EXTENSION_KEY_PREFIX = "x-"


def is_editor_only_key(key: object) -> bool:
    return isinstance(key, str) and (key in EDITOR_ONLY_KEYS or key.startswith(EXTENSION_KEY_PREFIX))


def strip_editor_keys(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its top-level editor-only keys (the same object when it has none)."""
    if any(is_editor_only_key(key) for key in data):
        return {key: value for key, value in data.items() if not is_editor_only_key(key)}
    return data


def deep_merge(base: Any, overlay: Any) -> Any:
    """Dicts merge key by key; anything else in ``overlay`` (lists, scalars, ``None``) replaces. Pure."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return overlay


def _record_overlay(
    base: Any, overlay: Any, path: KeyPath, doc: Document, provenance: dict[KeyPath, Document]
) -> None:
    # A dict merged into a dict keeps its earlier provenance (so a missing key inside it is reported at
    # the base file); every value the overlay replaces or adds is the overlay's.
    for key, value in overlay.items():
        child = (*path, key)
        if isinstance(value, dict) and isinstance(base, dict) and isinstance(base.get(key), dict):
            _record_overlay(base[key], value, child, doc, provenance)
        else:
            provenance[child] = doc


@dataclass(frozen=True)
class LoadedConfig:
    resource: Resource
    environment: str | None
    data: dict[str, Any]
    documents: tuple[Document, ...]  # the base file first, then the overlay (if any)
    provenance: dict[KeyPath, Document] = field(default_factory=dict)

    @property
    def base(self) -> Document:
        return self.documents[0]

    def source_of(self, key_path: KeyPath) -> Document:
        """The file that provided ``key_path`` (or its nearest recorded ancestor)."""
        for end in range(len(key_path), -1, -1):
            found = self.provenance.get(key_path[:end])
            if found is not None:
                return found
        return self.base

    def locate(self, key_path: KeyPath) -> tuple[Document, int, int]:
        document = self.source_of(key_path)
        line, column = document.locate(key_path)
        return document, line, column


def _config_mapping(document: Document) -> dict[str, Any]:
    data = document.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        line, column = document.locate(())
        raise LoadError(
            document.path, line, column, "a config file must contain a mapping (key: value pairs)"
        )
    return strip_editor_keys(data)


def merge_documents(
    resource: Resource, environment: str | None, documents: tuple[Document, ...]
) -> LoadedConfig:
    data = _config_mapping(documents[0])
    provenance: dict[KeyPath, Document] = {(): documents[0]}
    for overlay in documents[1:]:
        overlay_data = _config_mapping(overlay)
        _record_overlay(data, overlay_data, (), overlay, provenance)
        data = deep_merge(data, overlay_data)
    return LoadedConfig(
        resource=resource, environment=environment, data=data, documents=documents, provenance=provenance
    )


def _part(document: Document, prefix: KeyPath, drop: tuple[str, ...] = ()) -> Document:
    """The part of ``document`` at ``prefix`` as a document of its own, positions kept (file:line)."""
    data: Any = document.data
    for key in prefix:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, dict) and drop:
        data = {key: value for key, value in data.items() if key not in drop}
    size = len(prefix)
    positions = {path[size:]: at for path, at in document.positions.items() if path[:size] == prefix}
    return Document(path=document.path, data=data, positions=positions)


def inline_documents(project: Project, resource: Resource, env: str | None) -> tuple[Document, ...]:
    """An inline resource's entry in agents.json (without its ``overlays``), then its overlay for ``env``."""
    from agents_cli.kinds import REGISTRY
    from agents_cli.project.manifest import load_manifest_document

    manifest = project.manifest_document or load_manifest_document(project.root, project.files)
    prefix: KeyPath = (REGISTRY[resource.kind].section, resource.name)
    documents = [_part(manifest, prefix, drop=("overlays", "environments"))]
    if env is not None and env in resource.overlays:
        documents.append(_part(manifest, (*prefix, "overlays", env)))
    return tuple(documents)


def load_resource(project: Project, resource: Resource, env: str | None) -> LoadedConfig:
    """The merged config of ``resource`` for ``env`` (``None``: the base file alone), from the project's
    files (each read once per run: a base file is shared by every environment).

    Raises ``LoadError`` (a ConfigError with file:line:col) when a file is missing or malformed.
    """
    if resource.inline:
        return merge_documents(resource, env, inline_documents(project, resource, env))
    for relative in resource.files_for(env):
        problem = path_problem(project.root, relative)
        if problem is not None:  # never opened (validation reports it at the manifest entry)
            raise LoadError(project.manifest_path, 1, 1, f"{resource.name}: {problem}")
    documents = tuple(project.files.document(project.path(relative)) for relative in resource.files_for(env))
    return merge_documents(resource, env, documents)
