"""Median wall time of ``agents --help`` (target: <= 120 ms on the development machine).

Runs ``python -m agents_cli --help`` as a subprocess ~20 times after one warm-up run and prints the median.
The import list is asserted in tests/cli/test_main.py; this script only measures.

Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_once() -> float:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "agents_cli", "--help"],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    run_once()  # warm-up: .pyc files and the OS cache
    timings = sorted(run_once() for _ in range(options.runs))
    median_ms = statistics.median(timings) * 1000
    print(
        f"agents --help: median {median_ms:.1f} ms over {options.runs} runs (min {timings[0] * 1000:.1f} ms)"
    )
    print(f"  target <= 120 ms: {'ok' if median_ms <= 120 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
