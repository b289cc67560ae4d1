"""State files: deterministic atomic writes, parsing errors, and the lock (real files, real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents_cli.errors import ConfigError
from agents_cli.state import (
    ResourceState,
    State,
    StateLocked,
    load_state,
    lock_path,
    save_state,
    state_lock,
    state_path,
)


def test_round_trip_is_deterministic(tmp_path: Path) -> None:
    state = State("dev")
    state.set("agent", "zeta", ResourceState("a2", "sha256:1", "sha256:2"))
    state.set("agent", "alpha", ResourceState("a1"))
    state.set("tool", "lookup", ResourceState("t1", "sha256:3", "sha256:4"))
    save_state(tmp_path, state)
    text = state_path(tmp_path, "dev").read_text()
    assert text.endswith("}\n")
    assert list(json.loads(text)["agents"]) == ["alpha", "zeta"]
    loaded = load_state(tmp_path, "dev")
    assert loaded.as_dict() == state.as_dict()
    save_state(tmp_path, loaded)
    assert state_path(tmp_path, "dev").read_text() == text
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["dev.json"]  # no temp files left behind


def test_missing_state_is_empty_and_broken_state_names_the_file(tmp_path: Path) -> None:
    assert load_state(tmp_path, "prod").ids("agent") == {}
    path = state_path(tmp_path, "prod")
    path.parent.mkdir()
    path.write_text('{"agents": {"x": {}}}')
    with pytest.raises(ConfigError, match=r"agents\.x has no 'id'"):
        load_state(tmp_path, "prod")
    path.write_text("{")
    with pytest.raises(ConfigError, match=r"prod\.json:1:2"):
        load_state(tmp_path, "prod")


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    with state_lock(tmp_path, "dev") as held:
        assert held.read_text().strip() == str(os.getpid())
        with pytest.raises(StateLocked, match="already locked"), state_lock(tmp_path, "dev"):
            pass
    assert not lock_path(tmp_path, "dev").exists()


def test_lock_held_by_live_process_names_pid_and_file(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        path = lock_path(tmp_path, "dev")
        path.parent.mkdir()
        path.write_text(f"{sleeper.pid}\n")
        with pytest.raises(StateLocked) as info, state_lock(tmp_path, "dev"):
            pass
        assert str(sleeper.pid) in info.value.message and "dev.lock" in info.value.message
    finally:
        sleeper.kill()
        sleeper.wait()


def test_stale_lock_of_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = lock_path(tmp_path, "dev")
    path.parent.mkdir()
    path.write_text(f"{dead.pid}\n")
    with state_lock(tmp_path, "dev") as held:
        assert held.read_text().strip() == str(os.getpid())
