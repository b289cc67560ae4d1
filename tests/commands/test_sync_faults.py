"""Sync under 20 % injected faults converges without duplicates (2 seeds here; 20 in the benchmark script
``benchmarks/faults_converge.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from faults_converge import converge


@pytest.mark.parametrize("seed", [7, 1234])
def test_sync_converges_under_faults(seed: int, tmp_path: Path) -> None:
    outcome = converge(seed, tmp_path, agents=50, tools=10, fault_rate=0.2)
    assert outcome.sync_exit == 0 and outcome.failed == 0, outcome.line()
    assert outcome.retries > 0, "the faults must actually have hit the sync"
    assert (outcome.agents, outcome.tools, outcome.duplicates) == (50, 10, 0), outcome.line()
    assert not outcome.plan_has_changes, outcome.line()
