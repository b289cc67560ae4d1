"""What ``agents pull`` writes for each remote resource: a new config, an update of the existing one keeping
what the user wrote, an overlay for a second environment, or a refusal (local edits never synced).

Pure apart from reading the project's files; ``importer`` reads the remote and writes the results.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from agents_cli.engine.drift import field_hashes, salt_for
from agents_cli.engine.normalise import Desired, normalise_desired, normalise_remote, request_shape
from agents_cli.engine.replacing import from_state
from agents_cli.errors import ConfigError
from agents_cli.kinds import REGISTRY
from agents_cli.project.configs import deep_merge, load_resource
from agents_cli.project.manifest import MANIFEST_NAME, Project, Resource, config_path_for
from agents_cli.project.state import ResourceState, fingerprint, remote_fingerprint
from agents_cli.pull.files import (
    MISSING,
    minimal_config,
    overlay_between,
    repair,
    shrink_overlay,
    to_references,
)
from agents_cli.pull.selection import Candidate

# Where the importer keeps a resource's downloaded content in its document (``ResourceKind.content_path``).
CONTENT_KEY = "__agents_content__"
DEFAULTS_ONLY = "defaults-only"  # left out of the pull's result: nothing the project would declare
Refusal = Literal["not_in_manifest", "never_synced", "unsynced_changes"]


@dataclass
class Written:
    """One resource's outcome: ``import`` | ``update`` | ``overlay`` | ``up-to-date`` | ``refused``.

    ``refusal`` says why a file was left alone: it exists but agents.json does not declare it, it differs
    from the remote and was never synced, or it holds edits not synced yet."""

    candidate: Candidate
    action: str
    file: Path | None = None
    text: str | None = None
    refusal: Refusal | None = None
    warnings: list[str] = field(default_factory=list)
    state: ResourceState | None = None
    new_overlay: bool = False
    files: dict[str, bytes] = field(default_factory=dict)  # content files (a document's bytes) to write
    inline: dict[str, Any] | None = None  # a new entry of a kind declared in agents.json itself

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.candidate.kind,
            "name": self.candidate.name,
            "remote_id": self.candidate.remote_id,
            "action": self.action,
            "file": self.file.as_posix() if self.file else None,
        }
        if self.refusal:
            data["refusal"] = self.refusal
        if self.warnings:
            data["warnings"] = self.warnings
        return data


@dataclass
class PullContext:
    """What every resource's computation needs: the project, environment, ids and how plan normalises."""

    project: Project
    env: str
    file_format: str
    force: bool
    references: dict[str, str]
    ids: dict[str, dict[str, str]]
    declared: dict[str, set[str]]
    environ: dict[str, str]
    tracked_elsewhere: set[tuple[str, str]]
    entries: dict[tuple[str, str], ResourceState]

    def check(self, kind: str, name: str) -> Any:
        def normalised(config: dict[str, Any]) -> dict[str, Any]:
            from agents_cli.project.sources import read_source

            def read(relative: str) -> bytes:
                return read_source(self.project.root, relative)

            # A content file missing: compared without it (it differs, so pull writes it).
            with contextlib.suppress(ConfigError):
                config = REGISTRY[kind].read_sources(config, read)
            return self.desired(kind, name, config).body

        return normalised

    def desired(self, kind: str, name: str, config: dict[str, Any]) -> Desired:
        return normalise_desired(
            kind, name, config, ids=self.ids, declared=self.declared, environ=self.environ
        )

    def resolve(self, text: str) -> str | None:
        from agents_cli.project.references import resolve_placeholders

        try:
            value = resolve_placeholders(text, self.environ)
        except ConfigError:
            return None
        return value if isinstance(value, str) else None


