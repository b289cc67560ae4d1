"""Pulling 50 agents from the emulator with 50 ms latency per request, at the default concurrency.

The emulator is served on loopback; 50 agents are created directly over HTTP (no latency), then every request
is delayed by ``--latency-ms`` and ``agents pull --json`` runs in-process (the real command code). Prints the
network-bound time pull reports (list every kind + GET each resource) and the whole command's wall time.
Target: network-bound time <= 1 s for 50 agents at 50 ms (issue 6).

Usage: python benchmarks/pull_50.py [--agents 50] [--latency-ms 50] [--concurrency N]
Exit status 1 when the network-bound time exceeds --budget-s (default 1.0).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from agents_cli.cli.output import Output  # noqa: E402
from agents_cli.context import AppContext  # noqa: E402

KEY_VARIABLE = "AGENTS_BENCH_KEY"


def create_agents(base_url: str, count: int) -> None:
    import httpx

    with httpx.Client(base_url=base_url, headers={"xi-api-key": "sk_bench"}, timeout=30) as client:
        for index in range(count):
            body = {
                "name": f"Bench Agent {index:03d}",
                "conversation_config": {
                    "agent": {"first_message": f"Hello {index}", "prompt": {"prompt": f"Agent {index}."}}
                },
            }
            client.post("/v1/convai/agents/create", json=body).raise_for_status()


def run_pull(project: Path, concurrency: int | None) -> tuple[dict[str, Any], float]:
    import os

    from agents_cli.cli.boundary import run
    from agents_cli.commands.pull import PullRequest, pull

    os.environ[KEY_VARIABLE] = "sk_bench"
    stdout, stderr = io.StringIO(), io.StringIO()
    app = AppContext(out=Output(stdout=stdout, stderr=stderr, no_color=True), cwd=project, format="json")
    started = time.perf_counter()
    request = PullRequest(env="bench", yes=True, concurrency=concurrency)
    code = run(app, "pull", pull, request)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"pull exited {code}: {stderr.getvalue()}")
    report: dict[str, Any] = json.loads(stdout.getvalue())
    return report, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=None, help="default: the client's default (8)")
    parser.add_argument("--budget-s", type=float, default=1.0)
    args = parser.parse_args()

    from agents_cli.emulator.faults import FaultSettings
    from agents_cli.emulator.server import running_emulator
    from agents_cli.remote.client import DEFAULT_CONCURRENCY

    with tempfile.TemporaryDirectory() as folder, running_emulator() as emulator:
        create_agents(emulator.url, args.agents)
        project = Path(folder)
        manifest = {
            "version": 1,
            "default_environment": "bench",
            "environments": {"bench": {"api_key_env": KEY_VARIABLE, "base_url": emulator.url}},
        }
        (project / "agents.json").write_text(json.dumps(manifest))
        emulator.configure(faults=FaultSettings(latency_ms=args.latency_ms))
        report, wall = run_pull(project, args.concurrency)
        pulled = sum(1 for row in report["resources"] if row["action"] == "import")
    network = float(report["network_seconds"])
    concurrency = args.concurrency or DEFAULT_CONCURRENCY
    print(f"pull_50: agents pulled            {pulled}")
    print(f"pull_50: latency per request      {args.latency_ms:.0f} ms, concurrency {concurrency}")
    print(f"pull_50: network-bound time       {network:.3f} s (budget {args.budget_s:.1f} s)")
    print(f"pull_50: whole command wall time  {wall:.3f} s (includes minimising and writing files)")
    return 0 if network <= args.budget_s and pulled == args.agents else 1


if __name__ == "__main__":
    sys.exit(main())
