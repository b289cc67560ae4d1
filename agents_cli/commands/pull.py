"""``agents pull``: import remote agents, tools and tests into config files, the manifest and state.

Default: import what the project does not have yet; ``--update``: refresh what it tracks in this environment;
``--all``: both. Files are minimal (``pull_files``) and round-trip: pull → plan shows no changes. A file
whose local edits were never synced is not overwritten without ``--force``; nothing is written if any file is
refused.
YAML updates keep comments and key order (``yaml_roundtrip``). Pulling a resource into a second environment
writes an overlay holding only the differences.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents_cli.commands import _everyday
from agents_cli.context import AppContext
from agents_cli.engine.drift import field_hashes, salt_for
from agents_cli.engine.normalise import Desired, normalise_desired, normalise_remote, request_shape
from agents_cli.errors import Aborted, ConfigError, UsageError
from agents_cli.kinds import REGISTRY
from agents_cli.project.configs import deep_merge, load_resource
from agents_cli.project.manifest import (
    MANIFEST_NAME,
    Project,
    Resource,
    config_path_for,
    load_project,
)
from agents_cli.project.state import ResourceState, fingerprint
from agents_cli.pull.files import (
    MISSING,
    minimal_config,
    overlay_between,
    repair,
    shrink_overlay,
    to_references,
)
from agents_cli.pull.selection import Candidate, ids_by_kind, reference_map, select

if TYPE_CHECKING:
    from agents_cli.remote.client import ApiClient

MODES = ("new", "update", "all")


@dataclass
class Written:
    """One resource's outcome: ``import`` | ``update`` | ``overlay`` | ``up-to-date`` | ``refused``."""

    candidate: Candidate
    action: str
    file: Path | None = None
    text: str | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    state: ResourceState | None = None
    new_overlay: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.candidate.kind,
            "name": self.candidate.name,
            "remote_id": self.candidate.remote_id,
            "action": self.action,
            "file": self.file.as_posix() if self.file else None,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.warnings:
            data["warnings"] = self.warnings
        return data


@dataclass
class Context:
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


# -- reading the remote ----------------------------------------------------------------------------
async def _read_remote(
    client: ApiClient, select_args: dict[str, Any]
) -> tuple[list[Candidate], dict[tuple[str, str], dict[str, Any]], float]:
    """List every kind, choose, then GET each chosen resource, all concurrently within the client's limit."""
    started = time.perf_counter()
    async with client as api:
        pages = await asyncio.gather(
            *(api.list_all(kind.routes.collection, kind.routes.list_key) for kind in REGISTRY)
        )
        only = select_args.pop("only", None)
        candidates = select(listed=dict(zip(REGISTRY.names, pages, strict=True)), **select_args)
        if only:
            names = {candidate.name for candidate in candidates}
            unknown = sorted(set(only) - names)
            if unknown:
                raise UsageError(
                    f"--only names nothing to pull: {', '.join(unknown)}",
                    hint=f"candidates: {', '.join(sorted(names)) or 'none'}",
                )
            candidates = [candidate for candidate in candidates if candidate.name in only]
        documents = await asyncio.gather(
            *(api.get(REGISTRY[c.kind].routes.item(c.remote_id)) for c in candidates)
        )
    fetched = {
        (c.kind, c.name): doc for c, doc in zip(candidates, documents, strict=True) if isinstance(doc, dict)
    }
    return candidates, fetched, time.perf_counter() - started


# -- one resource ----------------------------------------------------------------------------------
def _render(
    path: Path, data: dict[str, Any], previous: str | None, *, kind: str = "", overlay: bool = False
) -> str:
    """A new file gets the same editor schema hint as 'agents add' writes (``kind`` given); an existing one
    is updated in place, keeping what the user wrote."""
    import os

    from agents_cli.project.loader import dump_for
    from agents_cli.project.manifest import editor_schema_path
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


def _local_changes(ctx: Context, resource: Resource, target: dict[str, Any]) -> str | None:
    """Why the current files must not be overwritten, or None. Unsynced edits are what we protect."""
    kind, name = resource.kind, resource.name
    current = ctx.desired(kind, name, load_resource(ctx.project, resource, ctx.env).data)
    if current.body == target:
        return None
    entry = ctx.entries.get((kind, name))
    if entry is None or entry.fingerprint is None:
        return f"differs from the remote and was never synced to {ctx.env!r}"
    if not current.matches_fingerprint(entry.fingerprint):
        return f"has local changes not synced to {ctx.env!r} (see 'agents plan --env {ctx.env}')"
    return None


