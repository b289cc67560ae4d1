"""``agents rename NAME NEW_NAME [--kind K]``: change a resource's local name without a new remote resource.

State is keyed by local name, so editing the key in agents.json alone makes the next sync create a second
remote resource and leave the first one orphaned (the old convai.lock problem). Like ``terraform state mv``,
this moves everything that carries the name, offline: the manifest entry (same position), the config and
overlay files when they have the conventional names, the entry in every ``state/<env>.json`` (under each
environment's lock), and every ``@kind:NAME`` reference in the project's configs. The remote resources keep
their ids; the next plan creates and deletes nothing for the rename.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agents_cli.context import AppContext
from agents_cli.errors import ConfigError, UsageError
from agents_cli.kinds import REGISTRY
from agents_cli.project.loader import dump_json, write_atomic
from agents_cli.project.manifest import (
    LOCAL_NAME_PATTERN,
    MANIFEST_NAME,
    Project,
    Resource,
    config_path_for,
    load_manifest_document,
    load_project,
    slugify,
)


def _moved_path(resource: Resource, path: Path, new_name: str, env: str | None) -> Path:
    """The conventional path under the new name, or ``path`` itself when the user chose another name."""
    suffix = path.suffix.lstrip(".")
    if path != config_path_for(resource.kind, resource.name, suffix, env):
        return path
    return config_path_for(resource.kind, new_name, suffix, env)


def _rewrite_references(project: Project, kind: str, old: str, new: str) -> list[Path]:
    """Replace every ``@kind:old`` string value (always quoted: '@' cannot start a plain YAML scalar)."""
    pattern = re.compile(rf"""(["'])@{kind}:{re.escape(old)}\1""")
    changed: list[Path] = []
    files = {path for resource in project.all() for path in (resource.config, *resource.overlays.values())}
    for relative in sorted(files):
        path = project.path(relative)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        updated = pattern.sub(lambda match: f"{match.group(1)}@{kind}:{new}{match.group(1)}", text)
        if updated != text:
            write_atomic(path, updated)
            changed.append(relative)
    return changed


def _move_state(project: Project, kind: str, old: str, new: str) -> list[str]:
    from agents_cli.project.state import STATE_DIR, load_state, save_state, state_lock

    moved: list[str] = []
    folder = project.root / STATE_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        env = path.stem
        with state_lock(project.root, env):
            state = load_state(project.root, env)
            entry = state.get(kind, old)
            if entry is None:
                continue
            if state.get(kind, new) is not None:
                raise ConfigError(
                    f"state/{env}.json already records a {kind} {new!r}",
                    hint=f"run 'agents sync --env {env} --prune' first, or pick another name",
                )
            state.remove(kind, old)
            state.set(kind, new, entry)
            save_state(project.root, state)
            moved.append(env)
    return moved


@dataclass(frozen=True)
class RenameRequest:
    name: str
    new_name: str  # slugged like 'agents add'
    kind: str | None = None


def rename(app: AppContext, request: RenameRequest) -> int:
    name, new_name, kind = request.name, request.new_name, request.kind
    project = load_project(app.cwd)
    resource = project.find(name, kind)
    new = slugify(new_name)
    if not new or not LOCAL_NAME_PATTERN.match(new):
        raise UsageError(f"{new_name!r} does not make a usable local name", hint="e.g. 'support-bot-v2'")
    if new == resource.name:
        raise UsageError(f"{resource.kind} {resource.name!r} already has that name")
    if project.get(resource.kind, new) is not None:
        raise ConfigError(f"{resource.kind} {new!r} is already registered in {MANIFEST_NAME}")

    moves = {resource.config: _moved_path(resource, resource.config, new, None)}
    moves.update({path: _moved_path(resource, path, new, env) for env, path in resource.overlays.items()})
    for source, target in moves.items():
        if source != target and project.path(target).exists():
            raise ConfigError(f"{target.as_posix()} already exists", hint="move it away or pick another name")

    # State first: if anything below fails, the old name in agents.json still finds nothing orphaned.
    environments = _move_state(project, resource.kind, resource.name, new)
    for source, target in moves.items():
        if source != target and project.path(source).exists():
            project.path(target).parent.mkdir(parents=True, exist_ok=True)
            project.path(source).rename(project.path(target))

    document = load_manifest_document(project.root)
    section_name = REGISTRY[resource.kind].section
    section = document.data[section_name]
    entry = dict(section[resource.name])
    entry["config"] = moves[resource.config].as_posix()
    if resource.overlays:
        entry["overlays"] = {env: moves[path].as_posix() for env, path in resource.overlays.items()}
    # Same position in the section, so the manifest diff is one changed block.
    document.data[section_name] = {
        (new if key == resource.name else key): value for key, value in section.items()
    }
    document.data[section_name][new] = entry
    write_atomic(project.manifest_path, dump_json(document.data))
    references = _rewrite_references(load_project(app.cwd), resource.kind, resource.name, new)

    out = app.out
    out.success(f"renamed {resource.kind} {resource.name!r} to {new!r}")
    for source, target in moves.items():
        if source != target:
            out.info(f"  moved    {source.as_posix()} → {target.as_posix()}")
    out.info(f"  updated  {MANIFEST_NAME} ({section_name}.{new})")
    for env in environments:
        out.info(f"  updated  state/{env}.json (same remote id)")
    for path in references:
        out.info(f"  updated  {path.as_posix()} (@{resource.kind}:{new})")
    if environments:
        out.info(
            f"next: 'agents plan' creates and deletes nothing for the rename ({', '.join(environments)})"
        )
    return 0
