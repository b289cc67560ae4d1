"""SIGKILL ``agents sync`` mid-run, run it again: no duplicates, state always parses (4 trials here; 20 in
``benchmarks/kill_converge.py``)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from kill_converge import kill_trial, measure_sync


@pytest.mark.timeout(180)
def test_killed_sync_converges_on_rerun(tmp_path: Path) -> None:
    agents, tools = 12, 3
    window = 0.8 * measure_sync(tmp_path, agents=agents, tools=tools)  # kills land before the end
    rng = random.Random(42)
    trials = [
        kill_trial(n, tmp_path, rng, agents=agents, tools=tools, window=window, at_write=n % 2 == 0)
        for n in range(1, 5)
    ]
    for trial in trials:
        assert trial.converged(agents, tools), trial.line(agents, tools)
    assert all(trial.killed_running for trial in trials if "write" in trial.how)
    assert any(trial.killed_running for trial in trials if "write" not in trial.how)
