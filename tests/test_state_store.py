"""State files: deterministic atomic writes, parsing errors, and the lock (real files, real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agents_cli.errors import ConfigError
from agents_cli.project.state import (
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


HOLD_LOCK = """
import sys, time
from pathlib import Path
from agents_cli.cli.wording import words
from agents_cli.errors import use_wording
from agents_cli.project.state import StateLocked, state_lock

use_wording(words)  # the CLI's words for the error, as a user sees them
root, start, hold = Path(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
while time.time() < start:
    time.sleep(0.001)
try:
    with state_lock(root, "dev"):
        print("acquired", flush=True)
        time.sleep(hold)
except StateLocked as exc:
    print("locked:", exc.message, flush=True)
"""


def _contenders(root: Path, count: int, hold: float) -> list[subprocess.Popen[str]]:
    start = time.time() + 1.0  # every interpreter is up and waiting by then
    return [
        subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(root), str(start), str(hold)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        for _ in range(count)
    ]


def test_processes_starting_together_on_a_stale_lock_take_it_exactly_once(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = lock_path(tmp_path, "dev")
    path.parent.mkdir()
    path.write_text(f"{dead.pid}\n")  # left by a crashed sync
    for _round in range(2):
        procs = _contenders(tmp_path, 8, hold=1.0)
        outputs = [proc.communicate(timeout=30)[0].strip() for proc in procs]
        winners = [proc.pid for proc, out in zip(procs, outputs, strict=True) if out == "acquired"]
        assert len(winners) == 1, outputs
        losers = [out for out in outputs if out != "acquired"]
        assert all(f"locked by process {winners[0]}" in out and "dev.lock" in out for out in losers), outputs
        assert not path.exists()


def test_lock_of_a_killed_holder_is_free_at_once(tmp_path: Path) -> None:
    holder = _contenders(tmp_path, 1, hold=60)[0]
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "acquired"
        with pytest.raises(StateLocked, match=f"locked by process {holder.pid}"), state_lock(tmp_path, "dev"):
            pass
    finally:
        holder.kill()  # SIGKILL: no cleanup runs, the file stays, the kernel drops the lock
        holder.communicate()
    assert lock_path(tmp_path, "dev").read_text().strip() == str(holder.pid)
    with state_lock(tmp_path, "dev") as held:
        assert held.read_text().strip() == str(os.getpid())
    assert not lock_path(tmp_path, "dev").exists()


def test_stale_lock_of_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = lock_path(tmp_path, "dev")
    path.parent.mkdir()
    path.write_text(f"{dead.pid}\n")
    with state_lock(tmp_path, "dev") as held:
        assert held.read_text().strip() == str(os.getpid())
