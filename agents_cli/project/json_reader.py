"""JSON config files with positions: ``json.loads`` for the data, a token scan for where each key sits and
for duplicate keys."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agents_cli.keypath import KeyPath
from agents_cli.project.documents import (
    MAX_DEPTH,
    LoadError,
    Position,
    PositionMap,
    report_duplicate,
    too_deep,
)

# json.loads gives exact JSON semantics (escapes, surrogate pairs, numbers) and good syntax errors; a
# small token scanner over the same (now known valid) text adds positions and catches duplicate keys.

_JSON_TOKEN = re.compile(
    r"""
    (?P<string>"[^"\\]*(?:\\.[^"\\]*)*")
  | (?P<punct>[{}\[\]:,])
  | (?P<atom>-?[0-9][0-9.eE+\-]*|true|false|null)
  | (?P<space>[ \t\r\n]+)
    """,
    re.VERBOSE | re.DOTALL,
)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(
    text: str, path: Path, *, duplicates: list[LoadError] | None = None
) -> tuple[Any, PositionMap]:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise LoadError(path, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise LoadError(path, 1, 1, f"invalid JSON: {exc}") from None
    except RecursionError:
        _json_positions(text, path, duplicates)  # raises where it gets too deep
        raise too_deep(path, (1, 1)) from None
    return data, _json_positions(text, path, duplicates)


class _LineIndex:
    """Offset → (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return (line, offset - self.starts[line - 1] + 1)


def _json_tokens(text: str) -> Iterator[tuple[str, str, int]]:
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "space" and kind is not None:
            yield kind, match.group(), match.start()


def _decode_key(token: str) -> str:
    return token[1:-1] if "\\" not in token else str(json.loads(token))


def _json_positions(text: str, path: Path, duplicates: list[LoadError] | None) -> PositionMap:
    lines = _LineIndex(text)
    positions: PositionMap = {}
    tokens = _json_tokens(text)

    def value(first: tuple[str, str, int], key_path: KeyPath) -> None:
        _kind, token, start = first
        if len(key_path) >= MAX_DEPTH and token in "{[":
            raise too_deep(path, lines.position(start))
        if token == "{":
            seen: dict[str, int] = {}  # key → the line it was first written on
            for _kind, token, offset in tokens:
                if token == "}":
                    return
                if token == ",":
                    continue
                key = _decode_key(token)
                here = lines.position(offset)
                if key in seen:
                    detail = f"duplicate key {key!r} (first at line {seen[key]})"
                    report_duplicate(LoadError(path, *here, detail), duplicates)
                seen.setdefault(key, here[0])
                next(tokens)  # the colon
                positions[(*key_path, key)] = here
                value(next(tokens), (*key_path, key))
        elif token == "[":
            index = 0
            for item in tokens:
                if item[1] == "]":
                    return
                if item[1] == ",":
                    continue
                positions[(*key_path, index)] = lines.position(item[2])
                value(item, (*key_path, index))
                index += 1

    first = next(tokens, None)
    if first is not None:
        positions[()] = lines.position(first[2])
        value(first, ())
    return positions
