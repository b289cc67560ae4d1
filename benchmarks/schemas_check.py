"""How long ``schema_check.check`` alone takes on 500 agent configs (in-process, no file IO).

The configs are the built-in agent templates, each with its own name, plus one with five inline webhook tools
(the heaviest realistic shape). Prints the first call (schema load + compile) and the median of a few runs
over all 500. The end-to-end figure (``agents validate`` as a subprocess) is ``benchmarks/validate_500.py``.

Usage: python benchmarks/schemas_check.py [--configs N] [--runs N]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from agents_cli.bundled import templates_dir  # noqa: E402
from agents_cli.project.loader import load_file  # noqa: E402
from agents_cli.spec.schema_check import check  # noqa: E402


def build_configs(count: int) -> list[Any]:
    templates = [load_file(path).data for path in sorted((templates_dir() / "agents").glob("*.yaml"))]
    configs = []
    for index in range(count):
        config = copy.deepcopy(templates[index % len(templates)])
        config["name"] = f"agent {index}"
        configs.append(config)
    return configs


def heavy_config() -> Any:
    config = build_configs(1)[0]
    parameters = {f"p{i}": {"type": "string", "description": "a parameter"} for i in range(5)}
    config["conversation_config"]["agent"].setdefault("prompt", {})["tools"] = [
        {
            "type": "webhook",
            "name": f"tool_{i}",
            "description": "calls a service",
            "api_schema": {
                "url": "https://example.com/${PATH}",
                "method": "POST",
                "request_body_schema": {"type": "object", "properties": parameters},
            },
        }
        for i in range(5)
    ]
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--configs", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    configs = build_configs(args.configs)

    started = time.perf_counter()
    problems = check("agent", configs[0])
    first = time.perf_counter() - started
    if problems:
        print(f"unexpected problems in a template: {problems}", file=sys.stderr)
        return 1

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for config in configs:
            check("agent", config)
        timings.append(time.perf_counter() - started)
    heavy = heavy_config()
    started = time.perf_counter()
    for _ in range(50):
        check("agent", heavy)
    heavy_ms = (time.perf_counter() - started) / 50 * 1000

    median = statistics.median(timings)
    print(f"schema_check.check: {args.configs} agent configs in median {median:.3f} s over {args.runs} runs")
    print(f"  first call (load + compile schema): {first * 1000:.0f} ms")
    print(
        f"  per config: {median / args.configs * 1000:.2f} ms; with 5 inline webhook tools: {heavy_ms:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
