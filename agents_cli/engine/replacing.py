"""The parts of a replace that outlive one request: the old resources deleted last, the fields the API cannot
report back (a document's content hash) carried through state, and a document's bytes read for upload.

A replace creates the new resource, and every resource referencing the old one is repointed in the same
run (it waits for the new id); only then, once every write of the run is done, are the ids recorded as
``retired`` deleted (``retire_replaced``). A delete the API refuses (409: still used, e.g. by an agent whose
update failed) leaves the id retired in state, tried again by the next sync — nothing ever points at a
deleted resource, and a rerun after a kill converges.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from agents_cli.engine.errors import OldNotDeleted, UploadChanged
from agents_cli.engine.outcome import Outcome
from agents_cli.errors import AgentsError
from agents_cli.kinds import REGISTRY

if TYPE_CHECKING:
    from agents_cli.engine.plan import ResourcePlan
    from agents_cli.project.state import State
    from agents_cli.remote.client import ApiClient, Files
    from agents_cli.remote.directory import Directory


class Applier(Protocol):
    """What retiring needs of ``engine.apply.Applier``."""

    state: State
    api: ApiClient
    applied: dict[tuple[str, str], Mapping[str, Any]]

    def record(self, outcome: Outcome) -> None: ...

    async def save(self) -> None: ...


UPLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".epub": "application/epub+zip",
}


def with_recorded(kind: str, remote_body: dict[str, Any], expect: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised answer of a write, with the kind's ``state_fields`` as the write made them (what
    was uploaded): the API cannot say, and state records them from here."""
    fields = REGISTRY[kind].state_fields
    if not fields:
        return remote_body
    known = {key: expect[key] for key in fields if key in expect}
    return REGISTRY[kind].canonical({**remote_body, **known})


def from_state(kind: str, body: dict[str, Any], recorded: Mapping[str, str]) -> dict[str, Any]:
    """A normalised remote body with the ``state_fields`` state recorded for it (same id)."""
    fields = REGISTRY[kind].state_fields
    known = {key: recorded[key] for key in fields if key in recorded}
    return REGISTRY[kind].canonical({**body, **known}) if known else body


def read_upload(root: Path, files: Mapping[str, Any] | None) -> Files:
    """The multipart file of a create (``{"file": path, "content_sha256": …}``), read now; refused when
    the bytes are not those the plan was made from (the file changed since)."""
    if not files:
        return None
    from agents_cli.kinds.knowledge_base import content_hash
    from agents_cli.project.sources import read_source

    relative = str(files["file"])
    data = read_source(root, relative)
    expected = files.get("content_sha256")
    if expected is not None and content_hash(data) != expected:
        raise UploadChanged(relative)
    media = UPLOAD_TYPES.get(Path(relative).suffix.lower(), "application/octet-stream")
    return {"file": (Path(relative).name, data, media)}


async def settle_kinds(applier: Applier, plan: Any) -> None:
    """What each kind's API computes after the writes (a document's RAG index), waited for, with progress
    as outcomes; a failure is reported as the resource's and does not stop the others."""
    for kind in REGISTRY:
        ids = applier.state.ids(kind.name)
        used = [body for key, body in applier.applied.items() if key[0] != kind.name]
        try:
            steps = await kind.settle(applier.api, ids, used, bool(plan.options.refresh))
        except AgentsError as exc:
            applier.record(Outcome(kind.name, "", "failed", None, exc))
            continue
        for name, action in steps:
            applier.record(Outcome(kind.name, name, action, ids.get(name)))


async def delete_leftovers(
    api: ApiClient, directory: Directory, state: State, item: ResourcePlan, known: set[str]
) -> None:
    """What a replace killed after its POST may have created: resources this environment would adopt as
    ``item`` (same API name, or tags) that no state knows — so a rerun creates one, not a second."""
    kind = REGISTRY[item.kind]
    ours = set(state.ids(item.kind).values()) | known | directory.claimed.get(item.kind, set())
    for listed in await directory.listing(item.kind, fresh=True):
        remote_id = kind.remote_id(listed)
        if (
            remote_id
            and remote_id not in ours
            and kind.matches(listed, state.environment, item.name, item.api_name)
        ):
            await api.delete(kind.routes.item(remote_id))


async def retire_replaced(applier: Applier) -> None:
    """Delete what replaces left behind (this run's and a killed run's), referrers first in kind order."""
    state = applier.state
    for kind in REGISTRY.reversed():
        for name, entry in sorted(state.resources[kind.name].items()):
            if entry.retired and not entry.creating:
                await _retire(applier, kind.name, name)


async def _retire(applier: Applier, kind: str, name: str) -> None:
    state = applier.state
    for old_id in list(getattr(state.get(kind, name), "retired", ())):
        try:
            await applier.api.delete(REGISTRY[kind].routes.item(old_id))
        except AgentsError as exc:
            entry = state.get(kind, name)
            problem = OldNotDeleted(kind, entry.id if entry else "", old_id, exc)
            applier.record(Outcome(kind, name, "failed", entry.id if entry else None, problem))
            continue
        entry = state.get(kind, name)
        if entry is not None:
            left = tuple(rid for rid in entry.retired if rid != old_id)
            state.set(kind, name, dataclasses.replace(entry, retired=left))
            await applier.save()
