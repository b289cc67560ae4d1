"""Requests per second of a served emulator (``agents emulator serve`` in its own process, no latency).

Measures GET agent and PATCH agent (a changed temperature, as a plan/sync update sends) with one client at a
time and with 8 concurrent clients, over loopback keep-alive connections. The server's CPU per request is
what limits the plan/sync benchmark's speed-up at concurrency 8, so this isolates it. Besides requests/s
(wall clock, disturbed by whatever else runs on the machine) each line shows the server process's own CPU
time per request (user + system, from ``/proc/<pid>/stat`` on Linux), which is the steadier number.

``--pid-file FILE`` writes the server's pid (to attach a profiler such as ``py-spy record --pid``).

Usage: python benchmarks/emulator_requests.py [--agents 50] [--rounds 10] [--pid-file FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"xi-api-key": "bench"}


def agent_body(index: int, temperature: float) -> dict[str, Any]:
    return {
        "name": f"Bench agent {index}",
        "tags": ["benchmark"],
        "conversation_config": {
            "agent": {
                "first_message": f"Hello from agent {index}.",
                "prompt": {"prompt": f"You are benchmark agent number {index}.", "temperature": temperature},
            }
        },
    }


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def emulator_process(pid_file: Path | None) -> Iterator[tuple[str, int]]:
    command = [sys.executable, "-m", "agents_cli", "emulator", "serve", "--port", "0"]
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if "listening on " not in line:
            raise SystemExit(f"the emulator did not start: {line!r}")
        threading.Thread(target=lambda: process.stdout and process.stdout.read(), daemon=True).start()
        if pid_file is not None:
            pid_file.write_text(str(process.pid))
        yield line.split("listening on ", 1)[1].strip(), process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def timed(
    label: str, count: int, concurrency: int, work: Callable[[int], Awaitable[None]], server_pid: int
) -> float:
    queue = list(range(count))
    cpu_before = process_cpu_seconds(server_pid)
    started = time.perf_counter()

    async def worker() -> None:
        while queue:
            await work(queue.pop())

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    server_cpu_ms = (process_cpu_seconds(server_pid) - cpu_before) * 1000 / count
    rate = count / elapsed
    print(
        f"{label:<30} concurrency {concurrency}: {rate:6,.0f} requests/s, "
        f"server CPU {server_cpu_ms:.2f} ms/request"
    )
    return rate


async def measure(url: str, server_pid: int, agents: int, rounds: int) -> None:
    import httpx

    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    async with httpx.AsyncClient(base_url=url, headers=HEADERS, limits=limits) as client:
        ids = []
        for index in range(agents):
            response = await client.post("/v1/convai/agents/create", json=agent_body(index, 0.3))
            ids.append(response.json()["agent_id"])
        count = agents * rounds

        async def get(n: int) -> None:
            (await client.get(f"/v1/convai/agents/{ids[n % agents]}")).raise_for_status()

        async def patch(n: int) -> None:
            body = agent_body(n % agents, 0.3 + (n % 7) / 10)
            (await client.patch(f"/v1/convai/agents/{ids[n % agents]}", json=body)).raise_for_status()

        for concurrency in (1, 8):
            await timed("GET /v1/convai/agents/{id}", count, concurrency, get, server_pid)
            await timed("PATCH /v1/convai/agents/{id}", count, concurrency, patch, server_pid)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pid-file", type=Path)
    options = parser.parse_args()
    with emulator_process(options.pid_file) as (url, pid):
        asyncio.run(measure(url, pid, options.agents, options.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
