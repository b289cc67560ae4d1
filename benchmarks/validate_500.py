"""How long ``agents validate`` takes on a project with 500 agent configs (target: <= 1.5 s wall, total).

Generates a temporary project (500 YAML agents built from the built-in templates, a few JSON ones, a tool they
reference, and a prod overlay for every tenth agent), then times ``python -m agents_cli validate`` as a
subprocess, so process start and imports are included. Prints the median of a few runs.

Usage: python benchmarks/validate_500.py [--agents N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from agents_cli.project.loader import dump_json, dump_yaml, load_file  # noqa: E402

TEMPLATES = ["default", "minimal", "voice-only", "text-only", "customer-service", "assistant"]


def build_project(root: Path, count: int) -> None:
    agents: dict[str, dict[str, object]] = {}
    (root / "agents").mkdir()
    (root / "tools").mkdir()
    tool = load_file(REPO_ROOT / "templates/tools/webhook.yaml").data
    (root / "tools/lookup-order.yaml").write_text(dump_yaml(tool), encoding="utf-8")
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        data = load_file(REPO_ROOT / f"templates/agents/{template}.yaml").data
        data["name"] = f"Agent {index}"
        data["conversation_config"]["agent"]["prompt"]["tool_ids"] = ["@tool:lookup-order"]
        name = f"agent-{index:03d}"
        if index % 50 == 7:
            config = f"agents/{name}.json"
            (root / config).write_text(dump_json(data), encoding="utf-8")
        else:
            config = f"agents/{name}.yaml"
            (root / config).write_text(dump_yaml(data), encoding="utf-8")
        entry: dict[str, object] = {"config": config}
        if index % 10 == 0:
            overlay = f"agents/{name}.prod.yaml"
            (root / overlay).write_text(
                dump_yaml({"conversation_config": {"agent": {"prompt": {"temperature": 0.1}}}}),
                encoding="utf-8",
            )
            entry["overlays"] = {"prod": overlay}
        agents[name] = entry
    manifest = {
        "version": 1,
        "default_environment": "local",
        "environments": {"local": {"emulator": True}, "dev": {}, "prod": {"residency": "eu-residency"}},
        "agents": agents,
        "tools": {"lookup-order": {"config": "tools/lookup-order.yaml"}},
        "tests": {},
    }
    (root / "agents.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def time_validate(root: Path) -> tuple[float, str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1"}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "agents_cli", "validate"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"validate failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    return elapsed, completed.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="agents-bench-") as folder:
        root = Path(folder)
        build_project(root, options.agents)
        time_validate(root)  # warm the OS file cache and .pyc files; not counted
        timings = []
        summary = ""
        for _ in range(options.runs):
            elapsed, summary = time_validate(root)
            timings.append(elapsed)
    median = statistics.median(timings)
    print(f"validate {options.agents} agent configs: median {median:.3f} s wall over {options.runs} runs")
    print(f"  runs: {', '.join(f'{t:.3f}' for t in timings)} s; output: {summary}")
    print(f"  target <= 1.5 s: {'ok' if median <= 1.5 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
