"""What people see when the API cannot be reached, answers slowly, refuses the key or keeps failing — over
real loopback HTTP (the served emulator, its fault injection, or a closed port), through the client and the
CLI. Each message is one line naming the URL, and the hint names the next step."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from agents_cli.emulator.faults import FaultSettings, decide
from agents_cli.errors import ConfigError, RemoteError
from agents_cli.remote.client import ApiClient, RetryPolicy
from agents_cli.remote.failures import HttpTimeouts, http_timeouts
from tests.support.cli import run_cli, run_process
from tests.support.emulator import ServedEmulator
from tests.support.project import edit_manifest
from tests.support.remote import call_api, closed_port, recording_sleep

KEY_VARIABLE = "UX_API_KEY"
GOOD_KEY = "sk_ux_good"


def call(base_url: str, body: Callable[[ApiClient], Awaitable[Any]], **options: Any) -> tuple[Any, ApiClient]:
    """Run ``body`` on a fresh client with the good key (real sleeps): its result or the RemoteError."""
    return call_api(base_url, body, api_key=GOOD_KEY, **options)


def make_project(root: Path, base_url: str, agents: int = 0) -> Path:
    """A project whose ``dev`` environment talks to ``base_url`` with the key in ``UX_API_KEY``."""
    run_cli(["init", str(root)], cwd=root.parent)
    for index in range(agents):
        run_cli(["add", "agent", f"bot{index}"], cwd=root)
    dev = {"api_key_env": KEY_VARIABLE, "base_url": base_url}
    edit_manifest(root, lambda manifest: manifest["environments"].update(dev=dev), indent=2)
    return root


# 1. connection refused --------------------------------------------------------------------------------
def test_refused_connection_is_one_line_naming_the_url_and_gives_up_quickly() -> None:
    port = closed_port()
    waits: list[float] = []
    error, api = call(
        f"http://127.0.0.1:{port}", lambda api: api.get("/v1/convai/agents"), sleep=recording_sleep(waits)
    )
    assert isinstance(error, RemoteError)
    assert error.message == f"cannot reach http://127.0.0.1:{port}: connection refused (after 3 attempts)"
    assert "ELEVENLABS_BASE_URL" in (error.hint or "") and "--base-url" in (error.hint or "")
    assert api.stats.by_method["GET"] == 3 and api.stats.retries == 2
    assert sum(waits) < 3, f"a refused port waited {sum(waits):.1f} s before it was reported"


def test_cli_hint_names_where_the_unreachable_url_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    root = make_project(tmp_path / "proj", url, agents=1)
    env = {KEY_VARIABLE: GOOD_KEY}
    from_manifest = run_cli(["plan", "-e", "dev"], cwd=root, expect=1, env=env)
    assert f"error: cannot reach {url}: connection refused (after 3 attempts)\n" in from_manifest.stderr
    assert "hint: check base_url of environment 'dev' in agents.json" in from_manifest.stderr
    assert "Traceback" not in from_manifest.stderr and "ConnectError" not in from_manifest.stderr

    other = f"http://127.0.0.1:{closed_port()}"
    from_flag = run_cli(["plan", "-e", "dev", "--base-url", other], cwd=root, expect=1, env=env)
    assert f"cannot reach {other}: connection refused" in from_flag.stderr
    assert "hint: check --base-url and the network" in from_flag.stderr
    from_variable = run_cli(
        ["plan", "-e", "dev"], cwd=root, expect=1, env={**env, "ELEVENLABS_BASE_URL": other}
    )
    assert "hint: check ELEVENLABS_BASE_URL (it overrides agents.json)" in from_variable.stderr


def test_unknown_host_says_so() -> None:
    error, _api = call(
        "http://no-such-host.invalid",
        lambda api: api.get("/v1/convai/agents"),
        retry=RetryPolicy(base_delay=0),
    )
    assert isinstance(error, RemoteError)
    assert error.message.startswith("cannot reach http://no-such-host.invalid: host name not found")


def test_503_with_retry_after_is_still_retried_the_full_number_of_times(
    served_emulator: ServedEmulator,
) -> None:
    served_emulator.configure(
        faults=FaultSettings(seed=3, retry_after_s=0).with_route(
            "GET /v1/convai/agents", fault_rate=1, kinds=("503",)
        )
    )
    retry = RetryPolicy(max_attempts=6, base_delay=0.001, max_delay=0.002)
    error, api = call(served_emulator.url, lambda api: api.get("/v1/convai/agents"), retry=retry)
    assert isinstance(error, RemoteError) and error.status == 503
    assert api.stats.by_method["GET"] == 6
    assert error.message.endswith("(after 6 attempts)")


# 2. a 404 on a collection is a wrong base URL ------------------------------------------------------------
def test_list_404_points_at_the_base_url_and_item_404_does_not(served_emulator: ServedEmulator) -> None:
    proxy_without_convai = served_emulator.url + "/proxy"
    error, _ = call(proxy_without_convai, lambda api: api.list_all("/v1/convai/agents", "agents"))
    assert isinstance(error, RemoteError) and error.status == 404
    assert error.message.startswith(f"GET {proxy_without_convai}/v1/convai/agents: 404")
    assert f"{proxy_without_convai} does not serve the convai API" in (error.hint or "")
    assert "no longer exists" not in (error.hint or "")

    gone, _ = call(served_emulator.url, lambda api: api.get("/v1/convai/agents/agent_missing"))
    assert isinstance(gone, RemoteError) and gone.status == 404
    assert "no longer exists" in (gone.hint or "")


def test_cli_plan_against_a_base_url_without_the_api(served_emulator: ServedEmulator, tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", served_emulator.url + "/not-the-api")
    run_cli(["add", "tool", "lookup"], cwd=root)
    run_cli(["add", "tool", "orders"], cwd=root)
    state = {"tools": {name: {"id": f"tool_{name}", "fingerprint": "x"} for name in ("lookup", "orders")}}
    (root / "state").mkdir(exist_ok=True)
    (root / "state" / "dev.json").write_text(json.dumps(state))
    result = run_cli(["plan", "-e", "dev"], cwd=root, expect=1, env={KEY_VARIABLE: GOOD_KEY})
    assert "does not serve the convai API" in result.stderr
    assert "check base_url of environment 'dev' in agents.json" in result.stderr


# 3. 401 names the variable and the login command for this environment ------------------------------------
def test_cli_401_hint_names_the_variable_and_auth_login_for_the_environment(
    served_emulator: ServedEmulator, tmp_path: Path
) -> None:
    served_emulator.configure(api_keys=(GOOD_KEY,))
    root = make_project(tmp_path / "proj", served_emulator.url, agents=1)
    result = run_cli(["plan", "-e", "dev"], cwd=root, expect=1, env={KEY_VARIABLE: "sk_wrong"})
    assert ": 401 " in result.stderr
    assert f"check {KEY_VARIABLE} (variable or .env) or run 'agents auth login --env dev'" in result.stderr
    assert "sk_wrong" not in result.stderr


# 4. a 5xx storm says it was retried, and --debug shows each retry ----------------------------------------
def test_5xx_storm_error_counts_attempts_and_debug_logs_each_retry(
    served_emulator: ServedEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="agents_cli.remote.client")
    served_emulator.configure(
        faults=FaultSettings(seed=5, retry_after_s=0).with_route(
            "GET /v1/convai/tools", fault_rate=1, kinds=("503",)
        )
    )
    retry = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.002)
    error, api = call(served_emulator.url, lambda api: api.list_all("/v1/convai/tools", "tools"), retry=retry)
    assert isinstance(error, RemoteError) and error.status == 503
    assert error.message.startswith("GET /v1/convai/tools: 503 ")
    assert error.message.endswith("(after 4 attempts)")
    assert error.hint and "--debug" in error.hint
    retries = [record.getMessage() for record in caplog.records if "; retry " in record.getMessage()]
    assert len(retries) == 3 == api.stats.retries
    assert retries[0].startswith("GET /v1/convai/tools -> 503; retry 1 of 3 in ")
    assert all(
        record.getMessage().endswith(" s") for record in caplog.records if "; retry " in record.getMessage()
    )
    assert GOOD_KEY not in caplog.text


def test_cli_debug_logs_retries_without_the_key(served_emulator: ServedEmulator, tmp_path: Path) -> None:
    route = "GET /v1/convai/agents/{agent_id}"

    def faults(seed: int) -> FaultSettings:
        return FaultSettings(seed=seed, retry_after_s=0).with_route(route, fault_rate=0.5, kinds=("429",))

    def faulted(seed: int, n: int) -> bool:
        return decide(faults(seed), seed, n, "GET", "/v1/convai/agents/agent_x").kind is not None

    # A seed whose first request fails and second succeeds: one retry, without waiting through eight.
    seed = next(seed for seed in range(1000) if faulted(seed, 0) and not faulted(seed, 1))
    served_emulator.configure(faults=faults(seed))
    root = make_project(tmp_path / "proj", served_emulator.url, agents=1)
    (root / "state").mkdir(exist_ok=True)
    state = {"agents": {"bot0": {"id": "agent_x", "fingerprint": "x"}}}
    (root / "state" / "dev.json").write_text(json.dumps(state))
    # In a subprocess: in-process, --debug would leave a logging handler on a closed stream behind.
    result = run_process(["--chdir", str(root), "--debug", "plan", "-e", "dev"], env={KEY_VARIABLE: GOOD_KEY})
    assert result.returncode == 0, result.stderr
    assert "GET /v1/convai/agents/agent_x -> 429; retry 1 of 7 in " in result.stderr
    assert GOOD_KEY not in result.stderr and GOOD_KEY not in result.stdout


# 5. timeouts ---------------------------------------------------------------------------------------------
def test_timeout_defaults_and_the_environment_variable() -> None:
    assert http_timeouts(environ={}) == HttpTimeouts(connect=10, read=60)
    assert http_timeouts(environ={"AGENTS_HTTP_TIMEOUT": "120"}) == HttpTimeouts(connect=10, read=120)
    assert http_timeouts(environ={"AGENTS_HTTP_TIMEOUT": "2"}) == HttpTimeouts(connect=2, read=2)
    assert http_timeouts(environ={"AGENTS_HTTP_TIMEOUT": "5, 90"}) == HttpTimeouts(connect=5, read=90)
    assert http_timeouts(30, environ={"AGENTS_HTTP_TIMEOUT": "5,90"}) == HttpTimeouts(connect=10, read=30)
    for wrong in ("soon", "0", "-1", "1,2,3"):
        with pytest.raises(ConfigError) as info:
            http_timeouts(environ={"AGENTS_HTTP_TIMEOUT": wrong})
        assert "AGENTS_HTTP_TIMEOUT" in info.value.message and info.value.hint


def test_slow_response_times_out_with_the_url_and_the_limit(served_emulator: ServedEmulator) -> None:
    served_emulator.configure(
        faults=FaultSettings(seed=7, slow_s=5).with_route(
            "GET /v1/convai/agents", fault_rate=1, kinds=("slow",)
        )
    )
    retry = RetryPolicy(base_delay=0.001, max_delay=0.002)
    waits: list[float] = []
    error, api = call(
        served_emulator.url,
        lambda api: api.get("/v1/convai/agents"),
        timeouts=http_timeouts(environ={"AGENTS_HTTP_TIMEOUT": "0.3"}),
        retry=retry,
        sleep=recording_sleep(waits),
    )
    assert isinstance(error, RemoteError)
    url = f"{served_emulator.url}/v1/convai/agents"
    assert error.message == f"GET {url}: no response within 0.3 s (read timeout)"
    assert "AGENTS_HTTP_TIMEOUT" in (error.hint or "")
    assert api.stats.by_method["GET"] == 1 and waits == []  # not waited through twice


def test_slow_post_is_not_resent_and_names_the_timeout(served_emulator: ServedEmulator) -> None:
    served_emulator.configure(
        faults=FaultSettings(seed=7, slow_s=5).with_route(
            "POST /v1/convai/tools", fault_rate=1, kinds=("slow",)
        )
    )
    error, api = call(served_emulator.url, lambda api: api.post("/v1/convai/tools", {}), timeout=0.3)
    assert isinstance(error, RemoteError) and api.stats.by_method["POST"] == 1
    assert "no response within 0.3 s (read timeout)" in error.message
    assert "it may have been applied" in error.message


# 6. no task or connection attempt outlives the client ----------------------------------------------------


def test_failed_plan_leaves_no_coroutine_never_awaited(
    served_emulator: ServedEmulator, tmp_path: Path
) -> None:
    """Before the fix about 5 runs in 6 ended with "coroutine 'connect_tcp.<locals>.try_connect' was never
    awaited": the first 401 ended a plain gather while the other reads (20 agents, 8 at a time) kept
    starting connections on the closing client, and asyncio.run closed the loop under them."""
    served_emulator.configure(api_keys=(GOOD_KEY,))
    root = make_project(tmp_path / "proj", served_emulator.url, agents=20)
    run_cli(["sync", "-e", "dev", "--yes"], cwd=root, env={KEY_VARIABLE: GOOD_KEY})
    for _ in range(3):
        process = run_process(
            ["--chdir", str(root), "plan", "-e", "dev"],
            env={KEY_VARIABLE: "sk_wrong"},
            python_options=("-W", "error::RuntimeWarning"),
        )
        assert process.returncode == 1, process.stderr
        assert "401" in process.stderr and "agents auth login --env dev" in process.stderr, process.stderr
        assert "never awaited" not in process.stderr, process.stderr
        assert "RuntimeWarning" not in process.stderr, process.stderr
        assert "Task exception" not in process.stderr, process.stderr


def test_a_request_that_keeps_failing_is_reported_once_without_debug(
    served_emulator: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    from agents_cli.cli.app import configure_logging
    from agents_cli.host import Host

    served_emulator.configure(
        faults=FaultSettings(seed=3, retry_after_s=0).with_route(
            "GET /v1/convai/tools", fault_rate=1, kinds=("503",)
        )
    )
    configure_logging(Host.from_process(), debug=False)  # what every CLI run does (no --debug)
    retry = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.002)
    error, _ = call(served_emulator.url, lambda api: api.get("/v1/convai/tools"), retry=retry)
    assert isinstance(error, RemoteError) and error.message.endswith("(after 4 attempts)")
    stderr = capsys.readouterr().err
    notices = [line for line in stderr.splitlines() if "still retrying" in line]
    assert notices == ["warning: GET /v1/convai/tools: 503 again; still retrying (up to 4 attempts)"]
    assert "; retry " not in stderr  # the per-retry lines are --debug only
    assert GOOD_KEY not in stderr
