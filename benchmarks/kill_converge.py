"""SIGKILL ``agents sync`` at a random moment, run it again: it converges, with no duplicate and a state file
that always parses.

Each trial serves a fresh emulator on loopback (with a little latency so the sync takes a while), starts
``python -m agents_cli sync --yes`` as a subprocess, kills it with SIGKILL after a random delay, checks that
``state/<env>.json`` (if written yet) parses, runs sync again to completion, then checks that ``agents
plan --detailed-exitcode`` exits 0 and that the remote holds exactly one agent per local agent and one tool
per tool. Odd trials kill at a moment uniform over the duration of one uninterrupted sync (measured first);
even trials kill when a random write request reaches the server, before or after it is applied (so the
created resource may exist remotely while the killed client never learned its id).

Usage: python benchmarks/kill_converge.py [--trials 20] [--agents 30] [--tools 5] [--seed 1] [--window S]
Exit status 1 if any trial did not converge.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from faults_converge import KEY_VARIABLE, REPO_ROOT, remote_counts, write_scale_project
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agents_cli.emulator.settings import EmulatorSettings

ENV = "bench"
LATENCY_MS = 30  # so that one sync takes long enough to be killed at many different points


def agents_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "agents_cli", "--chdir", str(root), *args]


def child_environment() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), KEY_VARIABLE: "sk_kill", "NO_COLOR": "1"}
    environment.pop("ELEVENLABS_BASE_URL", None)
    return environment


@dataclass
class Trial:
    number: int
    how: str
    killed_running: bool
    state_parsed: bool
    rerun_exit: int
    plan_exit: int
    agents: int
    tools: int
    duplicates: int

    def converged(self, agents: int, tools: int) -> bool:
        return (
            self.state_parsed
            and self.rerun_exit == 0
            and self.plan_exit == 0
            and self.duplicates == 0
            and (self.agents, self.tools) == (agents, tools)
        )

    def line(self, agents: int, tools: int) -> str:
        return (
            f"trial {self.number:2d}: {'ok ' if self.converged(agents, tools) else 'FAIL'} "
            f"killed {self.how} ({'mid-run' if self.killed_running else 'already done'}), "
            f"state {'parses' if self.state_parsed else 'BROKEN'}, rerun exit {self.rerun_exit}, "
            f"plan exit {self.plan_exit}, remote {self.agents} agents / {self.tools} tools, "
            f"{self.duplicates} duplicates"
        )


def state_parses(root: Path) -> bool:
    path = root / "state" / f"{ENV}.json"
    if not path.exists():
        return True
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return True


def measure_sync(workdir: Path, *, agents: int, tools: int) -> float:
    """Wall time of one complete ``agents sync`` subprocess on the same setup as the trials."""
    from agents_cli.emulator.server import running_emulator

    with running_emulator(trial_settings()) as served:
        root = write_scale_project(workdir / "calibration", served.url, agents=agents, tools=tools, env=ENV)
        started = time.perf_counter()
        subprocess.run(
            agents_command(root, "sync", "--yes"), env=child_environment(), capture_output=True, check=True
        )
        return time.perf_counter() - started


def trial_settings() -> EmulatorSettings:
    from agents_cli.emulator.faults import FaultSettings

    return EmulatorSettings(faults=FaultSettings(latency_ms=LATENCY_MS))


class KillSwitch:
    """ASGI wrapper that SIGKILLs the sync process when its ``target``-th write request arrives: either before
    the app sees it (never applied) or after the app applied it but before the response leaves (applied,
    the client never learns the id). ``target`` 0 disables it (the time-based kill is used instead)."""

    def __init__(self, target: int, after_commit: bool) -> None:
        self.target = target
        self.after_commit = after_commit
        self.pid: int | None = None
        self.writes = 0
        self.fired = False

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["method"] not in ("POST", "PATCH", "PUT", "DELETE"):
                await app(scope, receive, send)
                return
            self.writes += 1
            if self.target and self.writes == self.target and self.pid is not None:
                self.fired = True
                if self.after_commit:

                    async def swallow(message: Message) -> None:
                        return None

                    await app(scope, receive, swallow)
                os.kill(self.pid, signal.SIGKILL)
                # Nobody is listening any more; answer anyway so the server logs no protocol error.
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            await app(scope, receive, send)

        return middleware


def run_agents(root: Path, environment: dict[str, str], *args: str) -> int:
    """Run one command to the end; its exit code."""
    done = subprocess.run(
        agents_command(root, *args), env=environment, capture_output=True, text=True, check=False
    )
    return done.returncode


def kill_sync(
    root: Path, environment: dict[str, str], switch: KillSwitch, *, kill_after: float, at_write: bool
) -> tuple[bool, float]:
    """Start ``sync --yes`` and kill it (at the switch's write, or after ``kill_after`` s): whether it was
    still running when killed, and when that was."""
    started = time.perf_counter()
    process = subprocess.Popen(
        agents_command(root, "sync", "--yes"),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    switch.pid = process.pid
    if at_write:
        process.wait(timeout=120)
        return switch.fired, time.perf_counter() - started
    time.sleep(kill_after)
    killed_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return killed_running, kill_after


def kill_trial(
    number: int,
    workdir: Path,
    rng: random.Random,
    *,
    agents: int,
    tools: int,
    window: float,
    at_write: bool = False,
) -> Trial:
    """One trial; ``at_write`` kills at a random write request instead of after a random delay."""
    from agents_cli.emulator.server import running_emulator

    switch = KillSwitch(rng.randint(1, agents + tools) if at_write else 0, rng.random() < 0.5)
    with running_emulator(trial_settings(), wrap=switch.wrap) as served:
        root = write_scale_project(
            workdir / f"trial-{number}", served.url, agents=agents, tools=tools, env=ENV
        )
        environment = child_environment()
        killed_running, kill_after = kill_sync(
            root, environment, switch, kill_after=rng.uniform(0.0, window), at_write=at_write
        )
        kill_at, switch.target = switch.target, 0  # the rerun must not be killed
        parsed = state_parses(root)
        rerun_exit = run_agents(root, environment, "sync", "--yes")
        plan_exit = run_agents(root, environment, "plan", "--detailed-exitcode")
        parsed = parsed and state_parses(root)
        agent_tags, tool_names = remote_counts(served.url)
    counts = [*agent_tags.values(), *tool_names.values()]
    how = (
        f"at write #{kill_at} ({'after' if switch.after_commit else 'before'} commit)"
        if at_write
        else f"after {kill_after:.2f} s"
    )
    return Trial(
        number=number,
        how=how,
        killed_running=killed_running,
        state_parsed=parsed,
        rerun_exit=rerun_exit,
        plan_exit=plan_exit,
        agents=sum(agent_tags.values()),
        tools=sum(tool_names.values()),
        duplicates=sum(n - 1 for n in counts if n > 1),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--agents", type=int, default=30)
    parser.add_argument("--tools", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--window", type=float, default=None, help="Kill within this many seconds of start.")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    good = 0
    with tempfile.TemporaryDirectory(prefix="agents-kill-") as folder:
        window = options.window or measure_sync(Path(folder), agents=options.agents, tools=options.tools)
        print(f"one uninterrupted sync (process start included): {window:.2f} s", flush=True)
        for number in range(1, options.trials + 1):
            trial = kill_trial(
                number,
                Path(folder),
                rng,
                agents=options.agents,
                tools=options.tools,
                window=window,
                at_write=number % 2 == 0,
            )
            print(trial.line(options.agents, options.tools), flush=True)
            good += trial.converged(options.agents, options.tools)
    print(f"converged: {good}/{options.trials} trials ({options.agents} agents + {options.tools} tools)")
    return 0 if good == options.trials else 1


if __name__ == "__main__":
    sys.exit(main())
