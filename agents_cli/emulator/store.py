"""SQLite persistence of the emulator: one table of JSON documents keyed by (kind, id).

One connection guarded by a lock serves every thread (uvicorn's event loop, test threads, the in-process
transport). ``:memory:`` (or ``None``) keeps everything in memory; a file path survives restarts. Writes
are committed immediately, so a server killed after answering has persisted what it answered.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS documents_by_seq ON documents (kind, seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def encode(data: object) -> str:
    """The stored JSON text of a document."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Store:
    """JSON documents by kind (``agent``, ``tool``, ``test``, ``invocation``...) in insertion order."""

    def __init__(self, path: Path | str | None = None) -> None:
        target = ":memory:" if path is None or str(path) == ":memory:" else str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self.path = target
        self._lock = threading.RLock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None, timeout=30)
        if target != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes atomically (re-entrant within one thread)."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- documents -----------------------------------------------------------------------------------
    def get(self, kind: str, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, doc_id: str, data: dict[str, Any]) -> None:
        """Insert or replace; a replaced document keeps its place in the listing order."""
        self.put_text(kind, doc_id, encode(data))

    def put_text(self, kind: str, doc_id: str, text: str) -> None:
        """``put`` of a document already encoded with :func:`encode` (to embed one text in another)."""
        with self.transaction():
            updated = self._db.execute(
                "UPDATE documents SET data = ? WHERE kind = ? AND id = ?", (text, kind, doc_id)
            ).rowcount
            if not updated:
                seq = self.next_value(f"seq:{kind}")
                self._db.execute(
                    "INSERT INTO documents (kind, id, seq, data) VALUES (?, ?, ?, ?)",
                    (kind, doc_id, seq, text),
                )

    def delete(self, kind: str, doc_id: str) -> bool:
        with self._lock:
            return (
                self._db.execute("DELETE FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)).rowcount
                > 0
            )

    def delete_matching(self, kind: str, field: str, value: str) -> int:
        """Delete every document of a kind whose top-level ``field`` equals ``value`` (decoded by SQLite).

        E.g. an agent's versions on delete: no document is decoded in Python, however many there are.
        """
        with self._lock:
            return int(
                self._db.execute(
                    "DELETE FROM documents WHERE kind = ? AND json_extract(data, ?) = ?",
                    (kind, f"$.{field}", value),
                ).rowcount
            )

    def list(self, kind: str, *, newest_first: bool = True) -> list[tuple[int, str, dict[str, Any]]]:
        """Every document of a kind as ``(seq, id, data)``, newest first by default (like the API's lists)."""
        order = "DESC" if newest_first else "ASC"
        with self._lock:
            rows = self._db.execute(
                f"SELECT seq, id, data FROM documents WHERE kind = ? ORDER BY seq {order}", (kind,)
            ).fetchall()
        return [(int(row[0]), row[1], json.loads(row[2])) for row in rows]

    def list_fields(
        self, kind: str, paths: Sequence[str], *, newest_first: bool = True
    ) -> builtins.list[tuple[int, str, builtins.list[Any]]]:
        """``(seq, id, [value at each path])`` for every document of a kind, e.g. ``["$.name", "$.tags"]``.

        SQLite extracts the values, so a listing does not decode every whole document in Python. Missing
        paths read as None; JSON booleans read as true/false.
        """
        if len(paths) < 2:
            raise ValueError("list_fields needs at least two paths (json_extract then returns an array)")
        order = "DESC" if newest_first else "ASC"
        placeholders = ", ".join("?" for _ in paths)
        with self._lock:
            rows = self._db.execute(
                f"SELECT seq, id, json_extract(data, {placeholders}) FROM documents WHERE kind = ? "
                f"ORDER BY seq {order}",
                (*paths, kind),
            ).fetchall()
        return [(int(row[0]), row[1], json.loads(row[2])) for row in rows]

    def count(self, kind: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM documents WHERE kind = ?", (kind,)).fetchone()
        return int(row[0])

    def next_value(self, name: str) -> int:
        """A persistent counter (ids' sequence numbers, listing order)."""
        with self.transaction():
            if not self._db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,)).rowcount:
                self._db.execute("INSERT INTO counters (name, value) VALUES (?, 1)", (name,))
            row = self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0])
