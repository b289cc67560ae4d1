"""``agents plan`` reads each project file once: validation is the load (one ``FileStore`` per run)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import serve_emulator
from tests.support.samples import KEYS, sample_project

_opened: list[str] | None = None


def _count_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _opened is not None and args and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_count_opens)  # audit hooks cannot be removed: it records only while a test sets _opened


@pytest.fixture
def opened() -> Iterator[list[str]]:
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def test_plan_opens_every_config_file_once(tmp_path: Path, opened: list[str]) -> None:
    with serve_emulator() as url:
        root = sample_project(tmp_path / "proj", url)
        overlay = root / "agents" / "bot.staging.yaml"
        overlay.write_text("conversation_config:\n  agent:\n    first_message: Hi staging\n")
        manifest = (
            (root / "agents.json")
            .read_text()
            .replace(
                '"config": "agents/bot.yaml"',
                '"config": "agents/bot.yaml", "overlays": {"staging": "agents/bot.staging.yaml"}',
            )
        )
        (root / "agents.json").write_text(manifest)
        opened.clear()
        run_cli(["plan"], cwd=root, env=KEYS)
    files = [
        "agents.json",
        "agents/bot.yaml",
        "agents/bot.staging.yaml",
        "tools/lookup.yaml",
        "tests/greets.yaml",
    ]
    counts = Counter(Path(path).resolve() for path in opened)
    assert {name: counts[(root / name).resolve()] for name in files} == dict.fromkeys(files, 1)
