"""The test cache (``.agents/test-cache.json``): what each agent's tests were when they last all passed.

An agent's fingerprint is a digest of everything its test results depend on, as written in the project
(placeholders such as ``${TOKEN}`` unresolved, so no secret value is ever hashed): the agent's merged
config for the environment, its attached tests, its scenarios, and every resource they reference
(``@tool:``, ``@document:``…, followed transitively). ``agents test --changed`` runs only the agents whose
fingerprint differs from the one recorded for (environment, --against) after their last successful run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.project.configs import load_resource
from agents_cli.project.manifest import Project
from agents_cli.project.references import find_references
from agents_cli.project.writing import write_atomic
from agents_cli.testing.model import RunReport
from agents_cli.testing.selection import SelectedAgent, Selection

CACHE_PATH = Path(".agents") / "test-cache.json"
CACHE_VERSION = 1


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _referenced(project: Project, env: str, roots: list[Any]) -> dict[str, Any]:
    """Every resource the documents reference, transitively: ``"kind:name"`` → its merged config."""
    found: dict[str, Any] = {}
    pending = list(roots)
    while pending:
        for reference in find_references(pending.pop()):
            key = f"{reference.kind}:{reference.name}"
            resource = project.get(reference.kind, reference.name)
            if key in found or resource is None:
                continue
            found[key] = load_resource(project, resource, env).data
            pending.append(found[key])
    return found


def fingerprint(project: Project, env: str, agent: SelectedAgent, selection: Selection) -> str:
    tests = {name: selection.test_configs.get(name) for name in agent.tests}
    scenarios = {scenario.name: scenario.body for scenario in agent.scenarios}
    referenced = _referenced(project, env, [agent.config, *tests.values(), *scenarios.values()])
    return _digest(
        {
            "config": agent.config,
            "attached": tests,
            "raw_tests": agent.raw_test_ids,
            "settings": {name: selection.test_settings.get(name) for name in agent.tests},
            "scenarios": scenarios,
            "referenced": referenced,
        }
    )


@dataclass
class TestCache:
    """Fingerprints of the last successful run per ``env/against/agent``."""

    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    __test__ = False  # not a pytest test class

    @classmethod
    def load(cls, root: Path) -> TestCache:
        path = root / CACHE_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)  # no cache (or an unreadable one) means nothing is known to be unchanged
        entries = data.get("entries") if isinstance(data, dict) else None
        return cls(path, entries if isinstance(entries, dict) else {})

    @staticmethod
    def key(env: str, against: str, agent: str) -> str:
        return f"{env}/{against}/{agent}"

    def unchanged(self, env: str, against: str, agent: str, digest: str) -> bool:
        entry = self.entries.get(self.key(env, against, agent)) or {}
        return entry.get("fingerprint") == digest

    def record(self, report: RunReport, digests: dict[str, str]) -> None:
        """Remember agents whose every test reached its pass rate; forget the others."""
        rates = report.pass_rates()
        for agent, digest in digests.items():
            mine = [rate for rate in rates if rate.agent == agent]
            key = self.key(report.environment, report.against, agent)
            if mine and all(rate.ok for rate in mine):
                self.entries[key] = {"fingerprint": digest, "passed_at": report.started_at}
            else:
                self.entries.pop(key, None)

    def save(self) -> None:
        document = {"version": CACHE_VERSION, "entries": dict(sorted(self.entries.items()))}
        write_atomic(self.path, json.dumps(document, indent=2) + "\n")
