"""State files: deterministic atomic writes, parsing errors, and the lock (real files, real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents_cli.errors import ConfigError
from agents_cli.project.state import (
    ResourceState,
    State,
    StateLocked,
    append_journal,
    journal_path,
    load_state,
    lock_path,
    save_state,
    state_lock,
    state_path,
)
from tests.support import REPO_ROOT
from tests.support.waiting import EVENT_DEADLINE_S


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
import sys
from pathlib import Path
from agents_cli.cli.wording import words
from agents_cli.errors import use_wording
from agents_cli.project.state import StateLocked, state_lock

use_wording(words)  # the CLI's words for the error, as a user sees them
print("ready", flush=True)
sys.stdin.readline()  # every contender goes when told, all together
try:
    with state_lock(Path(sys.argv[1]), "dev"):
        print("acquired", flush=True)
        sys.stdin.readline()  # held until told to let go (or killed)
except StateLocked as exc:
    print("locked:", exc.message, flush=True)
"""


def _contenders(root: Path, count: int) -> list[subprocess.Popen[str]]:
    """``count`` processes that try to take the lock at once, as soon as every one of them is up."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
        )
        for _ in range(count)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return procs


def _answer(proc: subprocess.Popen[str]) -> str:
    """The contender's answer: "acquired" (and it holds the lock until told to let go) or "locked: …"."""
    assert proc.stdout is not None
    return proc.stdout.readline().strip()


def test_processes_starting_together_on_a_stale_lock_take_it_exactly_once(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = lock_path(tmp_path, "dev")
    path.parent.mkdir()
    path.write_text(f"{dead.pid}\n")  # left by a crashed sync
    for _round in range(2):
        procs = _contenders(tmp_path, 8)
        outputs = [_answer(proc) for proc in procs]  # every one has tried while the winner holds it
        for proc in procs:
            proc.communicate("\n", timeout=EVENT_DEADLINE_S)  # the winner lets go; the others have ended
        winners = [proc.pid for proc, out in zip(procs, outputs, strict=True) if out == "acquired"]
        assert len(winners) == 1, outputs
        losers = [out for out in outputs if out != "acquired"]
        assert all(f"locked by process {winners[0]}" in out and "dev.lock" in out for out in losers), outputs
        assert not path.exists()


def test_lock_of_a_killed_holder_is_free_at_once(tmp_path: Path) -> None:
    holder = _contenders(tmp_path, 1)[0]
    try:
        assert _answer(holder) == "acquired"
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


def test_a_journal_left_by_a_killed_run_is_replayed_and_a_whole_write_removes_it(tmp_path: Path) -> None:
    state = State(environment="dev")
    state.set("agent", "kept", ResourceState("agent_1", "sha256:a"))
    state.set("agent", "gone", ResourceState("agent_2"))
    save_state(tmp_path, state)
    state.take_changes()
    state.set("agent", "new", ResourceState("agent_3", "sha256:b"))
    state.remove("agent", "gone")
    append_journal(tmp_path, "dev", state.take_changes())
    state.set("agent", "new", ResourceState("agent_4"))
    # The kill interrupted this append: its line is torn and must be ignored.
    append_journal(tmp_path, "dev", state.take_changes()[:20])
    loaded = load_state(tmp_path, "dev")
    assert loaded.ids("agent") == {"kept": "agent_1", "new": "agent_3"}
    assert loaded.get("agent", "new") == ResourceState("agent_3", "sha256:b")
    save_state(tmp_path, loaded)
    assert not journal_path(tmp_path, "dev").exists()
    assert load_state(tmp_path, "dev").ids("agent") == {"kept": "agent_1", "new": "agent_3"}


def test_branch_and_version_ids_round_trip_and_a_hand_edited_one_is_refused(tmp_path: Path) -> None:
    recorded = State("dev")
    entry = ResourceState("agent_1", branch_id="agtbranch_0101kabc", version_id="agtvrsn_0101kabc")
    recorded.set("agent", "bot", entry)
    save_state(tmp_path, recorded)
    loaded = load_state(tmp_path, "dev").get("agent", "bot")
    assert loaded is not None and (loaded.branch_id, loaded.version_id) == (entry.branch_id, entry.version_id)
    path = tmp_path / "state" / "dev.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["agents"]["bot"]["branch_id"] = "../x?force=1"  # it would reach a URL
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError):
        load_state(tmp_path, "dev")
