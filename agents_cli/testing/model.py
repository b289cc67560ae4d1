"""Plain data passed between preparation, the runner, the renderer and the report writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from agents_cli.errors import AgentsError

# passed/failed come from the API; unknown is an inconclusive evaluation; timed_out is still pending at the
# deadline; error means the run could not be started or read (the API refused it).
RunStatus = Literal["passed", "failed", "unknown", "timed_out", "error"]
RUN_STATUSES: tuple[RunStatus, ...] = ("passed", "failed", "unknown", "timed_out", "error")
CaseKind = Literal["test", "scenario"]


@dataclass(frozen=True)
class TestCase:
    """One attached test (run through run-tests) as the runner needs it."""

    name: str  # local name
    remote_id: str
    type: str  # llm | tool | simulation
    workflow_node_id: str | None = None  # the test file's x-agents.workflow_node: run at that node


@dataclass(frozen=True)
class ScenarioCase:
    """One scenario (run through simulate-conversation) with its request body already built."""

    name: str
    body: dict[str, Any]
    # Why the scenario cannot run (reported as an error without calling the API), e.g. agent not deployed.
    blocked: AgentsError | None = None


@dataclass
class AgentTarget:
    """Everything needed to test one agent in one environment."""

    agent: str  # local name
    remote_id: str
    tests: list[TestCase] = field(default_factory=list)
    scenarios: list[ScenarioCase] = field(default_factory=list)
    # {conversation_config, platform_settings} for --against local; None runs against the deployed agent.
    config_override: dict[str, Any] | None = None
    branch_id: str | None = None  # a branch environment's branch of the agent (the runs use it)

    @property
    def case_count(self) -> int:
        return len(self.tests) + len(self.scenarios)


@dataclass
class Turn:
    """A transcript turn reduced to what people read: who, what, and which tools were called."""

    role: str
    message: str
    tool_calls: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "message": self.message, "tool_calls": list(self.tool_calls)}


@dataclass
class CaseResult:
    agent: str
    name: str
    kind: CaseKind
    type: str  # llm | tool | simulation | scenario
    repetition: int  # 1-based
    repeat: int  # total repetitions requested
    status: RunStatus
    duration_s: float
    rationale_summary: str = ""
    rationale_messages: list[str] = field(default_factory=list)
    transcript: list[Turn] = field(default_factory=list)
    # Indexes into ``transcript`` worth showing for a failure (all turns with --show-transcript).
    relevant_turns: list[int] = field(default_factory=list)
    remote_id: str | None = None
    invocation_id: str | None = None

    @property
    def display_name(self) -> str:
        """The name in tables and JUnit; repetitions are suffixed so every testcase is distinct."""
        return f"{self.name} [{self.repetition}/{self.repeat}]" if self.repeat > 1 else self.name

    @property
    def ok(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class PassRate:
    """How often one test or scenario passed over its repetitions, and the share it needs."""

    agent: str
    name: str
    kind: CaseKind
    passes: int
    runs: int
    min_pass_rate: float

    @property
    def rate(self) -> float:
        return self.passes / self.runs if self.runs else 0.0

    @property
    def ok(self) -> bool:
        # passes >= threshold * runs, in integers where possible (0.6 * 5 is 3.0000000000000004)
        return self.runs > 0 and self.passes >= round(self.min_pass_rate * self.runs, 9)

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "name": self.name,
            "kind": self.kind,
            "passes": self.passes,
            "runs": self.runs,
            "pass_rate": round(self.rate, 4),
            "min_pass_rate": self.min_pass_rate,
            "passed": self.ok,
        }


@dataclass(frozen=True)
class Comparison:
    """One test's verdict against the deployed agent and against the local config (``--compare``)."""

    agent: str
    name: str
    deployed: str  # passed | failed (its pass rate reached or not)
    local: str

    @property
    def regression(self) -> bool:
        return self.deployed == "passed" and self.local != "passed"

    @property
    def change(self) -> str:
        if self.deployed == self.local:
            return "unchanged"
        return f"{self.deployed} → {self.local}" + (" (regression)" if self.regression else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "name": self.name,
            "deployed": self.deployed,
            "local": self.local,
            "regression": self.regression,
        }


@dataclass
class RunReport:
    environment: str
    against: str
    started_at: str  # ISO 8601, UTC
    duration_s: float
    timeout_s: float
    results: list[CaseResult]
    # The share of runs each test must pass (--min-pass-rate; 1.0: every run), and per-test overrides
    # (x-agents.min_pass_rate in a test file) by (agent, name).
    min_pass_rate: float = 1.0
    thresholds: dict[tuple[str, str], float] = field(default_factory=dict)
    # With --compare deployed: each test on both sides (``results`` holds the local runs).
    comparison: list[Comparison] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {status: 0 for status in RUN_STATUSES}
        for result in self.results:
            counts[result.status] += 1
        return {"total": len(self.results), **counts}

    def pass_rates(self) -> list[PassRate]:
        """One per test or scenario, in the order of their first result."""
        groups: dict[tuple[str, str, str], list[CaseResult]] = {}
        for result in self.results:
            groups.setdefault((result.agent, result.kind, result.name), []).append(result)
        return [
            PassRate(
                agent,
                name,
                runs[0].kind,
                sum(1 for run in runs if run.ok),
                len(runs),
                self.thresholds.get((agent, name), self.min_pass_rate),
            )
            for (agent, _, name), runs in groups.items()
        ]

    @property
    def all_passed(self) -> bool:
        """Every test reached its pass rate (with the default 1.0: every run passed)."""
        return bool(self.results) and all(rate.ok for rate in self.pass_rates())


def name_remote_ids(results: list[CaseResult], local_names: dict[str, str]) -> None:
    """Write ``'lookup-order'`` where a rationale names ``'tool_4801…'``: the server only knows remote ids,
    the user only knows the local names in agents.json. ``local_names`` maps remote id → local name. Only
    quoted ids are rewritten, so request paths in error messages stay the real URLs."""
    if not local_names:
        return
    import re

    alternatives = "|".join(re.escape(remote_id) for remote_id in sorted(local_names, key=len, reverse=True))
    pattern = re.compile(f"'({alternatives})'")

    def named(text: str) -> str:
        return pattern.sub(lambda match: f"'{local_names[match.group(1)]}'", text)

    for result in results:
        result.rationale_summary = named(result.rationale_summary)
        result.rationale_messages = [named(message) for message in result.rationale_messages]
