"""How ``agents validate`` scales with one very large config: a webhook tool whose ``request_headers`` map has
N keys (50,000, 100,000 and 200,000 by default), in YAML and JSON. Prints the CPU seconds of validating the
project in-process for each size and the time per 100,000 keys; fails when doubling the size more than
triples the time (validation must stay linear: the parsers, positions, schema check and reference scans).

Usage: python benchmarks/validate_large.py [--sizes 50000,100000,200000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from agents_cli.project.loader import dump_yaml  # noqa: E402
from agents_cli.project.validation import validate_project  # noqa: E402


def build(root: Path, keys: int, suffix: str) -> None:
    headers = {f"X-Header-{index}": f"value {index}" for index in range(keys)}
    tool = {
        "type": "webhook",
        "name": "big",
        "description": "A tool with very many headers.",
        "api_schema": {"url": "https://example.com/a", "method": "GET", "request_headers": headers},
    }
    (root / "tools").mkdir(parents=True)
    text = json.dumps(tool) if suffix == "json" else dump_yaml(tool)
    (root / "tools" / f"big.{suffix}").write_text(text, encoding="utf-8")
    manifest = {
        "version": 1,
        "environments": {"dev": {}},
        "agents": {},
        "tools": {"big": {"config": f"tools/big.{suffix}"}},
        "tests": {},
    }
    (root / "agents.json").write_text(json.dumps(manifest), encoding="utf-8")


def measure(keys: int, suffix: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build(root, keys, suffix)
        started = time.process_time()
        report = validate_project(root)
        elapsed = time.process_time() - started
        assert report.valid, [problem.message for problem in report.problems][:3]
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000,100000,200000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    measure(100, "json")  # load the schemas once, outside the figures
    linear = True
    for suffix in ("yaml", "json"):
        previous: tuple[int, float] | None = None
        for keys in sizes:
            seconds = measure(keys, suffix)
            per = seconds / keys * 100_000
            print(f"validate_large: {suffix} {keys} keys: {seconds:.2f} s CPU ({per:.2f} s per 100,000 keys)")
            if previous is not None and seconds > 3 * previous[1] * keys / (2 * previous[0]):
                linear = False
            previous = (keys, seconds)
    if not linear:
        print("validate_large: FAILED: time grows faster than the size")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
