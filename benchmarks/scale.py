"""The whole CLI against the network floor, N = 50 and N = 1,000 agents side by side (issue 15).

Every number is the wall time of a real ``agents`` process (``python -m agents_cli …``, interpreter start
and teardown included), against ``agents emulator serve --latency-ms L`` in its own process, as a real
server would be. For each N on a fresh emulator: create everything (``sync --yes``), then ``plan``, a no-op
``sync``, ``status``, an all-changed ``sync`` and ``pull`` into an empty project. Per command it prints the
median wall time of ``--repeats`` runs, the floor, the ratio to it, the requests made (from the emulator's
own count), the CPU time and the peak RSS of the process (``wait4``), and the fixed costs around the
network: from the process's start to the first request the server saw, and from the last answer it sent to
the process's exit (output, state written, teardown). Then ``--help`` and ``validate`` start-up (cached and
cold).

The floor of a command is its unavoidable round trips: ``ceil(reads / C) × L`` (+ ``ceil(writes / C) × L``)
plus the interpreter's own start (``python -c pass``, measured). With C = 8, L = 50 ms, 50 agents: 7 × 50 ms.

The machine may be shared: repeat, report medians, and read the numbers with that in mind.

Usage: python benchmarks/scale.py [--agents 50,1000] [--latency-ms 50] [--repeats 3] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faults_converge import KEY_VARIABLE, REPO_ROOT, write_scale_agent, write_scale_project
from plan_sync import served_process


@dataclass
class Run:
    seconds: float
    cpu: float
    rss_mb: float
    code: int
    started: float = 0.0  # time.monotonic() just before the process was started
    ended: float = 0.0  # … and once it had exited
    first_request_s: float | None = None  # start → the server saw its first request
    after_last_s: float | None = None  # the server sent its last answer → the process had exited


@dataclass
class Row:
    label: str
    runs: list[Run]
    floor: float
    requests: int

    @property
    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def line(self) -> str:
        cpu = statistics.median(run.cpu for run in self.runs)
        rss = max(run.rss_mb for run in self.runs)
        text = (
            f"  {self.label:<22} {self.median * 1000:8.0f} ms  floor {self.floor * 1000:6.0f} ms  "
            f"x{self.median / self.floor:5.2f}  {self.requests:5d} requests  cpu {cpu * 1000:6.0f} ms  "
            f"rss {rss:5.0f} MB"
        )
        firsts = [run.first_request_s for run in self.runs if run.first_request_s is not None]
        afters = [run.after_last_s for run in self.runs if run.after_last_s is not None]
        if firsts and afters:
            text += (
                f"  first request +{statistics.median(firsts) * 1000:4.0f} ms"
                f"  after last answer {statistics.median(afters) * 1000:4.0f} ms"
            )
        return text


def environment(concurrency: int) -> dict[str, str]:
    """The children's variables: bytecode as an installed package has it (pip compiles on install; a
    PYTHONDONTWRITEBYTECODE session would otherwise compile every module on every run)."""
    variables = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        KEY_VARIABLE: "sk_bench",
        "AGENTS_CONCURRENCY": str(concurrency),
    }
    variables.pop("PYTHONDONTWRITEBYTECODE", None)
    return variables


def compile_bytecode() -> None:
    import compileall

    compileall.compile_dir(REPO_ROOT / "agents_cli", quiet=1)


def run_agents(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """One ``agents`` process; wall time, CPU and peak RSS of exactly that child."""
    started = time.perf_counter()
    monotonic_start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "agents_cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    run = Run(seconds, cpu, usage.ru_maxrss / 1024, process.returncode, monotonic_start, time.monotonic())
    return run


def interpreter_start(runs: int = 5) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def server_view(url: str) -> dict[str, Any]:
    """The emulator's count of requests served so far (its own, not the client's), and when the first of
    them since the previous look arrived and the last answer left (``time.monotonic()``)."""
    import httpx

    answer: dict[str, Any] = httpx.get(url + "/_bench/requests", timeout=10).json()
    return answer


def measure(
    label: str,
    args: list[str],
    cwd: Path,
    env: dict[str, str],
    *,
    url: str,
    repeats: int,
    floor: float,
    allowed: tuple[int, ...] = (0,),
    before_each: object = None,
) -> Row:
    runs = []
    requests = 0
    for _ in range(repeats):
        if callable(before_each):
            before_each()
        seen = server_view(url)["requests"]
        run = run_agents(args, cwd, env)
        if run.code not in allowed:
            raise SystemExit(f"agents {' '.join(args)} exited {run.code}")
        view = server_view(url)
        requests = view["requests"] - seen
        if view["first"] is not None and view["last"] is not None:
            run.first_request_s = view["first"] - run.started
            run.after_last_s = run.ended - view["last"]
        runs.append(run)
    return Row(label, runs, floor, requests)


@contextlib.contextmanager
def emulator_process(latency_ms: float) -> Iterator[str]:
    """benchmarks/counting_emulator.py in its own process (like a real server, it does not share our GIL)."""
    command = [sys.executable, str(Path(__file__).with_name("counting_emulator.py"))]
    with served_process([*command, "--latency-ms", str(latency_ms)]) as url:
        yield url


def floor_of(round_trips: int, concurrency: int, latency: float, start: float) -> float:
    return math.ceil(round_trips / concurrency) * latency + start


def series(agents: int, options: argparse.Namespace, start: float, folder: Path) -> list[Row]:
    latency = options.latency_ms / 1000
    concurrency = options.concurrency
    env = environment(concurrency)
    rows: list[Row] = []
    with emulator_process(options.latency_ms) as url:
        root = write_scale_project(folder / f"n{agents}", url, agents=agents, tools=0)
        reads = floor_of(agents, concurrency, latency, start)
        # Create: one POST per agent; state needs nothing a GET would add (floor: one round trip each),
        # the issue counts two round trips per agent (POST + GET) as the ceiling of its floor.
        create_floor = floor_of(2 * agents, concurrency, latency, start)
        rows.append(
            measure("sync (create)", ["sync", "--yes"], root, env, url=url, repeats=1, floor=create_floor)
        )
        repeats = options.repeats
        rows.append(measure("plan", ["plan"], root, env, url=url, repeats=repeats, floor=reads))
        rows.append(
            measure("sync (no-op)", ["sync", "--yes"], root, env, url=url, repeats=repeats, floor=reads)
        )
        rows.append(
            measure("status", ["status"], root, env, url=url, repeats=repeats, floor=reads, allowed=(0, 2))
        )
        flip = {"value": 0}

        def change_all() -> None:
            flip["value"] += 1
            for index in range(agents):
                temperature = 0.5 + 0.1 * (flip["value"] % 2)
                write_scale_agent(root, f"agent-{index:03d}", index, tools=0, temperature=temperature)

        # All changed: a GET and a PATCH per agent.
        rows.append(
            measure(
                "sync (all changed)",
                ["sync", "--yes"],
                root,
                env,
                url=url,
                repeats=repeats,
                floor=floor_of(2 * agents, concurrency, latency, start),
                before_each=change_all,
            )
        )
        pulled = folder / f"pull{agents}"

        def fresh_pull_project() -> None:
            shutil.rmtree(pulled, ignore_errors=True)
            pulled.mkdir()
            manifest = (
                '{"version": 1, "default_environment": "bench", "environments": {"bench": '
                f'{{"api_key_env": "{KEY_VARIABLE}", "base_url": "{url}"}}}}}}\n'
            )
            (pulled / "agents.json").write_text(manifest)

        # Pull: list (pages of 100, one per kind) + a GET per agent.
        pages = math.ceil(agents / 100) + 2
        rows.append(
            measure(
                "pull",
                ["pull", "--yes", "--env", "bench"],
                pulled,
                env,
                url=url,
                repeats=repeats,
                floor=floor_of(agents, concurrency, latency, start) + pages * latency,
                before_each=fresh_pull_project,
            )
        )
    return rows


def start_up(options: argparse.Namespace, start: float, folder: Path) -> list[Row]:
    env = environment(options.concurrency)
    repeats = max(options.repeats, 5)
    root = write_scale_project(folder / "validate50", "http://127.0.0.1:9", agents=50, tools=0)
    rows = [Row("--help", [run_agents(["--help"], root, env) for _ in range(repeats)], start, 0)]
    run_agents(["validate"], root, env)  # fills the validation cache
    rows.append(
        Row("validate 50 (cached)", [run_agents(["validate"], root, env) for _ in range(repeats)], start, 0)
    )
    cold = write_scale_project(folder / "validate500", "http://127.0.0.1:9", agents=500, tools=0)
    cold_runs = []
    for _ in range(3):
        shutil.rmtree(cold / ".agents", ignore_errors=True)
        cold_runs.append(run_agents(["validate"], cold, env))
    rows.append(Row("validate 500 (cold)", cold_runs, start, 0))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", default="50,1000", help="comma-separated sizes")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3, help="runs per command; the median is printed")
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()
    compile_bytecode()
    start = interpreter_start()
    print(
        f"latency {options.latency_ms:.0f} ms per request, concurrency {options.concurrency}, "
        f"interpreter start {start * 1000:.0f} ms, median of {options.repeats} runs"
    )
    with tempfile.TemporaryDirectory(prefix="agents-scale-") as name:
        folder = Path(name)
        print("start-up", flush=True)
        for row in start_up(options, start, folder):
            print(row.line(), flush=True)
        for agents in (int(size) for size in options.agents.split(",")):
            print(f"N = {agents}", flush=True)
            for row in series(agents, options, start, folder):
                print(row.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
