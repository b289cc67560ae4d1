"""``agents_cli.keypath`` against ``deepdiff``: per-call time of diff and leaves, and import cost.

Both sides of a plan diff are normalised agent bodies (the create model applied, defaults filled); the pair
here differs the way a real edit does: a test attached at the front of ``attached_tests`` (keyed list),
``tool_ids`` reordered (an id set), a knowledge-base document removed, a criterion's prompt, the
temperature and a data-collection key changed. deepdiff is asked for the same semantics (items matched by
id with ``iterable_compare_func``, ``*_ids`` lists orderless with ``ignore_order_func``, no whole-dict
shortcut), and, for reference, with ``ignore_order=True`` everywhere; its paths stay index strings
(``criteria[1]``), where keypath says ``criteria[id=polite]``. Prints numbers, asserts nothing; runs
without deepdiff installed (it is no dependency of the CLI: ``pip install deepdiff`` to compare).
"""

from __future__ import annotations

import copy
import importlib
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents_cli.keypath import ID_FIELDS, diff, format_path, is_set_name, leaves  # noqa: E402
from agents_cli.spec.model import models  # noqa: E402

AGENT_MODEL = "Body_Create_Agent_v1_convai_agents_create_post"
AGENTS = 1000  # the largest project plan is sized for

BODY: dict[str, Any] = {
    "name": "Customer service",
    "tags": ["support", "billing", "tier-1"],
    "conversation_config": {
        "agent": {
            "first_message": "Hello, you're speaking with customer support. How can I help?",
            "language": "en",
            "dynamic_variables": {"dynamic_variable_placeholders": {"user_name": "there", "plan": "free"}},
            "prompt": {
                "prompt": "You are a patient customer-service agent. " * 30,
                "llm": "gemini-2.5-flash",
                "temperature": 0.3,
                "tool_ids": ["tool_lookup_order", "tool_refund_status", "tool_escalate", "tool_crm_note"],
                "knowledge_base": [
                    {"type": "file", "name": f"Handbook part {n}", "id": f"kb_{n:03d}"} for n in range(1, 6)
                ],
                "built_in_tools": {
                    "end_call": {
                        "name": "end_call",
                        "description": "",
                        "params": {"system_tool_type": "end_call"},
                    }
                },
            },
        },
        "tts": {"voice_id": "cjVigY5qzO86Huf0OWal", "stability": 0.5, "similarity_boost": 0.8},
        "turn": {"turn_timeout": 7},
        "conversation": {"max_duration_seconds": 600},
    },
    "platform_settings": {
        "evaluation": {
            "criteria": [
                {"id": "issue_resolved", "name": "Issue resolved", "conversation_goal_prompt": "Resolved."},
                {"id": "polite", "name": "Polite", "conversation_goal_prompt": "The agent stayed polite."},
                {"id": "no_refund_promise", "name": "No refund promise", "conversation_goal_prompt": "None."},
            ]
        },
        "data_collection": {
            "order_number": {"type": "string", "description": "The order number, if given."},
            "satisfied": {"type": "boolean", "description": "Whether the customer was satisfied."},
        },
        "testing": {"attached_tests": [{"test_id": f"test_{n:02d}"} for n in range(1, 5)]},
        "widget": {"variant": "compact"},
    },
}


def edited(body: dict[str, Any]) -> dict[str, Any]:
    """The local side: what a user's edit (and a remote reorder) typically looks like."""
    after = copy.deepcopy(body)
    prompt = after["conversation_config"]["agent"]["prompt"]
    prompt["temperature"] = 0.4
    prompt["tool_ids"].reverse()
    del prompt["knowledge_base"][2]
    settings = after["platform_settings"]
    settings["testing"]["attached_tests"].insert(0, {"test_id": "test_00"})
    settings["evaluation"]["criteria"][1]["conversation_goal_prompt"] = "The agent stayed polite and calm."
    settings["data_collection"]["email"] = {"type": "string", "description": "The customer's email."}
    return after


def normalised(body: dict[str, Any]) -> dict[str, Any]:
    result, _errors = models().apply(AGENT_MODEL, body, strict=False)
    assert isinstance(result, dict)
    return result


