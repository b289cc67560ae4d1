"""Knowledge-base documents: ``/v1/convai/knowledge-base``, one document per local name.

A config holds a display ``name``, an optional ``parent_folder_id`` and one source: ``file`` (a path in
the project: .pdf, .md, .txt, .docx, .html, uploaded as multipart), ``url``, or the text inline (``text``)
or in a file (``text_file``). The API cannot say what content a document holds, so its identity is the
content: the sha256 of the bytes (``content_sha256``), recorded in state at apply. A change of content,
source type or URL cannot be an update: the document is replaced (created again, the agents that use it
repointed, the old one deleted last). The name is PATCHed, the folder changed with ``move``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

from agents_cli.kinds.base import ResourceKind, Routes, SourceFile

COLLECTION = "/v1/convai/knowledge-base"
SOURCES = ("file", "url", "text", "text_file")
FILE_SUFFIXES = (".pdf", ".md", ".txt", ".docx", ".html", ".htm", ".epub")
# The API refuses bigger uploads; validation says so offline.
MAX_DOCUMENT_BYTES = 21 * 1024 * 1024
CONTENT = "content_sha256"
DEFAULT_EMBEDDING = "e5_mistral_7b_instruct"
INDEX_READS = 120  # status reads before giving up waiting (the index goes on being built remotely)
POLL_STEP, POLL_MAX = 0.05, 2.0  # seconds between status reads: 0, 0.05, 0.1… at most 2
INDEX_DONE = ("succeeded", "failed", "rag_limit_exceeded", "document_too_small", "cannot_index_folder")


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def source_of(config: Mapping[str, Any]) -> str | None:
    """Which source key a config uses (the first present, in ``SOURCES`` order)."""
    return next((key for key in SOURCES if config.get(key) is not None), None)


def document_type(config: Mapping[str, Any]) -> str:
    source = source_of(config)
    return {"file": "file", "url": "url"}.get(source or "", "text")


class KnowledgeBaseKind(ResourceKind):
    def read_sources(self, config: dict[str, Any], read: Callable[[str], bytes]) -> dict[str, Any]:
        loaded = dict(config)
        source = source_of(config)
        if source in ("file", "text_file"):
            data = read(str(config[source]))
            loaded[CONTENT] = content_hash(data)
            if source == "text_file":
                loaded["text"] = data.decode("utf-8-sig")
        elif source == "text":
            loaded[CONTENT] = content_hash(str(config["text"]).encode("utf-8"))
        return loaded

    def scaffold(self, config: dict[str, Any], slug: str) -> tuple[dict[str, Any], dict[str, str]]:
        if "file" not in config and "text_file" not in config:
            return config, {}
        source = "file" if "file" in config else "text_file"
        relative = f"{self.folder}/{slug}.md"
        starter = f"# {config.get('name') or slug}\n\nWrite the document here.\n"
        return {**config, source: relative}, {relative: starter}

    def request_shape(self, config: Mapping[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"name": config.get("name"), "type": document_type(config)}
        if config.get("url") is not None:
            body["url"] = config["url"]
        if config.get("parent_folder_id") is not None:
            body["parent_folder_id"] = config["parent_folder_id"]
        if config.get(CONTENT) is not None:
            body[CONTENT] = config[CONTENT]
        return body

    def source_files(self, config: Mapping[str, Any]) -> list[SourceFile]:
        source = source_of(config)
        if source not in ("file", "text_file") or not isinstance(config[source], str):
            return []
        suffixes = FILE_SUFFIXES if source == "file" else ()
        return [SourceFile((source,), config[source], MAX_DOCUMENT_BYTES, suffixes)]

    def content_path(self, document: Mapping[str, Any]) -> str | None:
        remote_id = self.remote_id(document)
        if remote_id is None or document.get("type") not in ("file", "text"):
            return None
        return f"{self.routes.item(remote_id)}/content"

    def pulled(
        self, name: str, document: Mapping[str, Any], content: bytes | None
    ) -> tuple[dict[str, Any], dict[str, bytes], dict[str, str]] | None:
        config: dict[str, Any] = {"name": document.get("name")}
        files: dict[str, bytes] = {}
        recorded: dict[str, str] = {}
        kind = document.get("type")
        if kind == "url":
            config["url"] = document.get("url")
        elif content is not None:
            suffix = "".join(PurePosixPath(str(document.get("filename") or "")).suffixes[-1:]).lower()
            suffix = suffix if kind == "file" and suffix in FILE_SUFFIXES else ".md"
            relative = f"{self.folder}/{name}{suffix}"
            config["file" if kind == "file" else "text_file"] = relative
            files[relative] = content
            recorded[CONTENT] = content_hash(content)
        if document.get("folder_parent_id"):
            config["parent_folder_id"] = document["folder_parent_id"]
        return config, files, recorded

    async def users(self, api: Any, remote_id: str) -> list[str]:
        listed = await api.list_all(f"{self.routes.item(remote_id)}/dependent-agents", "agents")
        return [f"agent {agent.get('name') or ''} ({agent['id']})" for agent in listed if agent.get("id")]

    async def settle(
        self, api: Any, ids: Mapping[str, str], used: list[Mapping[str, Any]], refresh: bool
    ) -> list[tuple[str, str]]:
        """RAG: every document an agent written in this run uses with ``usage_mode: auto`` gets its index
        computed (the agent's embedding model) and waited for; ``--refresh-kb``: URL documents re-fetched."""
        names = {remote_id: name for name, remote_id in ids.items()}
        done: list[tuple[str, str]] = []
        wanted = sorted({(document, model) for document, model in _auto_documents(used) if document in names})
        for document, model in wanted:
            await _wait_for_index(api, self.routes.item(document), model)
            done.append((names[document], "indexed"))
        if refresh:
            for name, remote_id in sorted(ids.items()):
                found = await api.get(self.routes.item(remote_id))
                if isinstance(found, dict) and found.get("type") == "url":
                    await api.request("POST", f"{self.routes.item(remote_id)}/refresh", json=None)
                    done.append((name, "refreshed"))
        return done

    def upload(self, config: Mapping[str, Any]) -> dict[str, Any] | None:
        source = source_of(config)
        if source == "file":
            return {"file": str(config["file"]), CONTENT: config.get(CONTENT)}
        if source in ("text", "text_file"):
            return {"text": str(config.get("text") or "")}
        return None

    def create_request(
        self, body: Mapping[str, Any], upload: Mapping[str, Any] | None
    ) -> tuple[str, dict[str, Any]]:
        fields: dict[str, Any] = {"name": body.get("name")}
        if body.get("parent_folder_id") is not None:
            fields["parent_folder_id"] = body["parent_folder_id"]
        kind = body.get("type")
        if kind == "url":
            return f"{COLLECTION}/url", {**fields, "url": body.get("url")}
        if kind == "file":
            return f"{COLLECTION}/file", fields
        return f"{COLLECTION}/text", {**fields, "text": (upload or {}).get("text", "")}

    def create_files(self, upload: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if upload and upload.get("file"):
            return {"file": upload["file"], CONTENT: upload.get(CONTENT)}
        return None

    def update_requests(
        self, remote_id: str, body: Mapping[str, Any], remote: Mapping[str, Any] | None
    ) -> list[tuple[str, str, Any]]:
        item = self.routes.item(remote_id)
        calls: list[tuple[str, str, Any]] = []
        if remote is None or body.get("name") != remote.get("name"):
            calls.append(("PATCH", item, {"name": body.get("name")}))
        if remote is None or body.get("parent_folder_id") != remote.get("parent_folder_id"):
            calls.append(("POST", f"{item}/move", {"move_to": body.get("parent_folder_id")}))
        return calls or [("PATCH", item, {"name": body.get("name")})]

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        # Both sides: a GET answer names the folder ``folder_parent_id``; only what both can say is kept.
        folder = body.get("parent_folder_id", body.get("folder_parent_id"))
        out: dict[str, Any] = {"name": body.get("name"), "type": body.get("type")}
        if body.get("type") == "url" or body.get("url") is not None:
            out["url"] = body.get("url")
        if folder is not None:
            out["parent_folder_id"] = folder
        if body.get(CONTENT) is not None:
            out[CONTENT] = body[CONTENT]
        return out

    def listed(self, item: Mapping[str, Any]) -> bool:
        return item.get("type") != "folder"


def _auto_documents(bodies: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(document id, embedding model) of the ``usage_mode: auto`` documents of agent bodies."""
    found = []
    for body in bodies:
        agent = (body.get("conversation_config") or {}).get("agent") or {}
        prompt = agent.get("prompt") or {}
        model = str((prompt.get("rag") or {}).get("embedding_model") or DEFAULT_EMBEDDING)
        for entry in prompt.get("knowledge_base") or []:
            if isinstance(entry, dict) and entry.get("usage_mode", "auto") == "auto" and entry.get("id"):
                found.append((str(entry["id"]), model))
    return found


async def _wait_for_index(api: Any, item: str, model: str) -> None:
    """Ask for the index, then read its status until it is built, with a growing pause between reads."""
    import asyncio  # here, not at the top: the registry is imported by `agents --help` (≈17 ms)

    status = await api.request("POST", f"{item}/rag-index", json={"model": model})
    for attempt in range(INDEX_READS):
        state = status.get("status") if isinstance(status, dict) else None
        if state in INDEX_DONE:
            return
        await asyncio.sleep(min(POLL_STEP * attempt, POLL_MAX))
        listed = await api.get(f"{item}/rag-index")
        indexes = listed.get("indexes", []) if isinstance(listed, dict) else []
        status = next((index for index in indexes if index.get("model") == model), None)


KIND = KnowledgeBaseKind(
    name="kb",
    section="knowledge_base",
    folder="knowledge",
    routes=Routes(collection=COLLECTION, create=f"{COLLECTION}/text", list_key="documents", id_field="id"),
    model="",  # no single request model: the comparable shape is the kind's own (``canonical``)
    found_by="name",
    default_template="kb-text",
    listing_order=3,
    reference_slots=(("knowledge_base", int, "id"),),
    state_fields=(CONTENT,),
    replace_on=(("type",), ("url",), (CONTENT,)),
    splits_updates=True,
)