def _for_resource(ctx: Context, candidate: Candidate, document: dict[str, Any]) -> Written:
    kind, name = candidate.kind, candidate.name
    project = ctx.project
    resource = project.get(kind, name)
    target = normalise_remote(kind, document)
    check = ctx.check(kind, name)
    # The same record a sync leaves, per-field hashes included: without them a later remote edit would make
    # every differing field (local edits too) read as drift.
    fields = field_hashes(kind, target, salt_for(ctx.env, kind, candidate.remote_id))
    state = ResourceState(candidate.remote_id, fingerprint(target), fingerprint(target), fields)
    if resource is None:
        config, warnings = minimal_config(
            kind, document, references=ctx.references, check=check, environ=ctx.environ
        )
        path = config_path_for(kind, name, ctx.file_format)
        if project.path(path).exists() and not ctx.force:
            return Written(
                candidate, "refused", path, reason="exists but is not in agents.json (use --force)"
            )
        text = _render(path, config, None, kind=kind)
        return Written(candidate, "import", path, text, warnings=warnings, state=state)

    if check(load_resource(project, resource, ctx.env).data) == target:
        return Written(candidate, "up-to-date", resource.files_for(ctx.env)[-1], state=state)
    uses_overlay = ctx.env in resource.overlays or (kind, name) in ctx.tracked_elsewhere
    # A new overlay file overwrites nothing; an existing file must not hold unsynced edits.
    new_file = uses_overlay and ctx.env not in resource.overlays
    refusal = None if ctx.force or new_file else _local_changes(ctx, resource, target)
    if refusal is not None:
        shown = resource.overlays.get(ctx.env, resource.config) if uses_overlay else resource.config
        return Written(candidate, "refused", shown, reason=refusal)
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


