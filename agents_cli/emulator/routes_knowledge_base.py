"""Knowledge-base documents: create (file upload, URL, text, folder), get, list, rename, replace a file's
bytes, content, source-file URL and move (summaries, search, bulk move/delete, RAG indexes, chunks,
dependents and refresh: ``routes_knowledge_rag``).

- A file arrives as multipart (``file``, ``name``, ``parent_folder_id``); its bytes are kept as they came
  and ``GET …/content`` answers them, so a client can download exactly what it uploaded. A URL is never
  fetched (the emulator is offline): its content is a placeholder naming the URL.
- The static routes (``/summaries``, ``/search``, ``/rag-index``, ``/bulk-*``) are ``routes_knowledge_rag``'s,
  listed before these in ``app.ROUTES`` so they are not taken for document ids.
- Deleting a document an agent uses is refused with 409 ``document_in_use`` unless ``?force=true``.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response, query_order
from agents_cli.emulator.records import KNOWLEDGE
from agents_cli.emulator.routes_common import delete_route

BASE = "/v1/convai/knowledge-base"
ADD = BASE
TEXT = f"{BASE}/text"
URL = f"{BASE}/url"
FILE = f"{BASE}/file"
FOLDER = f"{BASE}/folder"
ONE = f"{BASE}/{{documentation_id}}"
UPDATE_FILE = f"{ONE}/update-file"
CONTENT = f"{ONE}/content"
SOURCE_URL = f"{ONE}/source-file-url"
MOVE = f"{BASE}/{{document_id}}/move"
CONTENT_KIND = "knowledge_base_content"  # the bytes of each document, apart from its record
TEXT_SUFFIXES = (".md", ".txt", ".html", ".htm", ".csv", ".json")


def new_record(
    ctx: EmulatorContext, kind: str, name: str, folder: str | None, data: bytes, **extra: Any
) -> dict[str, Any]:
    """A new document (or folder) record, its content stored beside it."""
    stamp = records.now()
    ident = new_id("document")
    record: dict[str, Any] = {
        "id": ident,
        "name": name,
        "type": kind,
        "metadata": {
            "created_at_unix_secs": stamp,
            "last_updated_at_unix_secs": stamp,
            "size_bytes": len(data),
        },
        "supported_usages": ["prompt", "auto"],
        "access_info": records.access_info(ctx),
        "folder_parent_id": folder,
        "folder_path": _folder_path(ctx, folder),
        **extra,
    }
    if kind != "folder":
        record["content_format"] = "html"
        record["extracted_inner_html"] = extra.get("extracted_inner_html", "")
    with ctx.store.transaction():
        ctx.store.put(KNOWLEDGE, ident, record)
        put_content(ctx, ident, data)
    return record


def put_content(ctx: EmulatorContext, ident: str, data: bytes) -> None:
    ctx.store.put(CONTENT_KIND, ident, {"data": base64.b64encode(data).decode("ascii")})


def content_of(ctx: EmulatorContext, ident: str) -> bytes:
    stored = ctx.store.get(CONTENT_KIND, ident) or {}
    return base64.b64decode(str(stored.get("data", "")))


def _folder_path(ctx: EmulatorContext, folder: str | None) -> list[dict[str, Any]]:
    path: list[dict[str, Any]] = []
    seen: set[str] = set()
    while folder and folder not in seen:
        seen.add(folder)
        record = ctx.store.get(KNOWLEDGE, folder)
        if record is None:
            break
        path.insert(0, {"id": record["id"], "name": record["name"]})
        folder = record.get("folder_parent_id")
    return path


def check_folder(ctx: EmulatorContext, folder: str | None) -> None:
    if folder is None:
        return
    record = ctx.store.get(KNOWLEDGE, folder)
    if record is None or record.get("type") != "folder":
        raise ApiError.of(400, "folder_not_found", f"Folder {folder} does not exist.")


def _created(ctx: EmulatorContext, path: str, record: dict[str, Any]) -> Response:
    body = {"id": record["id"], "name": record["name"], "folder_path": record["folder_path"]}
    return ctx.respond("post", path, body)


async def _form(request: Request) -> tuple[UploadFile | None, dict[str, str]]:
    form = await request.form()
    upload = form.get("file")
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    return (upload if isinstance(upload, UploadFile) else None), fields


def _missing(field: str) -> ApiError:
    return ApiError.validation(
        [{"type": "missing", "loc": ["body", field], "msg": "Field required", "input": None}]
    )


def file_fields(upload: UploadFile, data: bytes) -> dict[str, Any]:
    """What a file document's record says of its bytes (text-like files are shown as their text)."""
    filename = upload.filename or "upload"
    shown = data.decode("utf-8", "replace") if filename.lower().endswith(TEXT_SUFFIXES) else ""
    return {"filename": filename, "extracted_inner_html": shown}


