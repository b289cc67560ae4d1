"""Wall time of ``agents --help`` (target: <= 60 ms, issue 15), as ``python -m agents_cli`` and, when
installed next to the interpreter, as the ``agents`` console script (which skips runpy).

Runs each ~20 times after one warm-up run and prints the minimum and the median (the machine may be shared:
the minimum is the least noisy). Bytecode is compiled first and written as an installed package has it (a
PYTHONDONTWRITEBYTECODE session would otherwise compile changed modules on every run). What ``--help``
imports is pinned in tests/cli/test_main.py and what it builds in tests/cli/test_lazy.py; this only measures.

Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 60


def run_once(command: list[str]) -> float:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def measure(label: str, command: list[str], runs: int, *, target: bool = True) -> None:
    run_once(command)  # warm-up: the OS cache
    timings = sorted(run_once(command) for _ in range(runs))
    median_ms, minimum_ms = statistics.median(timings) * 1000, timings[0] * 1000
    verdict = "ok" if median_ms <= TARGET_MS else ("min ok" if minimum_ms <= TARGET_MS else "TOO SLOW")
    line = f"{label:<28} median {median_ms:5.1f} ms  min {minimum_ms:5.1f} ms  over {runs} runs"
    print(line + (f"  (target <= {TARGET_MS} ms: {verdict})" if target else "  (the interpreter alone)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    compileall.compile_dir(REPO_ROOT / "agents_cli", quiet=1)
    measure("python -c pass", [sys.executable, "-c", "pass"], options.runs, target=False)
    measure("python -m agents_cli --help", [sys.executable, "-m", "agents_cli", "--help"], options.runs)
    script = Path(sys.executable).with_name("agents")
    if script.is_file():
        measure("agents --help", [str(script), "--help"], options.runs)


if __name__ == "__main__":
    main()
