"""SIGKILL ``agents sync`` while it replaces knowledge-base documents (their files' bytes changed), run it
again: no agent ever points at a deleted document, and the rerun converges with no duplicate document.

Each trial serves a fresh emulator on loopback (with latency), syncs a project of ``--documents`` file
documents and ``--agents`` agents that use them, then edits every document's bytes and starts ``sync --yes``
(each document: created again → agents repointed → old one deleted). It kills that sync with SIGKILL — odd
trials after a random delay within one uninterrupted replace sync, even trials when a random write request
reaches the server, before or after it is applied — then checks that every agent's knowledge_base ids
exist, reruns sync, and checks: ``plan --detailed-exitcode`` exits 0, exactly one remote document per local
one, every agent points at documents whose content is the new bytes, and no replaced id is left in state.

Usage: python benchmarks/kill_replace.py [--trials 20] [--documents 4] [--agents 6] [--seed 1]
Exit status 1 if any trial broke an invariant or did not converge.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from kill_converge import KillSwitch, child_environment, kill_sync, run_agents, trial_settings

from agents_cli.emulator.server import running_emulator

ENV = "bench"
KEY_VARIABLE = "AGENTS_BENCH_KEY"


def write_project(root: Path, base_url: str, *, documents: int, agents: int) -> Path:
    manifest: dict[str, Any] = {
        "version": 1,
        "default_environment": ENV,
        "environments": {ENV: {"api_key_env": KEY_VARIABLE, "base_url": base_url}},
        "knowledge_base": {},
        "agents": {},
    }
    (root / "knowledge").mkdir(parents=True)
    (root / "agents").mkdir()
    for index in range(documents):
        name = f"doc-{index:02d}"
        (root / "knowledge" / f"{name}.md").write_text(f"# Document {index}\n\nVersion 1.\n")
        (root / "knowledge" / f"{name}.yaml").write_text(
            f"name: Document {index}\nfile: knowledge/{name}.md\n"
        )
        manifest["knowledge_base"][name] = {"config": f"knowledge/{name}.yaml"}
    for index in range(agents):
        used = [f"doc-{(index + offset) % documents:02d}" for offset in range(min(2, documents))]
        entries = "".join(
            f"        - {{id: '@kb:{doc}', type: file, name: Document {int(doc[-2:])}}}\n" for doc in used
        )
        (root / "agents" / f"agent-{index:02d}.yaml").write_text(
            f"name: Agent {index}\nconversation_config:\n  agent:\n    prompt:\n      prompt: Answer.\n"
            f"      knowledge_base:\n{entries}"
        )
        manifest["agents"][f"agent-{index:02d}"] = {"config": f"agents/agent-{index:02d}.yaml"}
    (root / "agents.json").write_text(json.dumps(manifest, indent=2))
    return root


def edit_documents(root: Path) -> None:
    for path in sorted((root / "knowledge").glob("*.md")):
        path.write_text(path.read_text().replace("Version 1.", "Version 2, with more words."))


def remote(base_url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(documents, agents as GET returns them) of the served emulator."""
    headers = {"xi-api-key": "peek"}
    documents = httpx.get(f"{base_url}/v1/convai/knowledge-base", params={"page_size": 100}, headers=headers)
    listed = httpx.get(f"{base_url}/v1/convai/agents", params={"page_size": 100}, headers=headers)
    agents = [
        httpx.get(f"{base_url}/v1/convai/agents/{item['agent_id']}", headers=headers).json()
        for item in listed.json()["agents"]
    ]
    return documents.json()["documents"], agents


def dangling(base_url: str) -> int:
    """Knowledge-base ids agents use that no longer exist."""
    documents, agents = remote(base_url)
    existing = {document["id"] for document in documents}
    used = [
        entry["id"]
        for agent in agents
        for entry in agent["conversation_config"]["agent"]["prompt"]["knowledge_base"]
    ]
    return sum(1 for ident in used if ident not in existing)


def stale_content(base_url: str, root: Path) -> int:
    """Documents agents use whose content is not the file's bytes now."""
    documents, agents = remote(base_url)
    by_name = {document["id"]: document["name"] for document in documents}
    wrong = 0
    for agent in agents:
        for entry in agent["conversation_config"]["agent"]["prompt"]["knowledge_base"]:
            content = httpx.get(
                f"{base_url}/v1/convai/knowledge-base/{entry['id']}/content", headers={"xi-api-key": "peek"}
            ).content
            number = int(by_name.get(entry["id"], "Document -1").split()[-1])
            wrong += content != (root / "knowledge" / f"doc-{number:02d}.md").read_bytes()
    return wrong