async def create_file(request: Request) -> Response:
    ctx = context_of(request)
    upload, fields = await _form(request)
    if upload is None:
        raise _missing("file")
    data = await upload.read()
    folder = fields.get("parent_folder_id") or None
    check_folder(ctx, folder)
    name = fields.get("name") or upload.filename or "Untitled"
    record = new_record(ctx, "file", name, folder, data, **file_fields(upload, data))
    return _created(ctx, FILE, record)


async def add_document(request: Request) -> Response:
    """The older ``POST /knowledge-base``: a file or a URL in one multipart form."""
    ctx = context_of(request)
    upload, fields = await _form(request)
    if upload is not None:
        data = await upload.read()
        name = fields.get("name") or upload.filename or "Untitled"
        record = new_record(ctx, "file", name, None, data, **file_fields(upload, data))
    elif fields.get("url"):
        record = _url_record(ctx, {"url": fields["url"], "name": fields.get("name")})
    else:
        raise ApiError.of(400, "invalid_parameters", "Either a file or a url is required.")
    return _created(ctx, ADD, record)


def _url_record(ctx: EmulatorContext, body: dict[str, Any]) -> dict[str, Any]:
    content = f"<p>Content of {body['url']} (not fetched by the emulator)</p>"
    name = body.get("name") or body["url"]
    folder = body.get("parent_folder_id")
    check_folder(ctx, folder)
    return new_record(
        ctx,
        "url",
        name,
        folder,
        content.encode(),
        url=body["url"],
        extracted_inner_html=content,
        auto_sync_info=None,
    )


