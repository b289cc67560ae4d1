"""`agents test` runs agents concurrently: ten agents × three tests take about as long as one run, not ten.

The emulator is served on loopback with a completion delay (default 1 s: a run is reported finished only
once that long has passed since it started). The real command code runs in-process, twice per size:

* baseline — one agent with one test (a single run: the completion delay plus polling);
* full — ``--agents`` agents with ``--tests`` tests each, all started at once.

Test definitions and placeholder agents are created by a first, unmeasured warm-up run, so the timed runs
measure run-tests + polling only. Prints both wall times and their ratio; exit status 1 when the full run
takes more than ``--max-ratio`` times the baseline (serial execution would take about ``agents`` times).

Usage: python benchmarks/test_runs.py [--agents 10] [--tests 3] [--delay 1.0] [--max-ratio 2.0]
"""

from __future__ import annotations

import argparse
import io
import json
import os
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


def write_project(root: Path, base_url: str, *, agents: int, tests: int) -> Path:
    """``agents`` agents, each with ``tests`` attached llm tests of its own (all passing)."""
    for folder in ("agents", "tests"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "version": 1,
        "default_environment": "bench",
        "environments": {"bench": {"api_key_env": KEY_VARIABLE, "base_url": base_url}},
        "agents": {},
        "tests": {},
    }
    for agent_index in range(agents):
        agent = f"agent-{agent_index:02d}"
        attached = []
        for test_index in range(tests):
            test = f"{agent}-test-{test_index}"
            (root / "tests" / f"{test}.yaml").write_text(
                f"type: llm\nname: {test}\nchat_history:\n  - role: user\n    message: Hi\n"
                "    time_in_call_secs: 0\nsuccess_condition: The agent offers 'help'.\n",
                encoding="utf-8",
            )
            manifest["tests"][test] = {"config": f"tests/{test}.yaml"}
            attached.append({"test_id": f"@test:{test}"})
        (root / "agents" / f"{agent}.yaml").write_text(
            json.dumps(
                {
                    "name": f"Bench {agent}",
                    "conversation_config": {"agent": {"first_message": "Hello! How can I help?"}},
                    "platform_settings": {"testing": {"attached_tests": attached}},
                }
            ),
            encoding="utf-8",
        )
        manifest["agents"][agent] = {"config": f"agents/{agent}.yaml"}
    (root / "agents.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return root


def run_test_command(
    project: Path, agents: list[str], json_path: Path, tests: list[str] | None = None
) -> tuple[int, float]:
    """The real command in-process; (exit code, wall seconds)."""
    from agents_cli.cli.boundary import run
    from agents_cli.commands.test import TestRequest, run_tests

    sink = io.StringIO()
    app = AppContext(out=Output(stdout=sink, stderr=sink, no_color=True), cwd=project)
    started = time.perf_counter()
    request = TestRequest(
        agents=tuple(agents), tests=tuple(tests or ()), json_report=json_path, timeout=120.0
    )
    code = run(app, "test", run_tests, request)
    elapsed = time.perf_counter() - started
    if code != 0:
        print(sink.getvalue(), file=sys.stderr)
    return code, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--tests", type=int, default=3)
    parser.add_argument("--delay", type=float, default=1.0, help="emulator completion delay, seconds")
    parser.add_argument("--max-ratio", type=float, default=2.0)
    args = parser.parse_args(argv)

    from agents_cli.emulator.server import running_emulator
    from agents_cli.emulator.settings import EmulatorSettings

    os.environ[KEY_VARIABLE] = "sk_bench"
    os.environ.pop("ELEVENLABS_BASE_URL", None)
    with (
        tempfile.TemporaryDirectory(prefix="agents-bench-tests-") as folder,
        running_emulator(EmulatorSettings(completion_delay=args.delay)) as emulator,
    ):
        project = write_project(Path(folder), emulator.url, agents=args.agents, tests=args.tests)
        report = Path(folder) / "report.json"
        all_agents = [f"agent-{index:02d}" for index in range(args.agents)]
        code, warm_up = run_test_command(project, all_agents, report)  # syncs tests, creates placeholders
        if code != 0:
            print("warm-up run failed", file=sys.stderr)
            return 1
        code, single = run_test_command(project, ["agent-00"], report, ["agent-00-test-0"])
        code_full, full = run_test_command(project, all_agents, report)
        summary = json.loads(report.read_text())["summary"]
    if code != 0 or code_full != 0 or summary["passed"] != args.agents * args.tests:
        print(f"runs did not all pass: {summary}", file=sys.stderr)
        return 1
    ratio = full / single
    full_label = f"{args.agents} agents × {args.tests} tests"
    print(f"{'emulator completion delay':<32}{args.delay:6.2f} s")
    print(f"{'warm-up (sync, placeholders)':<32}{warm_up:6.2f} s")
    print(f"{'single run (1 agent, 1 test)':<32}{single:6.2f} s")
    print(f"{full_label:<32}{full:6.2f} s  ({summary['total']} runs, all passed)")
    print(f"{'ratio full / single':<32}{ratio:6.2f} ×  (one agent after another: ~{args.agents}×)")
    if ratio > args.max_ratio:
        print(f"FAIL: ratio above {args.max_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
