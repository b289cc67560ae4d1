"""What ``agents test`` needs before it runs (``agents_cli/testing/prerequisites.py``): valid configs, an
agent to run against (a placeholder made once and reused without committed state, made again when deleted
remotely), and a real deployment for ``--against deployed``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import init_project, run_cli
from tests.support.emulator import ServedEmulator, remote_delete
from tests.support.project import attach_tests, edit_manifest, state


def test_agent_test_refuses_configs_with_validation_errors(tmp_path: Path) -> None:
    # Before: the typo went out in agent_config_override, the emulator dropped it like the API does, and
    # the test "passed" for a config that was not the one in the file.
    root = init_project(tmp_path)
    run_cli(["add", "test", "greets"], cwd=root)
    run_cli(["add", "agent", "bot"], cwd=root)
    config = root / "agents" / "bot.yaml"
    attach_tests(config, "greets")
    config.write_text(
        config.read_text(encoding="utf-8").replace("temperature: 0.5", "temprature: 0.5"), encoding="utf-8"
    )
    refused = run_cli(["test", "bot"], cwd=root, expect=1)
    assert "agents/bot.yaml:" in refused.stderr
    assert "unknown key 'temprature' (did you mean 'temperature'?)" in refused.stderr
    assert "nothing was run" in refused.stderr
    assert refused.stdout == ""
    assert not (root / "state" / "local.json").exists()  # nothing was synced either


def test_against_deployed_refuses_the_placeholder_of_a_never_synced_agent(tmp_path: Path) -> None:
    # Before: after an '--against local' run, '--against deployed' tested the empty placeholder agent and
    # reported made-up failures ('unknown', phrases "not found in the language") for an agent never deployed.
    root = init_project(tmp_path)
    run_cli(["add", "test", "delivery", "--template", "simulation"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "delivery")
    run_cli(["test", "support"], cwd=root)  # creates the placeholder
    refused = run_cli(["test", "support", "--against", "deployed"], cwd=root, expect=1)
    assert (
        "agent 'support' is not deployed in environment 'local' (only the empty placeholder" in refused.stderr
    )
    assert "agents sync --env local" in refused.stderr
    assert refused.stdout == ""
    run_cli(["sync"], cwd=root)
    deployed = run_cli(["test", "support", "--against", "deployed"], cwd=root)
    assert "1 passed of 1 run(s)" in deployed.stdout


def test_agent_deleted_remotely_is_named_once_instead_of_a_404_per_run(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = init_project(tmp_path)
    dev = {"api_key_env": "KEY_DEV", "base_url": served_emulator.url}
    edit_manifest(root, lambda manifest: manifest["environments"].update(dev=dev))
    key = {"KEY_DEV": served_emulator.api_key}
    run_cli(["add", "test", "delivery", "--template", "simulation"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "delivery")

    def agent_id() -> str:
        return str(state(root, "dev")["agents"]["support"]["id"])

    def delete_remotely(remote_id: str) -> None:
        remote_delete(served_emulator.url, f"/v1/convai/agents/{remote_id}")

    run_cli(["test", "support", "--env", "dev"], cwd=root, env=key)
    placeholder = agent_id()
    delete_remotely(placeholder)
    # A lost placeholder is simply made again (before: every run was an ERROR "404 Agent … not found").
    again = run_cli(["test", "support", "--env", "dev"], cwd=root, env=key)
    assert "created placeholder agent" in again.stderr
    assert agent_id() != placeholder

    run_cli(["sync", "--env", "dev"], cwd=root, env=key)
    deployed = agent_id()
    delete_remotely(deployed)
    refused = run_cli(["test", "support", "--env", "dev"], cwd=root, env=key, expect=1)
    assert f"agent 'support' ({deployed}) no longer exists in environment 'dev'" in refused.stderr
    assert "agents sync --env dev" in refused.stderr
    assert refused.stdout == ""


def test_agent_test_without_committed_state_reuses_its_placeholder(tmp_path: Path) -> None:
    # Before: a CI job that does not commit state/<env>.json left one more empty agent per run.
    import shutil

    root = init_project(tmp_path)
    run_cli(["add", "test", "delivery", "--template", "simulation"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "delivery")
    first = run_cli(["test"], cwd=root)
    assert "created placeholder agent" in first.stderr
    for _ in range(2):
        shutil.rmtree(root / "state")
        again = run_cli(["test"], cwd=root)
        assert "reusing agent" in again.stderr and "1 passed of 1 run(s)" in again.stdout
    remote = json.loads(run_cli(["list", "--remote", "--json"], cwd=root).stdout)["resources"]
    assert [item["kind"] for item in remote].count("agent") == 1
