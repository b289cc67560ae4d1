"""Creates and replaces, the half of ``engine.apply.Applier`` that posts new resources: exactly once (an
ambiguous POST is looked up before posting again), uploads included, the id in state before anything else;
a replace journaled so that a kill at any point is finished by the next run (``engine.replacing``).

A mixin: ``Applier`` holds the client, the state and the bookkeeping these methods use, and defines the
methods declared here as stubs.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agents_cli.engine.errors import NoIdInAnswer, ReferenceCycle
from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.ordering import with_unreturned
from agents_cli.engine.outcome import Outcome, still_differing
from agents_cli.engine.plan import Key, ResourcePlan
from agents_cli.engine.replacing import delete_leftovers, read_upload, with_recorded
from agents_cli.engine.state_writes import StateWriter
from agents_cli.kinds import REGISTRY, ResourceKind
from agents_cli.project.state import ResourceState, State
from agents_cli.remote.client import ApiClient
from agents_cli.remote.directory import Directory

Body = Mapping[str, Any]


class Creating:
    api: ApiClient
    directory: Directory
    state: State
    root: Path
    describe_creates: bool
    _writer: StateWriter
    _id_known: dict[Key, asyncio.Event]
    _placeholders: dict[Key, str]
    _answers: dict[str, str | None]

    # -- defined by Applier ------------------------------------------------------------------------
    @staticmethod
    def _remote_id(item: ResourcePlan) -> str:
        raise NotImplementedError

    def _note_version(self, remote_id: str, response: Any) -> None:
        raise NotImplementedError

    def _outcome(
        self, item: ResourcePlan, action: str, remote_id: str, kept: list[str], unapplied: list[str]
    ) -> Outcome:
        raise NotImplementedError

    def _record_applied(self, item: ResourcePlan, remote_id: str, remote_body: Body, kept: Any = ()) -> None:
        raise NotImplementedError

    async def _write(
        self, kind: str, remote_id: str, body: Body, expect: Body, remote: Body | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError

    # -- creating ----------------------------------------------------------------------------------
    async def _replace(self, item: ResourcePlan, body: Body, expect: Body) -> Outcome:
        """A replace: create the resource again from its config; the old one is deleted only at the end of
        the run (``retire_replaced``), once what referenced it points at the new one — so nothing ever
        references a deleted resource. Created first, so a refused config leaves the old one as it was.
        Journaled: the entry says a POST is under way before it is sent, and holds the old id as retired
        with the new id, so a rerun after a kill at any point finishes the job and duplicates nothing."""
        old_id = self._remote_id(item)
        entry = self.state.get(item.kind, item.name) or ResourceState(old_id)
        if entry.creating:
            await delete_leftovers(self.api, self.directory, self.state, item, {old_id, *entry.retired})
        self.state.set(item.kind, item.name, dataclasses.replace(entry, creating=True))
        await self._writer.save()
        write = item.write
        upload = write.upload if write is not None else None
        retired = (*entry.retired, old_id)
        # The old one carries the same tags: an ambiguous POST must not "find" it as the new one.
        created = await self._create(item, body, expect, exclude={old_id}, upload=upload, retired=retired)
        created.action = "replaced"  # a POST that had gone through ("adopted") is still the new one
        created.previous_id = old_id
        return created

    async def _post(
        self,
        item: ResourcePlan,
        body: Body,
        *,
        exclude: set[str],
        upload: Mapping[str, Any] | None = None,
        retired: tuple[str, ...] = (),
    ) -> tuple[str, Any, bool]:
        """POST a create exactly once; after an ambiguous failure the resource is looked up before posting
        again. The id is in state (on disk) before this returns: a crash from here on must find it there."""
        kind, name = item.kind, item.name
        others = {rid for other, rid in self.state.ids(kind).items() if other != name} | exclude

        async def find_existing() -> dict[str, Any] | None:
            return await self.directory.find(kind, name, item.api_name, fresh=True, exclude=others)

        resource_kind = REGISTRY[kind]
        path, payload = resource_kind.create_request(body, upload)
        files = read_upload(self.root, resource_kind.create_files(upload))
        answer: list[str] = []
        response, adopted = await self.api.create(
            path, payload, find_existing=find_existing, files=files, answer=answer
        )
        remote_id = resource_kind.remote_id(response)
        if remote_id is None:
            raise NoIdInAnswer(kind, name)
        self._answers[remote_id] = None if adopted else next(iter(answer), None)
        # What was uploaded (a document's content hash) goes to state with the id, in one journal line: a
        # kill before the rest is recorded must not make the next run take the upload for another one.
        known = {key: str(body[key]) for key in resource_kind.state_fields if key in body}
        self.state.set(kind, name, ResourceState(remote_id, recorded=known, retired=retired))
        await self._writer.save()
        if item.key in self._id_known:
            self._id_known[item.key].set()
        return remote_id, response, adopted

    async def _create(
        self,
        item: ResourcePlan,
        body: Body,
        expect: Body,
        *,
        exclude: set[str] | None = None,
        upload: Mapping[str, Any] | None = None,
        retired: tuple[str, ...] = (),
    ) -> Outcome:
        remote_id, response, adopted = await self._post(
            item, body, exclude=exclude or set(), upload=upload, retired=retired
        )
        kind, document = REGISTRY[item.kind], response
        if not (adopted or kind.create_returns_resource):
            document, self._answers[remote_id] = await self.directory.read(item.kind, remote_id)
        self._note_version(remote_id, document)
        remote_body = with_unreturned(item.kind, normalise_remote(item.kind, document or {}), expect)
        remote_body = with_recorded(item.kind, remote_body, expect)
        if (adopted or kind.create_only) and remote_body != expect:  # an import sets less than a PATCH
            update = kind.update_body(body, remote_body)
            remote_body = with_recorded(
                item.kind, await self._write(item.kind, remote_id, update, expect), expect
            )
        elif self._describes(kind, adopted):
            # An empty deep-merge PATCH changes nothing but commits a described version (and in a branch
            # environment cuts its branch).
            remote_body = await self._write(item.kind, remote_id, {}, expect)
        self._record_applied(item, remote_id, remote_body)
        await self._writer.save()
        # An adopted resource may hold map keys the config lacks, which the PATCH above could not remove.
        unapplied = still_differing(remote_body, expect, [])
        return self._outcome(item, "adopted" if adopted else "created", remote_id, [], unapplied)

    def _describes(self, kind: ResourceKind, adopted: bool) -> bool:
        return kind.branched and not adopted and (self.describe_creates or bool(self.directory.branches))

    async def _create_placeholder(self, item: ResourcePlan) -> None:
        """Resources that reference each other (mutual transfers), none existing yet: each is created as a
        minimal tagged placeholder (adoptable after a crash) to get an id, then updated with its config."""
        kind = REGISTRY[item.kind]
        if not kind.placeholder_in_cycles:
            raise ReferenceCycle(item.kind, item.name)
        minimal = {"name": item.api_name or item.name, **kind.minimal_body("")}
        placeholder = ResourcePlan(item.kind, item.name, "create", api_name=None)
        body = kind.send_body(item.name, self.state.tag_environment, minimal)
        remote_id, _response, _adopted = await self._post(placeholder, body, exclude=set())
        self._placeholders[item.key] = remote_id
