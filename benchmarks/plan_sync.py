"""Wall time and request counts of plan and sync: 50 agents, emulator on loopback with 50 ms latency.

For the default concurrency and for concurrency 1, on a fresh emulator each (``agents emulator serve`` in its
own process, as a real server would be): create everything (one sync),
then measure ``plan``, ``sync`` with nothing changed, and ``sync`` with every agent changed. The sync timings
are of the real command (``agents_cli.commands.sync.sync``, in-process); plan is the command's read-and-plan
path without rendering. Checks: the nothing-changed sync makes 0 write requests; the default concurrency is
at least 6x faster than concurrency 1 for the all-changed sync.

Times are the best of 5 runs (the machine may be shared); nothing-changed syncs must make 0 writes in each.

Usage: python benchmarks/plan_sync.py [--agents 50] [--latency-ms 50] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from faults_converge import KEY_VARIABLE, REPO_ROOT, run_command, write_scale_agent, write_scale_project

from agents_cli.remote.client import DEFAULT_CONCURRENCY


@dataclass
class Measure:
    label: str
    seconds: float
    requests: int
    writes: int

    def line(self, concurrency: int) -> str:
        return (
            f"  concurrency {concurrency:2d}  {self.label:<22} {self.seconds * 1000:8.0f} ms  "
            f"{self.requests:4d} requests  {self.writes:3d} writes"
        )


def measure_plan(root: Path, concurrency: int) -> Measure:
    from agents_cli.engine.workspace import Workspace
    from agents_cli.remote.connect import build_client

    started = time.perf_counter()
    workspace = Workspace.open(root, None)
    workspace.validation()
    workspace.load()
    client = build_client(workspace.root, workspace.environment, concurrency=concurrency)

    async def read_and_plan() -> tuple[bool, dict[str, int]]:
        async with client as api:
            result = await workspace.plan(api)
            return result.plan.has_changes, api.stats.as_dict()

    has_changes, stats = asyncio.run(read_and_plan())
    if has_changes:
        raise SystemExit("plan after a full sync shows changes: the benchmark setup is broken")
    return Measure("plan", time.perf_counter() - started, stats["requests"], stats["writes"])


def measure_sync(root: Path, concurrency: int, label: str) -> Measure:
    started = time.perf_counter()
    code, stdout, _ = run_command("sync", root, yes=True, as_json=True, concurrency=concurrency)
    seconds = time.perf_counter() - started
    result = json.loads(stdout)
    if code != 0:
        raise SystemExit(f"sync failed: {result['results']}")
    return Measure(label, seconds, result["requests"]["requests"], result["requests"]["writes"])


@contextlib.contextmanager
def emulator_process(latency_ms: float) -> Iterator[str]:
    """``agents emulator serve`` in its own process (like a real server, it does not share our GIL)."""
    command = [sys.executable, "-m", "agents_cli", "emulator", "serve", "--port", "0"]
    with served_process([*command, "--latency-ms", str(latency_ms)]) as url:
        yield url


@contextlib.contextmanager
def served_process(command: list[str]) -> Iterator[str]:
    """A server process that prints ``listening on URL`` first; yields the URL, stops it afterwards."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if "listening on " not in line:
            raise SystemExit(f"the emulator did not start: {line!r}")
        # Keep reading whatever else it prints, so a full pipe can never block the server.
        threading.Thread(target=lambda: process.stdout and process.stdout.read(), daemon=True).start()
        yield line.split("listening on ", 1)[1].strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_series(
    workdir: Path, concurrency: int, *, agents: int, latency_ms: float, repeats: int
) -> dict[str, Measure]:
    with emulator_process(latency_ms) as url:
        root = write_scale_project(workdir / f"c{concurrency}", url, agents=agents, tools=0)
        results = {"create": measure_sync(root, concurrency, "sync (all created)")}
        # Best of ``repeats``: the machine is shared, and the minimum is the least disturbed run.
        for repeat in range(repeats):
            best("plan", measure_plan(root, concurrency), results)
            unchanged = measure_sync(root, concurrency, "sync (nothing changed)")
            if unchanged.writes:
                raise SystemExit(f"a sync with nothing changed sent {unchanged.writes} write requests")
            best("unchanged", unchanged, results)
            for index in range(agents):
                temperature = 0.5 + 0.1 * (repeat % 2)
                write_scale_agent(root, f"agent-{index:03d}", index, tools=0, temperature=temperature)
            best("changed", measure_sync(root, concurrency, "sync (all changed)"), results)
    return results


def best(key: str, measure: Measure, results: dict[str, Measure]) -> None:
    if key not in results or measure.seconds < results[key].seconds:
        results[key] = measure


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=5, help="Report the best of this many runs.")
    options = parser.parse_args()
    os.environ.setdefault(KEY_VARIABLE, "sk_bench")
    print(f"{options.agents} agents, emulator latency {options.latency_ms:.0f} ms per request")
    series: dict[int, dict[str, Measure]] = {}
    with tempfile.TemporaryDirectory(prefix="agents-bench-") as folder:
        for concurrency in (DEFAULT_CONCURRENCY, 1):
            series[concurrency] = run_series(
                Path(folder),
                concurrency,
                agents=options.agents,
                latency_ms=options.latency_ms,
                repeats=options.repeats,
            )
            for measure in series[concurrency].values():
                print(measure.line(concurrency), flush=True)
    fast, slow = series[DEFAULT_CONCURRENCY], series[1]
    speedup = slow["changed"].seconds / fast["changed"].seconds
    unchanged_writes = fast["unchanged"].writes + slow["unchanged"].writes
    print(
        f"speed-up of concurrency {DEFAULT_CONCURRENCY} over 1, all-changed sync: {speedup:.1f}x (target 6x)"
    )
    print(f"write requests of the nothing-changed syncs: {unchanged_writes} (target 0)")
    return 0 if speedup >= 6 and unchanged_writes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
