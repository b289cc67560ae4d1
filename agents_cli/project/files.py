"""Every project file a run needs, read and parsed once: its document (with positions), the duplicate keys
found while parsing it, and a digest of its bytes.

Validation and loading share one store, so ``agents plan`` opens each config file once (validation is the
load: it checks the documents the engine then uses). Saved plans record the digests of what they were made
from, so applying one can tell which files changed since.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from agents_cli.project import parse_cache
from agents_cli.project.loader import CONFIG_SUFFIXES, JSON_SUFFIXES, Document, LoadError, parse_document


@dataclass
class LoadedFile:
    """One file as read: the document, or why it could not be read; and what parsing found on the way."""

    path: Path
    document: Document | None
    error: LoadError | None
    duplicates: list[LoadError] = field(default_factory=list)  # duplicate keys (the last value won)
    digest: str | None = None  # sha256 of the bytes; None when the file could not be read

    def result(self) -> Document:
        """The document, as a strict load sees it: an unreadable file or a duplicate key is an error."""
        if self.error is not None:
            raise self.error
        if self.duplicates:
            raise self.duplicates[0]
        assert self.document is not None
        return self.document


class FileStore:
    """The files of one project for one run (paths as given: the project's own absolute paths)."""

    def __init__(self) -> None:
        self._files: dict[Path, LoadedFile] = {}

    def load(self, path: Path) -> LoadedFile:
        found = self._files.get(path)
        if found is None:
            found = self._files[path] = _read(path)
        return found

    def document(self, path: Path) -> Document:
        return self.load(path).result()

    def forget(self, path: Path) -> None:
        """After the run wrote ``path`` (pull, rename): the next load reads it again."""
        self._files.pop(path, None)

    def digests(self) -> dict[Path, str | None]:
        return {path: loaded.digest for path, loaded in self._files.items()}


def digest_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The digest of a file as it is now (None when it cannot be read)."""
    try:
        return digest_bytes(path.read_bytes())
    except OSError:
        return None


def _read(path: Path) -> LoadedFile:
    suffix = path.suffix.lower()
    if suffix not in CONFIG_SUFFIXES:
        error = LoadError(
            path, 1, 1, f"unsupported file type {suffix or '(none)'!r}", hint="use .yaml, .yml or .json"
        )
        return LoadedFile(path, None, error)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadedFile(path, None, LoadError(path, 1, 1, "file not found"))
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        return LoadedFile(path, None, LoadError(path, 1, 1, f"cannot read file: {exc}"))
    digest = digest_bytes(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return LoadedFile(path, None, LoadError(path, 1, 1, f"cannot read file: {exc}"), digest=digest)
    is_yaml = suffix not in JSON_SUFFIXES
    kept = parse_cache.lookup(path, digest) if is_yaml else None
    if kept is not None:  # parsed before, bytes unchanged: PyYAML is not even imported
        return LoadedFile(path, Document(path, *kept), None, [], digest)
    duplicates: list[LoadError] = []
    try:
        document = parse_document(path, text, duplicates=duplicates)
    except LoadError as error:
        return LoadedFile(path, None, error, duplicates, digest)
    if is_yaml and not duplicates:
        parse_cache.record(path, digest, document.data, document.positions)
    return LoadedFile(path, document, None, duplicates, digest)
