"""How fast the emulator judges test runs and decides faults (pure functions, in-process).

Prints the median time per ``evaluate_test`` call for each test type, per ``simulate_conversation`` call, and
per fault decision (``faults.decide``) over a few runs, so a slow rule or regex shows up as a number.

Usage: python benchmarks/emulator_evaluation.py [--calls N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from agents_cli.emulator.evaluation import evaluate_test, simulate_conversation  # noqa: E402
from agents_cli.emulator.faults import FaultSettings, decide  # noqa: E402

TOOL_ID = "tool_bench"
PROMPT = " ".join(
    f"Rule {i}: explain the refund policy, look up orders and never discuss competitors." for i in range(40)
)
AGENT: dict[str, Any] = {
    "name": "bench",
    "conversation_config": {
        "agent": {"first_message": "Hi {{user_name}}", "language": "en", "prompt": {"prompt": PROMPT}}
    },
}
AGENT["conversation_config"]["agent"]["prompt"]["tool_ids"] = [TOOL_ID]
TOOLS = {
    TOOL_ID: {
        "id": TOOL_ID,
        "tool_config": {
            "type": "webhook",
            "name": "lookup_order",
            "api_schema": {
                "url": "https://x/{order_id}",
                "path_params_schema": {"order_id": {"type": "string"}},
            },
        },
    }
}
HISTORY = [{"role": "user", "message": "My order id is ORD-12345678, where is it?", "time_in_call_secs": 1}]
TESTS: dict[str, dict[str, Any]] = {
    "llm": {
        "id": "t_llm",
        "type": "llm",
        "chat_history": HISTORY,
        "success_condition": "Mentions the 'refund policy' and never says 'competitor' or 'discount'.",
        "success_examples": [{"type": "success", "response": "Our refund policy allows refunds."}],
        "failure_examples": [{"type": "failure", "response": "Call billing."}],
    },
    "tool": {
        "id": "t_tool",
        "type": "tool",
        "chat_history": HISTORY,
        "tool_call_parameters": {
            "referenced_tool": {"id": TOOL_ID, "type": "webhook"},
            "parameters": [{"path": "order_id", "eval": {"type": "regex", "pattern": "^ORD-[0-9]{8}$"}}],
        },
    },
    "simulation": {
        "id": "t_sim",
        "type": "simulation",
        "simulation_scenario": "The user asks 'where is my order?' then says 'thanks'",
        "success_conditions": ["says 'shipped'", "never mentions 'vouchers'"],
        "tool_mock_config": {"mocking_strategy": "all"},
        "tool_mock_overrides": {TOOL_ID: [{"mock_result": "Shipped."}]},
    },
}
SIMULATION_BODY = {
    "simulation_specification": {
        "simulated_user_config": {"prompt": {"prompt": "Ask 'where is my order?'"}},
        "tool_mock_config": {"lookup_order": {"default_return_value": "Shipped."}},
    },
    "extra_evaluation_criteria": [{"id": "c", "name": "c", "conversation_goal_prompt": "says 'shipped'"}],
}


def _median_microseconds(call: Callable[[], object], calls: int, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        timings.append((time.perf_counter() - started) / calls)
    return statistics.median(timings) * 1e6


def _evaluation_call(test: dict[str, Any]) -> Callable[[], object]:
    return lambda: evaluate_test(test, AGENT, TOOLS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for kind, test in TESTS.items():
        outcome = evaluate_test(test, AGENT, TOOLS)
        micros = _median_microseconds(_evaluation_call(test), args.calls, args.runs)
        print(f"evaluate_test[{kind}]: {micros:8.1f} µs/call  ({outcome.status})")
    micros = _median_microseconds(
        lambda: simulate_conversation(AGENT, TOOLS, SIMULATION_BODY), args.calls, args.runs
    )
    print(f"simulate_conversation: {micros:8.1f} µs/call")
    settings = FaultSettings(fault_rate=0.2, latency_ms=5, jitter_ms=5)
    settings.with_route("POST /v1/convai/agents/create", fault_rate=1.0, kinds=("500-after",))
    counter = iter(range(10**9))
    micros = _median_microseconds(
        lambda: decide(settings, 1, next(counter), "GET", "/v1/convai/agents/x"), args.calls * 10, args.runs
    )
    print(f"faults.decide:         {micros:8.1f} µs/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
