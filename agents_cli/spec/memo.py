"""An opt-in memo for ``OpenAPIModels.apply``: results for chosen sub-schemas, keyed by the value's JSON text.

Applying a schema is a pure function of (schema, value, options), so a caller that applies the same large
subtrees again and again can skip the walk. The emulator uses it for an agent's ``platform_settings``,
``conversation_config`` and ``workflow``: a PATCH that changes the temperature re-validates the whole
config and re-shapes the whole response, but ``platform_settings`` (the larger half) is unchanged.

Only error-free results are kept (errors carry the caller's ``loc``), and a hit returns a fresh copy
decoded from the stored text, since callers may mutate what ``apply`` returns.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

MemoKey = tuple[int, bool, bool, bool, str]
ErrorList = list[dict[str, Any]]


def encode(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ApplyMemo:
    """Applied values for the schema objects in ``schemas`` (by identity); least recently used out first."""

    def __init__(self, schemas: Iterable[dict[str, Any]], size: int = 256) -> None:
        # Keeping the schema objects alive keeps their ids from being reused by other objects.
        self._schemas = {id(schema): schema for schema in schemas}
        self.size = size
        self._entries: OrderedDict[MemoKey, str] = OrderedDict()
        self._lock = threading.Lock()

    def covers(self, schema: dict[str, Any]) -> bool:
        return self._schemas.get(id(schema)) is schema

    def apply(
        self,
        schema: dict[str, Any],
        value: object,
        flags: tuple[bool, bool, bool],
        errors: ErrorList,
        compute: Callable[[ErrorList], object],
    ) -> object:
        """The remembered result for (schema, flags, value), else ``compute(errors)`` remembered if clean."""
        key = (id(schema), *flags, encode(value))
        remembered = self.get(key)
        if remembered is not None:
            return remembered
        found: ErrorList = []
        result = compute(found)
        if found:
            errors.extend(found)  # not remembered: errors name the caller's loc
        elif result is not None:
            self.put(key, result)
        return result

    def get(self, key: MemoKey) -> object | None:
        """A fresh copy of the remembered result, or None."""
        with self._lock:
            text = self._entries.get(key)
            if text is None:
                return None
            self._entries.move_to_end(key)
        copy: object = json.loads(text)
        return copy

    def put(self, key: MemoKey, result: object) -> None:
        text = encode(result)
        with self._lock:
            self._entries[key] = text
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