# -- one resource ----------------------------------------------------------------------------------
def _render(
    path: Path, data: dict[str, Any], previous: str | None, *, kind: str = "", overlay: bool = False
) -> str:
    """A new file gets the same editor schema hint as 'agents add' writes (``kind`` given); an existing one
    is updated in place, keeping what the user wrote."""
    import os

    from agents_cli.project.editor_schemas import editor_schema_path
    from agents_cli.project.loader import dump_for
    from agents_cli.project.yaml_roundtrip import update_json_text, update_yaml_text

    if previous is None:
        if not kind:
            return dump_for(path, data)
        # ``path`` is relative to the project root, so is the schema folder: the hint is relative to the file.
        schema = editor_schema_path(Path("."), kind, overlay=overlay)
        hint = Path(os.path.relpath(schema, path.parent)).as_posix()
        if path.suffix.lower() == ".json":
            return dump_for(path, {"$schema": hint, **data})
        return dump_for(path, data, yaml_header=f"# yaml-language-server: $schema={hint}")
    if path.suffix.lower() == ".json":
        return update_json_text(previous, data)
    return update_yaml_text(previous, data)


def _local_changes(ctx: PullContext, resource: Resource, target: dict[str, Any]) -> Refusal | None:
    """Why the current files must not be overwritten, or None. Unsynced edits are what we protect."""
    kind, name = resource.kind, resource.name
    current = ctx.desired(kind, name, load_resource(ctx.project, resource, ctx.env).data)
    if current.body == target:
        return None
    entry = ctx.entries.get((kind, name))
    if entry is None or entry.fingerprint is None:
        return "never_synced"
    if not current.matches_fingerprint(entry.fingerprint):
        return "unsynced_changes"
    return None


def _pulled(
    kind: str, name: str, document: dict[str, Any]
) -> tuple[tuple[dict[str, Any], dict[str, bytes], dict[str, str]] | None, dict[str, str]]:
    """The kind's files for a resource with content (``ResourceKind.pulled``) and what state records."""
    content = document.pop(CONTENT_KEY, None)
    pulled = REGISTRY[kind].pulled(name, document, content if isinstance(content, bytes) else None)
    return pulled, (pulled[2] if pulled is not None else {})


def for_resource(ctx: PullContext, candidate: Candidate, document: dict[str, Any]) -> Written:
    kind, name = candidate.kind, candidate.name
    project = ctx.project
    resource = project.get(kind, name)
    pulled, recorded = _pulled(kind, name, document)
    target = from_state(kind, normalise_remote(kind, document), recorded)
    check = ctx.check(kind, name)
    # The same record a sync leaves, per-field hashes included: without them a later remote edit would make
    # every differing field (local edits too) read as drift.
    fields = field_hashes(kind, target, salt_for(ctx.env, kind, candidate.remote_id))
    state = ResourceState(candidate.remote_id, fingerprint(target), remote_fingerprint(kind, target), fields)
    state.recorded = recorded  # what the API cannot report (a document's content hash)
    if pulled is not None and (resource is None or ctx.env not in resource.overlays):
        return _with_content(ctx, candidate, resource, pulled, target, state)
    if resource is None:
        config, warnings = minimal_config(
            kind, document, references=ctx.references, check=check, environ=ctx.environ
        )
        if REGISTRY[kind].singleton_id is not None and not config:
            # The workspace's settings as the server starts them: nothing to declare, nothing to track.
            return Written(candidate, DEFAULTS_ONLY)
        if REGISTRY[kind].inline:
            entry = REGISTRY[kind].new_entry(name, config)
            return Written(
                candidate, "import", Path(MANIFEST_NAME), warnings=warnings, state=state, inline=entry
            )
        path = config_path_for(kind, name, ctx.file_format)
        if project.path(path).exists() and not ctx.force:
            return Written(candidate, "refused", path, refusal="not_in_manifest")
        text = _render(path, config, None, kind=kind)
        return Written(candidate, "import", path, text, warnings=warnings, state=state)

    if check(load_resource(project, resource, ctx.env).data) == target:
        return Written(candidate, "up-to-date", resource.files_for(ctx.env)[-1], state=state)
    uses_overlay = ctx.env in resource.overlays or (kind, name) in ctx.tracked_elsewhere
    # No file may hold unsynced edits this pull would override: a new overlay overwrites no file, but its
    # remote values would silently undo, for this environment, an edit of the base file never synced here.
    # (A resource never synced in this environment has nothing to lose: its new overlay is the import.)
    new_file = uses_overlay and ctx.env not in resource.overlays
    refusal = None if ctx.force else _local_changes(ctx, resource, target)
    if new_file and refusal == "never_synced":
        refusal = None
    if refusal is not None:
        shown = resource.overlays.get(ctx.env, resource.config) if uses_overlay else resource.config
        return Written(candidate, "refused", shown, refusal=refusal)
    if not uses_overlay:
        previous = project.path(resource.config).read_text(encoding="utf-8")
        existing = request_shape(kind, load_resource(project, resource, None).data)
        config, warnings = minimal_config(
            kind,
            document,
            references=ctx.references,
            check=check,
            existing=existing,
            resolve=ctx.resolve,
            environ=ctx.environ,
        )
        text = _render(resource.config, config, previous)
        return Written(candidate, "update", resource.config, text, warnings=warnings, state=state)
    return _overlay(ctx, candidate, resource, document, target, state)


