"""``make demo`` (scripts/demo.sh): init → add → validate → plan → sync → plan → test → chat on ``local``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support import REPO_ROOT


@pytest.mark.skipif(not (REPO_ROOT / ".venv" / "bin" / "agents").exists(), reason="needs the project's .venv")
def test_demo_script_runs_end_to_end(tmp_path: Path) -> None:
    environment = {**os.environ, "TMPDIR": str(tmp_path), "NO_COLOR": "1", "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("ELEVENLABS_BASE_URL", None)
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "demo.sh")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Plan: 3 to create, 0 to update, 0 to delete." in output
    assert "Sync local: 3 created, 0 updated, 0 deleted, 0 failed." in output
    assert "conversation_config.agent.prompt.temperature: 0.0 → 0.2" in output
    assert output.count("No changes.") == 2
    assert "support-bot  looks-up-order  tool  passed" in output  # the template pair passes on local
    assert "1 passed of 1 run(s)" in output
    assert "script passed: 1 turn(s) as expected" in output  # chat over the Agent WebSocket
    assert list(tmp_path.iterdir()) == []  # the temp project is removed
