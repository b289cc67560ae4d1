"""``agents pull``'s IO: list and read the remote, decide what to take (``selection``) and how
(``resources``), and write the files, the manifest and state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents_cli.kinds import REGISTRY
from agents_cli.project.configs import load_resource
from agents_cli.project.manifest import MANIFEST_NAME, Project
from agents_cli.project.state import ResourceState
from agents_cli.pull.errors import NothingToPull
from agents_cli.pull.resources import CONTENT_KEY, DEFAULTS_ONLY, PullContext, Written
from agents_cli.pull.selection import Candidate, ids_by_kind, reference_map, select

if TYPE_CHECKING:
    from agents_cli.project.writing import StagedWrites
    from agents_cli.remote.client import ApiClient


async def read_remote(
    client: ApiClient,
    select_args: dict[str, Any],
    on_chosen: Callable[[list[Candidate]], Callable[[Candidate, dict[str, Any]], None]] | None = None,
    *,
    params: Callable[[ApiClient, Candidate], Awaitable[dict[str, str] | None]] | None = None,
) -> tuple[list[Candidate], dict[tuple[str, str], dict[str, Any]], float]:
    """List every kind, choose, then GET each chosen resource, all concurrently within the client's limit.
    ``on_chosen(candidates)`` returns what to do with each document as it arrives (while the others are
    still in flight), instead of after the last one. ``params``: the query of a resource's GET (a branch
    environment's ``branch_id``, an older ``version_id``)."""
    from agents_cli.remote.directory import list_remote

    started = time.perf_counter()
    async with client as api:
        pages = await asyncio.gather(*(list_remote(api, kind) for kind in REGISTRY))
        only = select_args.pop("only", None)
        candidates = select(listed=dict(zip(REGISTRY.names, pages, strict=True)), **select_args)
        if only:
            names = {candidate.name for candidate in candidates}
            unknown = sorted(set(only) - names)
            if unknown:
                raise NothingToPull(unknown, names)
            candidates = [candidate for candidate in candidates if candidate.name in only]
        arrived = on_chosen(candidates) if on_chosen is not None else None

        listed = {
            (kind.name, kind.remote_id(item)): item
            for kind, page in zip(REGISTRY, pages, strict=True)
            for item in page
        }

        async def fetch(candidate: Candidate) -> Any:
            kind = REGISTRY[candidate.kind]
            if kind.write_only or not kind.routes.item_readable:  # the list has all there is (no value asked)
                document: Any = listed.get((candidate.kind, candidate.remote_id))
            else:
                query = await params(api, candidate) if params is not None else None
                path = REGISTRY[candidate.kind].routes.item(candidate.remote_id)
                document = await api.get(path, params=query)
            where = REGISTRY[candidate.kind].content_path(document) if isinstance(document, dict) else None
            if where is not None:  # a document's bytes, kept beside its JSON (never sent back as config)
                document = {**document, CONTENT_KEY: await api.request("GET", where, raw=True)}
            if arrived is not None and isinstance(document, dict):
                arrived(candidate, document)
            return document

        documents = await asyncio.gather(*(fetch(c) for c in candidates))
    fetched = {
        (c.kind, c.name): doc for c, doc in zip(candidates, documents, strict=True) if isinstance(doc, dict)
    }
    return candidates, fetched, time.perf_counter() - started


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
        if item.inline is not None:
            section[item.candidate.name] = item.inline
        elif item.action == "import":
            section[item.candidate.name] = {"config": item.file.as_posix()}
        else:
            section[item.candidate.name].setdefault("overlays", {})[env] = item.file.as_posix()
    write_atomic(project.root / MANIFEST_NAME, dump_json(data))


def write_results(
    project: Project, env: str, outcomes: list[Written], staged: StagedWrites | None = None
) -> None:
    from agents_cli.project.state import load_state, save_state, state_lock
    from agents_cli.project.writing import StagedWrites

    # Each file is written atomically and fsynced, the fsyncs overlapping; those staged as their answers
    # arrived (``stage``) are only renamed into place now.
    writes: list[tuple[Path, str | bytes]] = [
        (project.path(item.file), item.text) for item in outcomes if item.text is not None and item.file
    ]
    writes += [
        (project.path(Path(relative)), data) for item in outcomes for relative, data in item.files.items()
    ]
    (staged or StagedWrites(min(8, len(writes) or 1))).commit(writes)
    _write_manifest(project, env, outcomes)
    with state_lock(project.root, env):
        state = load_state(project.root, env)
        for item in outcomes:
            if item.state is not None and item.action != "refused":
                state.set(item.candidate.kind, item.candidate.name, item.state)
        save_state(project.root, state)


def stage(project: Project, staged: StagedWrites, item: Written) -> None:
    """Start writing a file pull will write, as soon as its answer is in (see ``StagedWrites``)."""
    if item.text is not None and item.file and item.action not in ("refused", DEFAULTS_ONLY):
        staged.stage(project.path(item.file), item.text)


def pull_context(
    project: Project,
    env: str,
    candidates: list[Candidate],
    args: dict[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
) -> PullContext:
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
    return PullContext(
        project=project,
        env=env,
        file_format=args["file_format"],
        force=args["force"],
        references=reference_map(candidates, tracked),
        ids=ids_by_kind(candidates, tracked),
        declared=declared,
        environ=environ_with_dotenv(project.root, environ),
        tracked_elsewhere=elsewhere,
        entries=entries,
    )


def selection_inputs(project: Project, env: str) -> dict[str, Any]:
    from agents_cli.project.environments import same_agents
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
    # A branch environment's agents are its main environment's (tagged for it, tracked in its state).
    environment = project.environments[env]
    sharing = same_agents(project.environments, environment)
    others = load_other_states(project.root, env)
    for other in others:
        if other.environment == project.main_of(environment).name and other.environment != env:
            for kind in REGISTRY:
                for name, rid in other.ids(kind.name).items():
                    if kind.branched and name in project.resources[kind.name]:
                        tracked[kind.name].setdefault(name, rid)
    return {
        "env": project.main_of(environment).name,
        "tracked": tracked,
        "local_api_names": api_names,
        "claimed": claimed_ids(other for other in others if other.environment not in sharing),
        "reserved": {kind: set(project.resources[kind]) for kind in REGISTRY.names},
    }