def _with_content(
    ctx: PullContext,
    candidate: Candidate,
    resource: Resource | None,
    pulled: tuple[dict[str, Any], dict[str, bytes], dict[str, str]],
    target: dict[str, Any],
    state: ResourceState,
) -> Written:
    """A resource whose content is files (a document): its config and content files, written whole."""
    config, files, _recorded = pulled
    kind, name = candidate.kind, candidate.name
    if resource is None:
        path = config_path_for(kind, name, ctx.file_format)
        if ctx.project.path(path).exists() and not ctx.force:
            return Written(candidate, "refused", path, refusal="not_in_manifest")
        return Written(
            candidate, "import", path, _render(path, config, None, kind=kind), state=state, files=files
        )
    if ctx.check(kind, name)(load_resource(ctx.project, resource, ctx.env).data) == target:
        return Written(candidate, "up-to-date", resource.config, state=state)
    refusal = None if ctx.force else _local_changes(ctx, resource, target)
    if refusal is not None:
        return Written(candidate, "refused", resource.config, refusal=refusal)
    previous = ctx.project.path(resource.config).read_text(encoding="utf-8")
    text = _render(resource.config, config, previous)
    return Written(candidate, "update", resource.config, text, state=state, files=files)


def _overlay(
    ctx: PullContext,
    candidate: Candidate,
    resource: Resource,
    document: dict[str, Any],
    target: dict[str, Any],
    state: ResourceState,
) -> Written:
    """Only the differences from the shared base file, written to ``<name>.<env>.<ext>``."""
    kind, name = candidate.kind, candidate.name
    base_raw = load_resource(ctx.project, resource, None).data
    # A config file in the kind's file shape (a tool file holding just its tool_config) stays in that shape.
    bare_file = REGISTRY[kind].request_shape(base_raw) != base_raw
    base = request_shape(kind, base_raw)
    existing = request_shape(kind, load_resource(ctx.project, resource, ctx.env).data)
    wanted, warnings = minimal_config(
        kind,
        document,
        references=ctx.references,
        check=ctx.check(kind, name),
        existing=existing,
        resolve=ctx.resolve,
        environ=ctx.environ,
    )
    overlay = overlay_between(base, request_shape(kind, wanted))
    overlay = {} if overlay is MISSING else overlay

    def merged_check(candidate_overlay: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = ctx.check(kind, name)(deep_merge(base, candidate_overlay))
        return result

    repaired = repair(overlay, target, merged_check, ctx.references, [])
    if repaired is None:
        repaired = to_references(dict(target), ctx.references)
        warnings.append("overlay could not be minimised; it holds the full document")
    else:
        repaired = shrink_overlay(repaired, target, merged_check)
    if bare_file:
        repaired = REGISTRY[kind].file_shape(repaired)
    path = resource.overlays.get(ctx.env)
    is_new = path is None
    if path is None:
        suffix = "json" if resource.config.suffix.lower() == ".json" else "yaml"
        path = config_path_for(kind, name, suffix, environment=ctx.env)
    previous = None if is_new else ctx.project.path(path).read_text(encoding="utf-8")
    text = _render(path, repaired, previous, kind=kind, overlay=True)
    return Written(candidate, "overlay", path, text, warnings=warnings, state=state, new_overlay=is_new)
