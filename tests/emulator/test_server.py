"""``agents emulator serve`` as a real process: one parseable URL line once it accepts connections, clean
SIGTERM/SIGINT shutdown (no process, no open port), state kept across restarts with the same ``--data`` file.

Every wait is on an event (the URL line, the process's exit) with a generous deadline that only fails a test
when the event never comes: how fast the command starts depends on the machine's load, not on the command."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support import REPO_ROOT

HEADERS = {"xi-api-key": "k"}
EVENT_DEADLINE_S = 60


@contextmanager
def _serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the command; yield (process, url) once it printed the line that says it accepts connections."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "agents_cli", "emulator", "serve", "--port", "0", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        assert selector.select(timeout=EVENT_DEADLINE_S), "no output from 'agents emulator serve'"
        line = process.stdout.readline().strip()
        assert line.startswith("emulator listening on http://127.0.0.1:"), line
        yield process, line.removeprefix("emulator listening on ")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=EVENT_DEADLINE_S)


def _port_closed(url: str) -> bool:
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _stop(process: subprocess.Popen[str], sig: signal.Signals) -> int:
    process.send_signal(sig)
    return process.wait(timeout=EVENT_DEADLINE_S)


def test_serve_announces_its_url_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with _serve("--data", str(tmp_path / "emulator.db")) as (process, url):
        response = httpx.get(f"{url}/v1/user", headers=HEADERS)
        assert response.status_code == 200 and response.json()["user_id"]
        assert _stop(process, signal.SIGTERM) == 0
        assert _port_closed(url)
        assert process.stderr is not None and "Traceback" not in process.stderr.read()


def test_state_survives_a_restart_with_the_same_data_file(tmp_path: Path) -> None:
    data = tmp_path / "state" / "emulator.db"
    body = {"name": "persisted", "conversation_config": {"agent": {"first_message": "Hi"}}}
    with _serve("--data", str(data)) as (process, url):
        agent_id = httpx.post(f"{url}/v1/convai/agents/create", json=body, headers=HEADERS).json()["agent_id"]
        assert _stop(process, signal.SIGINT) == 0
    with _serve("--data", str(data)) as (process, url):
        agent = httpx.get(f"{url}/v1/convai/agents/{agent_id}", headers=HEADERS).json()
        assert agent["name"] == "persisted"
        assert agent["conversation_config"]["agent"]["first_message"] == "Hi"
        assert _stop(process, signal.SIGTERM) == 0
        assert _port_closed(url)


def test_serve_flags_reach_the_server(tmp_path: Path) -> None:
    with _serve("--api-key", "only-this", "--strict", "--completion-polls", "2") as (process, url):
        assert httpx.get(f"{url}/v1/user", headers=HEADERS).status_code == 401
        good = {"xi-api-key": "only-this"}
        assert httpx.get(f"{url}/v1/user", headers=good).status_code == 200
        typo = {"conversation_config": {"agent": {"first_mesage": "Hi"}}}
        assert httpx.post(f"{url}/v1/convai/agents/create", json=typo, headers=good).status_code == 422
        assert _stop(process, signal.SIGTERM) == 0


def test_serve_rejects_a_bad_fault_rate() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agents_cli", "emulator", "serve", "--fault-rate", "2"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "--fault-rate must be between 0 and 1" in result.stderr


def test_a_signal_right_after_the_url_line_still_stops_it() -> None:
    # Regression: a signal that arrived before uvicorn installed its handlers used to be swallowed.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGINT):
        with _serve() as (process, url):
            assert _stop(process, sig) == 0
            assert _port_closed(url)


def test_serve_with_faults_names_the_seed_and_replays_it() -> None:
    def statuses(seed: str) -> tuple[list[int], str]:
        with _serve("--fault-rate", "0.3", "--faults", "500,503", "--seed", seed) as (process, url):
            with httpx.Client(base_url=url, headers=HEADERS) as client:
                codes = [client.get("/v1/user").status_code for _ in range(20)]
            assert _stop(process, signal.SIGTERM) == 0
            assert process.stderr is not None
            return codes, process.stderr.read()

    first, stderr = statuses("11")
    second, _ = statuses("11")
    assert first == second and set(first) - {200}
    assert "seed 11" in stderr
