"""``agents add agent|tool|test NAME``: create a config file from a template and register it (offline)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents_cli.context import AppContext
from agents_cli.errors import ConfigError, UsageError
from agents_cli.kinds import REGISTRY
from agents_cli.project.editor_schemas import editor_schema_path, refresh_editor_schemas
from agents_cli.project.loader import dump_json, dump_yaml, write_atomic
from agents_cli.project.manifest import (
    LOCAL_NAME_PATTERN,
    MANIFEST_NAME,
    Project,
    config_path_for,
    load_project,
    register_inline,
    register_overlay,
    register_resource,
    slugify,
)
from agents_cli.project.references import find_references
from agents_cli.project.templates import Template, get_template


def _schema_hint(project: Project, kind: str, config: Path, *, overlay: bool = False) -> str:
    """The schema path relative to the config file, for the YAML modeline or ``$schema``."""
    schema = editor_schema_path(project.root, kind, overlay=overlay)
    return Path(os.path.relpath(schema, (project.root / config).parent)).as_posix()


def _named(kind: str, data: Any, name: str, slug: str) -> Any:
    """The template's content with the user's name put where each kind keeps it."""
    if not isinstance(data, dict):
        return data
    named = dict(data)
    named["name"] = REGISTRY[kind].template_name(name, slug)
    return named


def _render(project: Project, kind: str, config: Path, data: Any, comment: str | None = None) -> str:
    # Overlays (written with a comment) are partial: their schema requires nothing.
    hint = _schema_hint(project, kind, config, overlay=comment is not None)
    if config.suffix == ".json":
        return dump_json({"$schema": hint, **(data if isinstance(data, dict) else {})})
    header = f"# yaml-language-server: $schema={hint}"
    if comment:
        header += f"\n# {comment}"
    return dump_yaml(data, header=header)


def _missing_references(project: Project, data: Any) -> list[tuple[str, str]]:
    """(kind, name) of each resource the new config refers to that agents.json does not declare."""
    missing: list[tuple[str, str]] = []
    for reference in find_references(data):
        key = (reference.kind, reference.name)
        if project.get(reference.kind, reference.name) is None and key not in missing:
            missing.append(key)
    return missing


def _overlay_comment(env: str, config: Path) -> str:
    return f"Overrides for '{env}', deep-merged over {config.name} (dicts merge; lists and values replace)."


def _add_overlay(app: AppContext, project: Project, kind: str, slug: str, env: str) -> int:
    """An empty overlay for a resource that is already registered (``agents add agent NAME --env prod``)."""
    project.environment(env)  # unknown environments list the valid ones
    resource = project.resources[kind][slug]
    if env in resource.overlays:
        raise ConfigError(
            f"{kind} {slug!r} already has an overlay for {env!r}: {resource.overlays[env].as_posix()}",
            hint="edit that file",
        )
    file_format = "json" if resource.config.suffix.lower() == ".json" else "yaml"
    overlay = config_path_for(kind, slug, file_format, env)
    if (project.root / overlay).exists():
        raise ConfigError(
            f"{overlay.as_posix()} already exists",
            hint=f"register it under {REGISTRY[kind].section}.{slug}.overlays in {MANIFEST_NAME}",
        )
    text = _render(project, kind, overlay, {}, _overlay_comment(env, resource.config))
    write_atomic(project.root / overlay, text)
    register_overlay(project.root, kind, slug, env, overlay)
    refresh_editor_schemas(project.root)
    app.out.success(f"added an overlay for {env!r} to {kind} {slug!r}")
    app.out.info(f"  created  {overlay.as_posix()}")
    app.out.info(f"  updated  {MANIFEST_NAME} ({REGISTRY[kind].section}.{slug}.overlays.{env})")
    return 0


@dataclass(frozen=True)
class AddRequest:
    kind: str
    name: str  # what the user typed: 'Support Bot' (the local name is its slug)
    template: str | None = None
    env: str | None = None  # also create an overlay for this environment
    file_format: str = "yaml"


def add(app: AppContext, request: AddRequest) -> int:
    kind, name, env = request.kind, request.name, request.env
    project = load_project(app.cwd)
    slug = slugify(name)
    if not slug or not LOCAL_NAME_PATTERN.match(slug):
        raise UsageError(
            f"{name!r} does not make a usable local name", hint="use letters or digits, e.g. 'Support Bot'"
        )
    existing = project.get(kind, slug)
    if existing is not None and env is not None and request.template is None and not existing.inline:
        return _add_overlay(app, project, kind, slug, env)
    if existing is not None:
        raise ConfigError(
            f"{kind} {slug!r} is already registered in {MANIFEST_NAME}",
            hint=f"pick another name, edit {existing.config.as_posix()}, "
            f"or add an overlay with 'agents add {kind} {slug} --env ENV'",
        )
    if env is not None:
        project.environment(env)  # unknown environments list the valid ones
    chosen = get_template(request.template or REGISTRY[kind].default_template, kind)
    if REGISTRY[kind].inline:
        return _add_inline(app, project, request, REGISTRY[kind].singleton_id or slug, chosen)
    config = config_path_for(kind, slug, request.file_format)
    overlay = config_path_for(kind, slug, request.file_format, env) if env is not None else None
    for relative in (config, overlay):
        if relative is not None and (project.root / relative).exists():
            raise ConfigError(
                f"{relative.as_posix()} already exists",
                hint=f"register it by hand in {MANIFEST_NAME}, or pick another name",
            )
    data = _named(kind, chosen.data(), name, slug)
    if isinstance(data, dict):
        data, sources = REGISTRY[kind].scaffold(data, slug)
        for relative_source, text in sources.items():
            if not (project.root / relative_source).exists():
                write_atomic(project.root / relative_source, text)
    write_atomic(project.root / config, _render(project, kind, config, data))
    overlays: dict[str, Path] = {}
    if env is not None and overlay is not None:
        comment = _overlay_comment(env, config)
        write_atomic(project.root / overlay, _render(project, kind, overlay, {}, comment))
        overlays[env] = overlay
    register_resource(project.root, kind, slug, config, overlays)
    refresh_editor_schemas(project.root)
    _report_added(app, project, request, slug, chosen.name, config, overlay, data)
    return 0


def _add_inline(app: AppContext, project: Project, request: AddRequest, slug: str, chosen: Template) -> int:
    """Kinds declared in agents.json itself: the template becomes the entry (no file, no overlay file)."""
    kind = REGISTRY[request.kind]
    if project.get(kind.name, slug) is not None:
        raise ConfigError(f"{kind.name} {slug!r} is already registered in {MANIFEST_NAME}")
    entry = kind.new_entry(slug, chosen.data() or {})
    if request.env is not None:
        entry["overlays"] = {request.env: {}}
    register_inline(project.root, kind.name, slug, entry)
    refresh_editor_schemas(project.root)
    app.out.success(f"added {kind.name} {slug!r} from template {chosen.name!r}")
    app.out.info(f"  updated  {MANIFEST_NAME} ({kind.section}.{slug})")
    for ref_kind, ref_name in _missing_references(project, entry):
        app.out.warn(
            f"{kind.section}.{slug} refers to @{ref_kind}:{ref_name}, which agents.json does not declare"
        )
    return 0


def _report_added(
    app: AppContext,
    project: Project,
    request: AddRequest,
    slug: str,
    template: str,
    config: Path,
    overlay: Path | None,
    data: Any,
) -> None:
    kind, out = request.kind, app.out
    out.success(f"added {kind} {slug!r} from template {template!r}")
    out.info(f"  created  {config.as_posix()}")
    if overlay is not None:
        out.info(f"  created  {overlay.as_posix()} (overlay for {request.env})")
    out.info(f"  updated  {MANIFEST_NAME} ({REGISTRY[kind].section}.{slug})")
    attachment = REGISTRY[kind].attached_at
    if attachment is not None:
        then = f"agents {attachment.checked_by} {attachment.to.upper()}"
        out.info(
            f"attach it to an {attachment.to}: {attachment.path}: [{{{attachment.field}: "
            f"'{REGISTRY[kind].reference(slug)}'}}] in the {attachment.to}'s config, then '{then}'"
        )
    # A template may refer to an example resource (the tool test names @tool:lookup-order); say so now
    # rather than let the next 'agents validate' fail on it.
    for ref_kind, ref_name in _missing_references(project, data):
        out.warn(
            f"{config.as_posix()} refers to @{ref_kind}:{ref_name}, which agents.json does not declare: "
            f"run 'agents add {ref_kind} {ref_name} --template {REGISTRY[ref_kind].default_template}' "
            "or edit the reference"
        )
