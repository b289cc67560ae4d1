"""The long run of the hostile-input fuzz (``tests/project/test_fuzz_inputs.py``, ``long`` profile): N
generated YAML configs, JSON configs, manifests and state files each (default 5,000), random rather than
the suite's fixed inputs, a 5 s deadline per input. Prints the wall time, the inputs per second and the
peak memory of the run; fails when any input crashes (exit 3), takes over 5 s, or the run's peak memory
passes 500 MB.

Usage: python benchmarks/fuzz.py [--examples N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT_MB = 500


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=5000, help="inputs per kind of file")
    examples = parser.parse_args().examples
    env = {**os.environ, "AGENTS_FUZZ_PROFILE": "long", "AGENTS_FUZZ_EXAMPLES": str(examples)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout", "0"]
    command.append("tests/project/test_fuzz_inputs.py")
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=REPO_ROOT, env=env, check=False)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    total = 4 * examples  # YAML and JSON configs, manifests, state files
    print(f"fuzz: {total} inputs in {elapsed:.1f} s ({total / elapsed:.0f}/s), peak memory {peak_mb:.0f} MB")
    if finished.returncode != 0:
        print("fuzz: FAILED (see the pytest output above)")
        return 1
    if peak_mb > MEMORY_LIMIT_MB:
        print(f"fuzz: FAILED: peak memory over {MEMORY_LIMIT_MB} MB")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