def per_call(work: Callable[[], object], count: int) -> float:
    """Seconds per call, best of three rounds (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(count):
            work()
        best = min(best, (time.perf_counter() - started) / count)
    return best


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:<62} {seconds * 1000:9.3f} ms{('  ' + note) if note else ''}")


# What the CLI has loaded anyway before a plan diffs anything: imports below it are the marginal cost.
PRELOADED = "import json, re, dataclasses, typing, itertools, collections.abc, copy"


def import_ms(module: str, runs: int = 7) -> float | None:
    """Cumulative import time of ``module`` in a fresh interpreter (``-X importtime``) that has the
    ``PRELOADED`` standard modules already, best of ``runs``; None when it cannot be imported."""
    best: float | None = None
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"{PRELOADED}; import {module}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return None
        for text in done.stderr.splitlines():
            match = re.match(r"import time:\s*\d+\s*\|\s*(\d+)\s*\|\s*(\S+)\s*$", text)
            if match and match.group(2) == module:
                took = int(match.group(1)) / 1000
                best = took if best is None else min(best, took)
    return best


def deepdiff_semantics(deepdiff: Any) -> dict[str, Any]:
    """DeepDiff options that give keyed lists (match by the first shared id field) and orderless id sets."""
    cannot_compare = deepdiff.helper.CannotCompare

    def same_item(left: Any, right: Any, level: Any = None) -> bool:
        if isinstance(left, dict) and isinstance(right, dict):
            for field in ID_FIELDS:
                if field in left and field in right:
                    return bool(left[field] == right[field])
        raise cannot_compare() from None

    def orderless(level: Any) -> bool:
        names = level.path(output_format="list")
        return bool(names) and isinstance(names[-1], str) and is_set_name((names[-1],))

    return {"iterable_compare_func": same_item, "ignore_order_func": orderless, "threshold_to_diff_deeper": 0}


def report_ours(before: dict[str, Any], after: dict[str, Any]) -> tuple[float, float]:
    changes = diff(before, after)
    print(f"keypath.diff finds {len(changes)} changes:")
    for change in changes:
        print(f"    {change.kind:<8} {format_path(change.path)}")
    same = copy.deepcopy(before)
    took_diff = per_call(lambda: diff(before, after), 2000)
    took_leaves = per_call(lambda: leaves(before), 2000)
    line("keypath.diff (the edited pair)", took_diff)
    line("keypath.diff (equal documents, deep copies)", per_call(lambda: diff(before, same), 2000))
    line("keypath.leaves", took_leaves, f"{len(leaves(before))} leaves")
    return took_diff, took_leaves


def report_deepdiff(deepdiff: Any, before: dict[str, Any], after: dict[str, Any]) -> float:
    options = deepdiff_semantics(deepdiff)
    found = deepdiff.DeepDiff(before, after, **options)
    print(f"DeepDiff (keyed + id sets) finds {sum(len(v) for v in found.values())} items:")
    for kind, items in found.items():
        for path in items:
            print(f"    {kind:<22} {path}")
    took = per_call(lambda: deepdiff.DeepDiff(before, after, **options), 100)
    line("DeepDiff, keyed lists + orderless *_ids (the edited pair)", took)
    same = copy.deepcopy(before)
    line(
        "DeepDiff, keyed lists + orderless *_ids (equal documents)",
        per_call(lambda: deepdiff.DeepDiff(before, same, **options), 100),
    )
    line(
        "DeepDiff, ignore_order=True everywhere (the edited pair)",
        per_call(
            lambda: deepdiff.DeepDiff(before, after, ignore_order=True, threshold_to_diff_deeper=0), 100
        ),
    )
    return took


def main() -> None:
    before, after = normalised(BODY), normalised(edited(BODY))
    took_diff, took_leaves = report_ours(before, after)
    ours_import = import_ms("agents_cli.keypath")
    line("import agents_cli.keypath (fresh interpreter, stdlib loaded)", (ours_import or 0) / 1000)
    deepdiff: Any
    try:
        deepdiff = importlib.import_module("deepdiff")
    except ImportError:
        print("deepdiff is not installed: pip install deepdiff to compare")
        deepdiff = None
    took_deepdiff = report_deepdiff(deepdiff, before, after) if deepdiff is not None else None
    deepdiff_import = import_ms("deepdiff") if deepdiff is not None else None
    if deepdiff_import is not None:
        line(
            "import deepdiff (fresh interpreter, stdlib loaded)",
            deepdiff_import / 1000,
            "start-up budget: ~120 ms",
        )
    # A plan of AGENTS agents: one diff per changed agent, leaves of both sides for the field hashes.
    line(
        f"plan of {AGENTS} changed agents, keypath (diff + 2 x leaves)",
        AGENTS * (took_diff + 2 * took_leaves),
    )
    if took_deepdiff is not None:
        line(f"plan of {AGENTS} changed agents, DeepDiff (diff only)", AGENTS * took_deepdiff)


if __name__ == "__main__":
    main()