def _overlay(
    ctx: Context,
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


# -- writing ---------------------------------------------------------------------------------------
def _write_manifest(project: Project, env: str, outcomes: list[Written]) -> None:
    """New resources appended to their section; new overlays registered under the resource (atomic write)."""
    from agents_cli.project.loader import dump_json, write_atomic
    from agents_cli.project.manifest import load_manifest_document

    if not any(item.action == "import" or item.new_overlay for item in outcomes):
        return
    data = load_manifest_document(project.root).data
    for item in outcomes:
        if item.file is None or not (item.action == "import" or item.new_overlay):
            continue
        section = data.setdefault(REGISTRY[item.candidate.kind].section, {})
        if item.action == "import":
            section[item.candidate.name] = {"config": item.file.as_posix()}
        else:
            section[item.candidate.name].setdefault("overlays", {})[env] = item.file.as_posix()
    write_atomic(project.root / MANIFEST_NAME, dump_json(data))


def _write(project: Project, env: str, outcomes: list[Written]) -> None:
    from agents_cli.project.loader import write_atomic
    from agents_cli.project.state import load_state, save_state, state_lock

    for item in outcomes:
        if item.text is not None and item.file is not None:
            write_atomic(project.path(item.file), item.text)
    _write_manifest(project, env, outcomes)
    with state_lock(project.root, env):
        state = load_state(project.root, env)
        for item in outcomes:
            if item.state is not None and item.action != "refused":
                state.set(item.candidate.kind, item.candidate.name, item.state)
        save_state(project.root, state)


# -- the command -----------------------------------------------------------------------------------
SYMBOLS = {"import": "+", "update": "~", "overlay": "~", "up-to-date": "=", "refused": "!"}


def _context(project: Project, env: str, candidates: list[Candidate], args: dict[str, Any]) -> Context:
    from agents_cli.engine.desired import environ_with_dotenv
    from agents_cli.project.state import load_other_states, load_state

    state = load_state(project.root, env)
    tracked: dict[str, dict[str, str]] = {kind: state.ids(kind) for kind in REGISTRY.names}
    declared = project.declared()
    for candidate in candidates:
        declared[candidate.kind].add(candidate.name)
    elsewhere: set[tuple[str, str]] = {
        (kind, name)
        for other in load_other_states(project.root, env)
        for kind in REGISTRY.names
        for name in other.ids(kind)
    }
    entries: dict[tuple[str, str], ResourceState] = {
        (kind, name): entry
        for kind in REGISTRY.names
        for name in project.resources[kind]
        if (entry := state.get(kind, name)) is not None
    }
    return Context(
        project=project,
        env=env,
        file_format=args["file_format"],
        force=args["force"],
        references=reference_map(candidates, tracked),
        ids=ids_by_kind(candidates, tracked),
        declared=declared,
        environ=environ_with_dotenv(project.root),
        tracked_elsewhere=elsewhere,
        entries=entries,
    )


def _selection_inputs(project: Project, env: str) -> dict[str, Any]:
    from agents_cli.project.state import load_other_states, load_state
    from agents_cli.remote.directory import claimed_ids

    state = load_state(project.root, env)
    tracked = {
        kind: {name: rid for name, rid in state.ids(kind).items() if name in project.resources[kind]}
        for kind in REGISTRY.names
    }
    api_names: dict[str, dict[str, str]] = {kind: {} for kind in REGISTRY.names}
    for resource in project.all():
        if resource.name in tracked[resource.kind]:
            continue
        kind = REGISTRY[resource.kind]
        body = kind.complete(resource.name, kind.request_shape(load_resource(project, resource, env).data))
        api_name = kind.api_name(body)
        if api_name:
            api_names[resource.kind].setdefault(api_name, resource.name)
    return {
        "env": env,
        "tracked": tracked,
        "local_api_names": api_names,
        "claimed": claimed_ids(load_other_states(project.root, env)),
        "reserved": {kind: set(project.resources[kind]) for kind in REGISTRY.names},
    }


def run(
    app: AppContext,
    *,
    env: str | None,
    mode: str,
    only: list[str],
    file_format: str,
    force: bool,
    dry_run: bool,
    yes: bool,
    as_json: bool,
    base_url: str | None,
    concurrency: int | None,
) -> int:
    out = app.out
    project = load_project(app.cwd)
    environment = project.environment(env)
    from agents_cli.remote.connect import build_client

    if mode not in MODES:
        raise UsageError(f"unknown pull mode {mode!r}")
    select_args: dict[str, Any] = {
        **_selection_inputs(project, environment.name),
        "mode": mode,
        "only": only or None,
    }
    client = build_client(project.root, environment, base_url=base_url, concurrency=concurrency)
    candidates, documents, network_seconds = asyncio.run(_read_remote(client, select_args))
    ctx = _context(project, environment.name, candidates, {"file_format": file_format, "force": force})
    outcomes = [
        _for_resource(ctx, candidate, documents[(candidate.kind, candidate.name)])
        for candidate in candidates
        if (candidate.kind, candidate.name) in documents
    ]
    refused = [item for item in outcomes if item.action == "refused"]
    payload = {
        "environment": environment.name,
        "dry_run": dry_run,
        "resources": [item.as_dict() for item in outcomes],
        "network_seconds": round(network_seconds, 3),
    }
    if not as_json or refused:
        for item in outcomes:
            where = f" ({item.file.as_posix()})" if item.file else ""
            line = f"{SYMBOLS[item.action]} {item.candidate.kind} {item.candidate.name} {item.action}{where}"
            out.info(line + (f": {item.reason}" if item.reason else ""))
            for warning in item.warnings:
                out.warn(f"{item.candidate.kind} {item.candidate.name}: {warning}")
    if refused:
        files = ", ".join(item.file.as_posix() for item in refused if item.file)
        if as_json:  # the rows say which files and why; the error follows on stderr
            out.json(payload)
        raise ConfigError(
            f"pull refused to overwrite {files}; nothing was written",
            hint="sync or revert the local edits first, or pass --force to take the remote version",
        )
    changing = [item for item in outcomes if item.text is not None]
    overwrites = [item for item in changing if item.action != "import" and not item.new_overlay]
    if not dry_run and overwrites:
        names = ", ".join(item.file.as_posix() for item in overwrites if item.file)
        if not _everyday.confirm(app, f"Overwrite {names}?", action=f"overwriting {names}", yes=yes):
            raise Aborted("nothing was written")
    if not dry_run:
        _write(project, environment.name, outcomes)
    if as_json:
        out.json(payload)
    elif not outcomes:
        tracked = sum(len(names) for names in select_args["tracked"].values())
        if mode == "new" and tracked:  # the default imports only: a dashboard edit needs --update
            out.info(
                f"nothing new to pull from {environment.name!r}; 'agents pull --env {environment.name} "
                f"--update' takes remote edits of the {tracked} resource(s) it already tracks"
            )
        else:
            out.info(f"nothing to pull from {environment.name!r}")
    else:
        verb = "would write" if dry_run else "wrote"
        out.info(f"{verb} {len(changing)} file(s); {len(outcomes) - len(changing)} already up to date")
    return 0
