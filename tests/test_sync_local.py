"""The ``local`` environment (``emulator: true``): plan and sync in-process on ``.agents/emulator.db``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.samples import KEYS, sample_project


def test_local_environment_syncs_in_process_and_persists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    project = sample_project(tmp_path / "proj", "http://127.0.0.1:9")  # staging/prod unused here
    manifest = json.loads((project / "agents.json").read_text())
    manifest["environments"]["local"] = {"emulator": True}
    (project / "agents.json").write_text(json.dumps(manifest))

    first = run_cli(["plan", "--env", "local", "--detailed-exitcode"], cwd=project, expect=2, env=KEYS)
    assert "Plan: 3 to create, 0 to update, 0 to delete." in first.stdout
    run_cli(["sync", "--env", "local"], cwd=project, env=KEYS)
    assert (project / ".agents" / "emulator.db").is_file()
    assert set(json.loads((project / "state" / "local.json").read_text())["agents"]) == {"bot"}
    # A new process-level client reads the same database: nothing left to do.
    again = run_cli(["plan", "--env", "local", "--detailed-exitcode"], cwd=project, env=KEYS)
    assert "No changes." in again.stdout
