"""Sync converges under injected faults: 50 agents + 10 tools, 20 % faults, one seed after another.

For each seed the emulator is served on loopback with 20 % of requests faulted (429 with a short Retry-After,
500, 502, 503, dropped connections, and 500-after-commit: the create happens but the client sees a 500).
``agents sync`` runs once (the real command code, in-process); then, with faults still on, ``agents plan``
must show no changes, and the remote must hold exactly one agent per local agent and one tool per tool.

Usage: python benchmarks/faults_converge.py [--seeds 20] [--agents 50] [--tools 10] [--fault-rate 0.2]
Exit status 1 if any seed did not converge.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from agents_cli.cli.output import Output  # noqa: E402
from agents_cli.context import AppContext  # noqa: E402

KEY_VARIABLE = "AGENTS_BENCH_KEY"
FAULT_KINDS = ("429", "500", "502", "503", "drop", "500-after")


def write_scale_project(root: Path, base_url: str, *, agents: int, tools: int, env: str = "bench") -> Path:
    """``agents`` agents, each using one of ``tools`` webhook-free client tools, in environment ``env``."""
    for folder in ("agents", "tools"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "version": 1,
        "default_environment": env,
        "environments": {env: {"api_key_env": KEY_VARIABLE, "base_url": base_url}},
        "agents": {},
        "tools": {},
    }
    for index in range(tools):
        name = f"tool-{index:02d}"
        (root / "tools" / f"{name}.yaml").write_text(
            f"type: client\nname: bench_tool_{index:02d}\ndescription: Benchmark tool {index}.\n"
        )
        manifest["tools"][name] = {"config": f"tools/{name}.yaml"}
    for index in range(agents):
        name = f"agent-{index:03d}"
        write_scale_agent(root, name, index, tools=tools)
        manifest["agents"][name] = {"config": f"agents/{name}.yaml"}
    (root / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return root


def write_scale_agent(root: Path, name: str, index: int, *, tools: int, temperature: float = 0.3) -> None:
    tool_line = f'      tool_ids: ["@tool:tool-{index % tools:02d}"]\n' if tools else ""
    (root / "agents" / f"{name}.yaml").write_text(
        f"name: Bench agent {index}\n"
        "conversation_config:\n"
        "  agent:\n"
        f"    first_message: Hello from agent {index}.\n"
        "    prompt:\n"
        f"      prompt: You are benchmark agent number {index}.\n"
        f"      temperature: {temperature}\n" + tool_line
    )


def run_command(command: str, root: Path, **options: Any) -> tuple[int, str, str]:
    """``agents [--format json] <command>`` through its typed request and the CLI's boundary (the real
    command path, without the argument parser)."""
    from agents_cli.cli.boundary import run
    from agents_cli.commands.plan import PlanRequest, plan
    from agents_cli.commands.sync import SyncRequest, sync
    from agents_cli.host import Host

    stdout, stderr = io.StringIO(), io.StringIO()
    as_json = options.pop("as_json", False)
    host = Host.from_process(environ={KEY_VARIABLE: "sk_bench"})  # the run's variables: just the key
    app = AppContext(host=host, out=Output(host=host, no_color=True, stdout=stdout, stderr=stderr), cwd=root)
    app.format = "json" if as_json else "text"
    if command == "sync":
        code = run(app, command, sync, SyncRequest(**options))
    else:
        code = run(app, command, plan, PlanRequest(**options))
    return code, stdout.getvalue(), stderr.getvalue()


def remote_counts(base_url: str) -> tuple[Counter[str], Counter[str]]:
    """How many remote agents carry each name tag, and how many tools have each name (no faults)."""
    import httpx

    def listing(path: str, key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"page_size": 100}
        while True:
            page = httpx.get(
                base_url + path, params=params, headers={"xi-api-key": "peek"}, timeout=30
            ).json()
            items.extend(page[key])
            if not page.get("has_more"):
                return items
            params["cursor"] = page["next_cursor"]

    agents = Counter(
        tag
        for item in listing("/v1/convai/agents", "agents")
        for tag in item.get("tags", [])
        if "name=" in tag
    )
    tools = Counter(item["tool_config"]["name"] for item in listing("/v1/convai/tools", "tools"))
    return agents, tools


def quiet_dropped_connections() -> None:
    """Injected drops are expected here: keep the server's tracebacks for them out of the output."""
    import logging

    from agents_cli.emulator.faults import DroppedConnectionLogFilter

    for name in ("uvicorn.error", "agents_cli.emulator"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, DroppedConnectionLogFilter) for f in logger.filters):
            logger.addFilter(DroppedConnectionLogFilter())


@dataclass
class Convergence:
    seed: int
    sync_exit: int
    failed: int
    requests: int
    retries: int
    adopted: int
    plan_has_changes: bool
    agents: int
    tools: int
    duplicates: int
    seconds: float

    @property
    def converged(self) -> bool:
        return self.sync_exit == 0 and not self.plan_has_changes and self.duplicates == 0

    def line(self) -> str:
        return (
            f"seed {self.seed:3d}: {'ok ' if self.converged else 'FAIL'} sync exit {self.sync_exit}, "
            f"{self.failed} failed, {self.requests} requests "
            f"({self.retries} retries, {self.adopted} adopted), "
            f"remote {self.agents} agents / {self.tools} tools, {self.duplicates} duplicates, "
            f"plan {'has changes' if self.plan_has_changes else 'clean'}, {self.seconds:.1f} s"
        )


def converge(
    seed: int, workdir: Path, *, agents: int = 50, tools: int = 10, fault_rate: float = 0.2
) -> Convergence:
    from agents_cli.emulator.faults import FaultSettings
    from agents_cli.emulator.server import running_emulator
    from agents_cli.emulator.settings import EmulatorSettings

    quiet_dropped_connections()
    faults = FaultSettings(seed=seed, fault_rate=fault_rate, kinds=FAULT_KINDS, retry_after_s=0.02)
    started = time.perf_counter()
    with running_emulator(EmulatorSettings(faults=faults)) as served:
        root = write_scale_project(workdir / f"seed-{seed}", served.url, agents=agents, tools=tools)
        code, stdout, _ = run_command("sync", root, yes=True, as_json=True)
        result = json.loads(stdout)
        _, plan_out, _ = run_command("plan", root, as_json=True)
        plan = json.loads(plan_out)
        served.configure(faults=None)
        agent_tags, tool_names = remote_counts(served.url)
    duplicates = sum(n - 1 for n in agent_tags.values() if n > 1) + sum(
        n - 1 for n in tool_names.values() if n > 1
    )
    return Convergence(
        seed=seed,
        sync_exit=code,
        failed=int(result["failed"]),
        requests=int(result["requests"]["requests"]),
        retries=int(result["requests"]["retries"]),
        adopted=sum(1 for item in result["results"] if item["result"] == "adopted"),
        plan_has_changes=bool(plan["has_changes"]),
        agents=sum(agent_tags.values()),
        tools=sum(tool_names.values()),
        duplicates=duplicates,
        seconds=time.perf_counter() - started,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--tools", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    options = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="agents-faults-") as folder:
        for seed in range(1, options.seeds + 1):
            outcome = converge(
                seed, Path(folder), agents=options.agents, tools=options.tools, fault_rate=options.fault_rate
            )
            print(outcome.line(), flush=True)
            results.append(outcome)
    good = sum(1 for outcome in results if outcome.converged)
    print(
        f"converged: {good}/{len(results)} seeds ({options.agents} agents + {options.tools} tools, "
        f"{options.fault_rate:.0%} faults)"
    )
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
