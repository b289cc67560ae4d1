"""JSON answers: the one encoding every response uses, and the cache of bodies shaped by response models."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from starlette.responses import Response

SHAPED_CACHE_SIZE = 512
SHAPED_CACHE_BYTES = 32 * 1024 * 1024  # keys and bodies together: agents with long prompts are large


def encode_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: object, status: int = 200) -> Response:
    return Response(encode_json(data).encode("utf-8"), status_code=status, media_type="application/json")


class ShapedBodyCache:
    """Response bodies already shaped through a response model, keyed by the model and the unshaped JSON.

    Shaping is a pure function of (model, data), so the key is the data's JSON text: whatever changed the
    stored record (a PATCH, a new version, a tool the agent echoes) changes the text, and nothing needs
    invalidating. Encoding the text costs a small fraction of shaping a full agent; a PATCH's response seeds
    the entry that the next GET of the same revision finds. Least recently used entries go first.
    """

    def __init__(self, size: int = SHAPED_CACHE_SIZE, max_bytes: int = SHAPED_CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the in-process transport may be driven from several threads

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= _entry_bytes(key, previous)
            self._entries[key] = body
            self._bytes += _entry_bytes(key, body)
            while self._entries and (len(self._entries) > self.size or self._bytes > self.max_bytes):
                old_key, old_body = self._entries.popitem(last=False)
                self._bytes -= _entry_bytes(old_key, old_body)

    def __len__(self) -> int:
        return len(self._entries)


def _entry_bytes(key: tuple[str, str], body: bytes) -> int:
    return len(key[1]) + len(body)