@dataclass
class Trial:
    number: int
    how: str
    dangling_after_kill: int
    rerun_exit: int
    plan_exit: int
    documents: int
    dangling_after_rerun: int
    stale: int
    retired_left: int

    def converged(self, documents: int) -> bool:
        return (
            self.dangling_after_kill == 0
            and self.dangling_after_rerun == 0
            and self.rerun_exit == 0
            and self.plan_exit == 0
            and self.documents == documents
            and self.stale == 0
            and self.retired_left == 0
        )

    def line(self, documents: int) -> str:
        return (
            f"trial {self.number:2d}: {'ok ' if self.converged(documents) else 'FAIL'} killed {self.how}; "
            f"dangling ids after kill {self.dangling_after_kill}, rerun exit {self.rerun_exit}, plan exit "
            f"{self.plan_exit}, remote documents {self.documents} (want {documents}), dangling after rerun "
            f"{self.dangling_after_rerun}, stale content {self.stale}, retired ids left {self.retired_left}"
        )


def trial(
    number: int, workdir: Path, rng: random.Random, *, documents: int, agents: int, window: float
) -> Trial:
    at_write = number % 2 == 0
    # Writes of a replace sync: a POST per document, a PATCH per agent, a DELETE per old document.
    switch = KillSwitch(0, rng.random() < 0.5)
    with running_emulator(trial_settings(), wrap=switch.wrap) as served:
        root = write_project(workdir / f"trial-{number}", served.url, documents=documents, agents=agents)
        environment = {**child_environment(), KEY_VARIABLE: "sk_kill"}
        assert run_agents(root, environment, "sync", "--yes") == 0
        edit_documents(root)
        switch.writes = 0
        switch.target = rng.randint(1, 2 * documents + agents) if at_write else 0
        _running, kill_after = kill_sync(
            root, environment, switch, kill_after=rng.uniform(0.0, window), at_write=at_write
        )
        kill_at, switch.target = switch.target, 0
        after_kill = dangling(served.url)
        rerun_exit = run_agents(root, environment, "sync", "--yes")
        plan_exit = run_agents(root, environment, "plan", "--detailed-exitcode")
        listed, _agents = remote(served.url)
        state = json.loads((root / "state" / f"{ENV}.json").read_text())
        retired = sum(len(entry.get("retired", [])) for entry in state["knowledge_base"].values())
        how = (
            f"at write #{kill_at} ({'after' if switch.after_commit else 'before'} commit)"
            if at_write
            else f"after {kill_after:.2f} s"
        )
        return Trial(
            number,
            how,
            after_kill,
            rerun_exit,
            plan_exit,
            len(listed),
            dangling(served.url),
            stale_content(served.url, root),
            retired,
        )


def measure(workdir: Path, *, documents: int, agents: int) -> float:
    """Wall time of one uninterrupted replace sync (process start included)."""
    with running_emulator(trial_settings()) as served:
        root = write_project(workdir / "calibration", served.url, documents=documents, agents=agents)
        environment = {**child_environment(), KEY_VARIABLE: "sk_kill"}
        run_agents(root, environment, "sync", "--yes")
        edit_documents(root)
        started = time.perf_counter()
        run_agents(root, environment, "sync", "--yes")
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument("--agents", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    good = 0
    with tempfile.TemporaryDirectory(prefix="agents-kill-replace-") as folder:
        window = measure(Path(folder), documents=options.documents, agents=options.agents)
        print(f"one uninterrupted replace sync (process start included): {window:.2f} s", flush=True)
        for number in range(1, options.trials + 1):
            result = trial(
                number, Path(folder), rng, documents=options.documents, agents=options.agents, window=window
            )
            print(result.line(options.documents), flush=True)
            good += result.converged(options.documents)
    print(
        f"converged: {good}/{options.trials} trials ({options.documents} documents, {options.agents} agents)"
    )
    return 0 if good == options.trials else 1


if __name__ == "__main__":
    sys.exit(main())