async def create_url(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", URL)
    return _created(ctx, URL, _url_record(ctx, body))


async def create_text(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", TEXT)
    text = body["text"]
    folder = body.get("parent_folder_id")
    check_folder(ctx, folder)
    name = body.get("name") or (text.strip()[:40] or "Untitled")
    record = new_record(ctx, "text", name, folder, text.encode("utf-8"), extracted_inner_html=text)
    return _created(ctx, TEXT, record)


async def create_folder(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", FOLDER)
    folder = body.get("parent_folder_id")
    check_folder(ctx, folder)
    record = new_record(ctx, "folder", body["name"], folder, b"", children_count=0, document_count=0)
    return _created(ctx, FOLDER, record)


def summary(ctx: EmulatorContext, record: dict[str, Any]) -> dict[str, Any]:
    """A list item: the record without its content, with the agents that use it."""
    dependents = records.agents_referencing(ctx, "kb", record["id"])
    view = {key: value for key, value in record.items() if key != "extracted_inner_html"}
    return {**view, "dependent_agents": [records.dependent_agent(agent) for agent in dependents]}


def view(ctx: EmulatorContext, record: dict[str, Any]) -> dict[str, Any]:
    if record.get("type") != "folder":
        return record
    children = [r for _, _, r in ctx.store.list(KNOWLEDGE) if r.get("folder_parent_id") == record["id"]]
    documents = sum(1 for child in children if child.get("type") != "folder")
    return {**record, "children_count": len(children), "document_count": documents}


def _in_folder(ctx: EmulatorContext, record: dict[str, Any], ancestor: str) -> bool:
    return any(segment["id"] == ancestor for segment in _folder_path(ctx, record.get("folder_parent_id")))


async def list_documents(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", BASE)
    params = request.query_params
    search = (params.get("search") or "").lower()
    types = set(params.getlist("types"))
    parent = params.get("parent_folder_id")
    ancestor = params.get("ancestor_folder_id")
    owner = params.get("created_by_user_id")
    items = [
        (seq, ident, record)
        for seq, ident, record in ctx.store.list(KNOWLEDGE)
        if (not search or str(record.get("name", "")).lower().startswith(search))
        and (not types or record.get("type") in types)
        and (parent is None or record.get("folder_parent_id") == (parent or None))
        and (ancestor is None or _in_folder(ctx, record, ancestor))
        and (owner is None or owner == ctx.settings.user_id)
    ]
    if ctx.query_param(request, "get", BASE, "folders_first"):
        items.sort(key=lambda item: item[2].get("type") != "folder")
    order = query_order(ctx, request, BASE, lambda record: str(record.get("name", "")))
    return page_response(
        ctx, request, BASE, "documents", items, lambda record: summary(ctx, record), order=order
    )


async def get_document(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", ONE)
    record = records.get_or_404(ctx, KNOWLEDGE, request.path_params["documentation_id"])
    return ctx.respond("get", ONE, view(ctx, record))


async def patch_document(request: Request) -> Response:
    ctx = context_of(request)
    ident = request.path_params["documentation_id"]
    body = await ctx.body(request, "patch", ONE, optional=True)
    with ctx.store.transaction():
        record = records.get_or_404(ctx, KNOWLEDGE, ident)
        if body.get("name") is not None:
            record["name"] = body["name"]
        if body.get("content") is not None and record["type"] != "folder":
            data = str(body["content"]).encode("utf-8")
            record["extracted_inner_html"] = body["content"]
            record["metadata"]["size_bytes"] = len(data)
            put_content(ctx, ident, data)
        record["metadata"]["last_updated_at_unix_secs"] = records.now()
        ctx.store.put(KNOWLEDGE, ident, record)
    return ctx.respond("patch", ONE, view(ctx, record))


async def update_file(request: Request) -> Response:
    ctx = context_of(request)
    ident = request.path_params["documentation_id"]
    upload, _fields = await _form(request)
    if upload is None:
        raise _missing("file")
    data = await upload.read()
    with ctx.store.transaction():
        record = records.get_or_404(ctx, KNOWLEDGE, ident)
        if record["type"] != "file":
            raise ApiError.of(400, "invalid_document_type", f"Document {ident} is not a file document.")
        record.update(file_fields(upload, data))
        record["metadata"].update(size_bytes=len(data), last_updated_at_unix_secs=records.now())
        ctx.store.put(KNOWLEDGE, ident, record)
        put_content(ctx, ident, data)
    return ctx.respond("patch", UPDATE_FILE, record)


async def content(request: Request) -> Response:
    ctx = context_of(request)
    ident = request.path_params["documentation_id"]
    records.get_or_404(ctx, KNOWLEDGE, ident)
    # The spec documents text/html (the API streams the extracted content); the emulator answers a file's
    # bytes as they were uploaded, so what was uploaded can be downloaded again.
    return Response(content_of(ctx, ident), media_type="text/html")


async def source_file_url(request: Request) -> Response:
    ctx = context_of(request)
    ident = request.path_params["documentation_id"]
    record = records.get_or_404(ctx, KNOWLEDGE, ident)
    if record["type"] != "file":
        raise ApiError.of(400, "invalid_document_type", f"Document {ident} has no source file.")
    signed = f"{str(request.base_url).rstrip('/')}{BASE}/{ident}/content"
    return ctx.respond("get", SOURCE_URL, {"signed_url": signed})


def move_one(ctx: EmulatorContext, ident: str, folder: str | None) -> None:
    check_folder(ctx, folder)
    record = records.get_or_404(ctx, KNOWLEDGE, ident)
    if folder is not None and (folder == ident or _in_folder(ctx, {"folder_parent_id": folder}, ident)):
        raise ApiError.of(400, "invalid_move", "A folder cannot be moved into itself.")
    record["folder_parent_id"] = folder
    record["folder_path"] = _folder_path(ctx, folder)
    ctx.store.put(KNOWLEDGE, ident, record)


async def move(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", MOVE, optional=True)
    with ctx.store.transaction():
        move_one(ctx, request.path_params["document_id"], body.get("move_to"))
    return Response(status_code=200)  # the spec documents no body


ROUTES: list[BaseRoute] = [
    Route(ADD, add_document, methods=["POST"]),
    Route(BASE, list_documents, methods=["GET"]),
    Route(TEXT, create_text, methods=["POST"]),
    Route(URL, create_url, methods=["POST"]),
    Route(FILE, create_file, methods=["POST"]),
    Route(FOLDER, create_folder, methods=["POST"]),
    Route(ONE, get_document, methods=["GET"]),
    Route(ONE, patch_document, methods=["PATCH"]),
    delete_route(ONE, KNOWLEDGE, "documentation_id", "kb", in_use_status="document_in_use"),
    Route(UPDATE_FILE, update_file, methods=["PATCH"]),
    Route(CONTENT, content, methods=["GET"]),
    Route(SOURCE_URL, source_file_url, methods=["GET"]),
    Route(MOVE, move, methods=["POST"]),
]
