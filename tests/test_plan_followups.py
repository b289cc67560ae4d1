"""Plan/sync follow-ups (review issue 4), end to end over loopback HTTP against the served emulator:
validation before any request, ``--only`` with dependencies not created yet, hidden tags refreshed after a
rename, quiet state-only refreshes, full values in create plans, status for ✗-only changes, output order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ServedEmulator
from tests.helpers import run_cli
from tests.sync_support import KEYS, state, write_project


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    return write_project(tmp_path / "proj", served_emulator.url)


def cli(project: Path, *args: str, expect: int = 0) -> tuple[str, str]:
    result = run_cli(list(args), cwd=project, expect=expect, env=KEYS)
    return result.stdout, result.stderr


def as_json(project: Path, *args: str, expect: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cli(project, *args, "--json", expect=expect)[0])
    return data


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


# -- 1. plan and sync validate first ----------------------------------------------------------------------
@pytest.mark.parametrize("command", [["plan"], ["sync"], ["sync", "--dry-run"]])
def test_a_typod_key_stops_plan_and_sync_before_any_request(
    project: Path, served_emulator: ServedEmulator, command: list[str]
) -> None:
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temprature: 0.1")
    _stdout, stderr = cli(project, *command, expect=1)
    assert "agents/bot.yaml:10:" in stderr and "temprature" in stderr
    assert "1 error in the configs of environment 'staging'" in stderr
    assert "agents validate --env staging" in stderr
    assert served_emulator.exchanges == []
    assert not (project / "state" / "staging.json").exists()


def test_a_wrong_type_stops_sync_instead_of_a_422_and_warnings_do_not(
    project: Path, served_emulator: ServedEmulator
) -> None:
    config = project / "agents" / "bot.yaml"
    original = config.read_text()
    config.write_text("name: Support Bot\nconversation_config: x\n")
    _stdout, stderr = cli(project, "sync", expect=1)
    assert "agents/bot.yaml:2:" in stderr and "conversation_config" in stderr
    assert served_emulator.exchanges == []
    # A warning (an LLM id the catalog does not know) does not stop it.
    config.write_text(original.replace("temperature: 0.3", "temperature: 0.3\n      llm: my-new-llm-9"))
    stdout, _stderr = cli(project, "plan")
    assert "Plan: 3 to create" in stdout
