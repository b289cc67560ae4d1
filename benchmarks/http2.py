"""HTTP/1.1 against HTTP/2 for the reads the CLI makes: N GETs of agents at concurrency 8, 50 ms latency.

The emulator is served by hypercorn (which speaks HTTP/2 over cleartext with prior knowledge) in its own
process; the client is httpx as ``remote/connect`` builds it (8 requests in flight at most), once with
HTTP/1.1 (8 connections) and once with HTTP/2 (one connection, 8 streams). Prints the wall time and the
client's CPU per run, twice each, alternating. Neither h2 nor hypercorn is a dependency of the project: the
script says so and exits when they cannot be imported (``pip install h2 hypercorn`` into a scratch folder
and put it on PYTHONPATH). The issue 15 note records what it measured and why the CLI stays on HTTP/1.1.

Usage: python benchmarks/http2.py [--agents 50] [--reads 50,1000] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import multiprocessing
import socket
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

KEY = {"xi-api-key": "sk_bench"}
CONCURRENCY = 8


def serve(port: int, latency_ms: float) -> None:
    from agents_cli.emulator.app import create_app
    from agents_cli.emulator.faults import FaultSettings
    from agents_cli.emulator.settings import EmulatorSettings

    config: Any = importlib.import_module("hypercorn.config").Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.loglevel = "warning"
    app = create_app(EmulatorSettings(faults=FaultSettings(latency_ms=latency_ms)))
    asyncio.run(importlib.import_module("hypercorn.asyncio").serve(app, config))


async def reads(url: str, ids: list[str], count: int, *, http2: bool) -> tuple[float, float, set[str]]:
    import httpx

    transport = httpx.AsyncHTTPTransport(http1=not http2, http2=http2)
    slots = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, transport=transport, headers=KEY) as client:

        async def one(index: int) -> str:
            async with slots:
                answer = await client.get(f"/v1/convai/agents/{ids[index % len(ids)]}")
                answer.raise_for_status()
                return answer.http_version

        cpu, started = time.process_time(), time.perf_counter()
        versions = await asyncio.gather(*(one(index) for index in range(count)))
        return time.perf_counter() - started, time.process_time() - cpu, set(versions)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def create_agents(url: str, count: int) -> list[str]:
    import httpx

    for _ in range(100):
        try:
            httpx.get(url + "/v1/convai/agents", headers=KEY)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    ids = []
    for index in range(count):
        body = {"name": f"bench {index}", "conversation_config": {}}
        ids.append(httpx.post(url + "/v1/convai/agents/create", json=body, headers=KEY).json()["agent_id"])
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--reads", default="50,1000")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    options = parser.parse_args()
    try:
        importlib.import_module("h2")
        importlib.import_module("hypercorn")
    except ImportError:
        print("h2 and hypercorn are not installed: nothing measured (see the docstring)")
        return 0
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port, options.latency_ms), daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        ids = create_agents(url, options.agents)
        print(f"latency {options.latency_ms:.0f} ms, concurrency {CONCURRENCY}, {options.agents} agents")
        for count in (int(size) for size in options.reads.split(",")):
            for http2 in (False, True, False, True):
                wall, cpu, versions = asyncio.run(reads(url, ids, count, http2=http2))
                print(
                    f"  {count:5d} GETs  {'/'.join(sorted(versions)):<9} wall {wall * 1000:7.0f} ms  "
                    f"client cpu {cpu * 1000:6.0f} ms",
                    flush=True,
                )
    finally:
        server.terminate()
        server.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
