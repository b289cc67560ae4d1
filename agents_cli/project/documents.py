"""What a read config file is: its data, where each key sits (``Document``), and ``LoadError`` (a file
that cannot be read or parsed, with file:line:col)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.errors import ConfigError
from agents_cli.keypath import KeyPath, format_path

Position = tuple[int, int]
PositionMap = dict[KeyPath, Position]
# Deeper than any config the API takes (its deepest schemas nest a few levels of JSON Schema inside a
# tool): past this a file is refused where it gets too deep, before anything recurses over it (the
# parsers, validation) and runs out of stack.
MAX_DEPTH = 64


def too_deep(path: Path, position: Position) -> LoadError:
    return LoadError(
        path, *position, f"nested more than {MAX_DEPTH} levels deep", hint="no config nests this deep"
    )


class LoadError(ConfigError):
    """A file that cannot be read or parsed; carries where, so validation can list it with other problems."""

    def __init__(self, path: Path, line: int, column: int, detail: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}:{line}:{column}: {detail}", hint=hint)
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail


@dataclass(frozen=True)
class Document:
    path: Path
    data: Any
    positions: PositionMap = field(default_factory=dict)

    def locate(self, key_path: KeyPath) -> Position:
        """Position of ``key_path``, or of its nearest ancestor that has one, or (1, 1)."""
        for end in range(len(key_path), -1, -1):
            found = self.positions.get(key_path[:end])
            if found is not None:
                return found
        return (1, 1)

    def has(self, key_path: KeyPath) -> bool:
        return key_path in self.positions


def format_key_path(key_path: KeyPath, *, root: str = "<root>") -> str:
    """A key path in a message about a file: ``keypath.format_path`` (``a.tool_ids[0].b``), with the whole
    document spelled ``<root>`` rather than as nothing."""
    return format_path(key_path, root=root)


def report_duplicate(error: LoadError, duplicates: list[LoadError] | None) -> None:
    """A duplicate key: raised, or collected in ``duplicates`` (the last value wins, as in ``json.loads``)."""
    if duplicates is None:
        raise error
    duplicates.append(error)
