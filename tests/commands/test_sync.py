"""``agents sync`` (and the plans it applies) end to end: the CLI in-process, the emulator served on loopback
HTTP. Create, no-op and one-field updates; deletions only with --prune and --yes; one config in two
environments; secrets never written or printed; lost state adopts; one failure does not stop the others;
agents that transfer to each other; Ctrl-C of a real process; the ``local`` environment in-process."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.support.cli import run_cli, start_process
from tests.support.emulator import (
    ServedEmulator,
    remote_get,
    remote_list,
)
from tests.support.project import state
from tests.support.samples import KEYS, SECRET, cli, cli_json, sample_project
from tests.support.waiting import EVENT_DEADLINE_S, wait_until


@pytest.fixture
def project(tmp_path: Path, emulator_url: str) -> Path:
    return sample_project(tmp_path / "proj", emulator_url)


def test_create_then_noop_then_update_one_field(project: Path, emulator_url: str) -> None:
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "Plan: 3 to create, 0 to update, 0 to delete." in stdout
    assert "(known after apply: @test:greets, @tool:lookup)" in stdout

    first = cli_json(project, "sync")
    assert sorted(r["result"] for r in first["results"]) == ["created", "created", "created"]
    ids = state(project, "staging")
    agent_id = ids["agents"]["bot"]["id"]
    remote_agent = remote_get(emulator_url, f"/v1/convai/agents/{agent_id}").json()
    assert remote_agent["conversation_config"]["agent"]["prompt"]["tool_ids"] == [
        ids["tools"]["lookup"]["id"]
    ]
    attached = remote_agent["platform_settings"]["testing"]["attached_tests"]
    assert [item["test_id"] for item in attached] == [ids["tests"]["greets"]["id"]]
    assert "agents-cli:env=staging" in remote_agent["tags"] and "support" in remote_agent["tags"]

    stdout, _ = cli(project, "plan", "--detailed-exitcode")
    assert "No changes." in stdout and "Plan: 0 to create, 0 to update, 0 to delete." in stdout
    second = cli_json(project, "sync")
    assert second["requests"]["writes"] == 0
    assert second["results"] == []

    config = project / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.1"))
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "~ agent bot (update, id " in stdout
    assert "conversation_config.agent.prompt.temperature: 0.3 → 0.1" in stdout
    assert "Plan: 0 to create, 1 to update, 0 to delete." in stdout
    plan = cli_json(project, "plan")
    assert plan["resources"] == [
        {
            "kind": "agent",
            "name": "bot",
            "action": "update",
            "id": agent_id,
            "changes": [
                {
                    "path": "conversation_config.agent.prompt.temperature",
                    "change": "changed",
                    "remote": 0.3,
                    "local": 0.1,
                }
            ],
            # The agent's current version, as read (plan and status show it).
            "version_id": remote_get(emulator_url, f"/v1/convai/agents/{agent_id}").json()["version_id"],
        }
    ]
    third = cli_json(project, "sync")
    assert [r["result"] for r in third["results"]] == ["updated"]
    assert third["requests"]["writes"] == 1
    assert (
        remote_get(emulator_url, f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"][
            "prompt"
        ]["temperature"]
        == 0.1
    )
    cli(project, "plan", "--detailed-exitcode")


def test_long_strings_render_as_line_diffs_and_deleted_key_resets(project: Path, emulator_url: str) -> None:
    cli(project, "sync")
    config = project / "agents" / "bot.yaml"
    text = config.read_text().replace("Be brief.", "Be thorough.").replace("      temperature: 0.3\n", "")
    config.write_text(text)
    stdout, _ = cli(project, "plan")
    assert "conversation_config.agent.prompt.prompt:" in stdout
    assert "-Be brief." in stdout and "+Be thorough." in stdout
    # The key is gone locally: the plan resets it to the API default instead of ignoring it.
    assert "conversation_config.agent.prompt.temperature: 0.3 → 0" in stdout
    cli(project, "sync")
    agent_id = state(project, "staging")["agents"]["bot"]["id"]
    prompt = remote_get(emulator_url, f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]
    assert prompt["prompt"]["temperature"] == 0 and prompt["prompt"]["prompt"].endswith("Be thorough.\n")
    cli(project, "plan", "--detailed-exitcode")


def test_prune_needs_yes_and_deletes(project: Path, emulator_url: str) -> None:
    cli(project, "sync")
    old_id = state(project, "staging")["agents"]["bot"]["id"]
    manifest = json.loads((project / "agents.json").read_text())
    del manifest["agents"]["bot"]
    (project / "agents.json").write_text(json.dumps(manifest))

    stdout, stderr = cli(project, "plan", "--detailed-exitcode")  # without --prune deletions are not planned
    assert "Plan: 0 to create, 0 to update, 0 to delete." in stdout
    assert "no longer in agents.json (agent bot); add --prune" in stderr
    stdout, _ = cli(project, "plan", "--prune", "--detailed-exitcode", expect=2)
    assert f"- agent bot (delete, id {old_id})" in stdout

    tool = project / "tools" / "lookup.yaml"
    tool.write_text(tool.read_text().replace("Look up an order by its number.", "Find an order."))
    tool_path = f"/v1/convai/tools/{state(project, 'staging')['tools']['lookup']['id']}"
    _, stderr = cli(project, "sync", "--prune", expect=1)
    assert "use --yes" in stderr
    assert remote_get(emulator_url, f"/v1/convai/agents/{old_id}").status_code == 200
    # Deletions awaiting a "yes": no update starts early either, nothing at all is written.
    assert remote_get(emulator_url, tool_path).json()["tool_config"]["description"].startswith("Look up")

    result = cli_json(project, "sync", "--prune", "--yes")
    assert [r["result"] for r in result["results"]] == ["updated", "deleted"]
    assert remote_get(emulator_url, tool_path).json()["tool_config"]["description"] == "Find an order."
    assert remote_get(emulator_url, f"/v1/convai/agents/{old_id}").status_code == 404
    assert "bot" not in state(project, "staging")["agents"]
    cli(project, "plan", "--prune", "--detailed-exitcode")


def test_same_config_in_two_environments_gets_its_own_ids(project: Path, emulator_url: str) -> None:
    cli(project, "sync", "--env", "staging")
    cli(project, "sync", "--env", "prod")
    staging, prod = state(project, "staging"), state(project, "prod")
    for section, name in (("tools", "lookup"), ("tests", "greets"), ("agents", "bot")):
        assert staging[section][name]["id"] != prod[section][name]["id"]
    prod_agent = remote_get(emulator_url, f"/v1/convai/agents/{prod['agents']['bot']['id']}").json()
    assert prod_agent["conversation_config"]["agent"]["prompt"]["tool_ids"] == [prod["tools"]["lookup"]["id"]]
    assert len(remote_list(emulator_url, "/v1/convai/tools", "tools")) == 2
    cli(project, "plan", "--env", "prod", "--detailed-exitcode")
    cli(project, "plan", "--env", "staging", "--detailed-exitcode")


def test_secrets_are_never_written_or_printed(project: Path, emulator_url: str) -> None:
    plan_out, plan_err = cli(project, "plan")
    sync_out, sync_err = cli(project, "--debug", "sync", "--json")
    later_out, _ = cli(project, "plan", "--json")
    for text in (plan_out, plan_err, sync_out, sync_err, later_out):
        assert SECRET not in text
    assert "(sensitive)" in plan_out
    for path in project.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    tool_id = state(project, "staging")["tools"]["lookup"]["id"]
    remote_tool = remote_get(emulator_url, f"/v1/convai/tools/{tool_id}").json()
    assert remote_tool["tool_config"]["api_schema"]["request_headers"]["Authorization"] == f"Bearer {SECRET}"


def test_lost_state_adopts_instead_of_duplicating(project: Path, emulator_url: str) -> None:
    cli(project, "sync")
    before = state(project, "staging")
    (project / "state" / "staging.json").unlink()
    stdout, _ = cli(project, "plan", "--detailed-exitcode")
    assert "No changes." in stdout
    result = cli_json(project, "sync")
    assert result["requests"]["writes"] == 0
    assert state(project, "staging") == before
    assert len(remote_list(emulator_url, "/v1/convai/agents", "agents")) == 1
    assert len(remote_list(emulator_url, "/v1/convai/tools", "tools")) == 1


BROKEN_AGENT = """\
name: Broken Bot
conversation_config:
  agent:
    prompt:
      prompt: Hi.
      tool_ids: [tool_that_does_not_exist]
"""


def test_one_failing_resource_does_not_stop_the_others(tmp_path: Path, emulator_url: str) -> None:
    from tests.support.samples import AGENT

    project = sample_project(tmp_path / "proj", emulator_url, agents={"bot": AGENT, "broken": BROKEN_AGENT})
    stdout, _stderr = cli(project, "sync", expect=1)
    assert "Sync staging: 3 created, 0 updated, 0 deleted, 1 failed." in stdout
    # Valid by the schema (validation runs first and would stop a wrong type), refused by the server.
    failure = next(line for line in stdout.splitlines() if line.startswith("  ✗ agent broken:"))
    assert "tool_that_does_not_exist" in failure
    assert set(state(project, "staging")["agents"]) == {"bot"}
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "Plan: 1 to create, 0 to update, 0 to delete." in stdout


def transfer_agent(name: str, target: str, first_message: str = "Hello!") -> str:
    return f"""\
name: {name}
conversation_config:
  agent:
    first_message: {first_message}
    prompt:
      prompt: You route callers.
      built_in_tools:
        transfer_to_agent:
          name: transfer_to_agent
          description: ""
          params:
            system_tool_type: transfer_to_agent
            transfers:
              - agent_id: "@agent:{target}"
                condition: The caller asks for {target}.
"""


def test_agents_that_transfer_to_each_other(tmp_path: Path, emulator_url: str) -> None:
    agents = {"front": transfer_agent("Front", "back"), "back": transfer_agent("Back", "front")}
    project = sample_project(tmp_path / "proj", emulator_url, agents=agents)
    result = cli_json(project, "sync")
    assert sorted((r["name"], r["result"]) for r in result["results"] if r["kind"] == "agent") == [
        ("back", "created"),
        ("front", "created"),
    ]
    ids = {name: entry["id"] for name, entry in state(project, "staging")["agents"].items()}
    for name, target in (("front", "back"), ("back", "front")):
        remote = remote_get(emulator_url, f"/v1/convai/agents/{ids[name]}").json()
        transfers = remote["conversation_config"]["agent"]["prompt"]["built_in_tools"]["transfer_to_agent"]
        assert transfers["params"]["transfers"][0]["agent_id"] == ids[target]
    assert len(remote_list(emulator_url, "/v1/convai/agents", "agents")) == 2
    cli(project, "plan", "--detailed-exitcode")
    # Both change at once: existing ids need no ordering, so no cycle to break.
    for name, target in (("front", "back"), ("back", "front")):
        (project / "agents" / f"{name}.yaml").write_text(transfer_agent(name.title(), target, "Hi again!"))
    result = cli_json(project, "sync")
    assert sorted(r["result"] for r in result["results"]) == ["updated", "updated"]
    cli(project, "plan", "--detailed-exitcode")


def test_tool_and_test_updates(project: Path, emulator_url: str) -> None:
    cli(project, "sync")
    tool, test = project / "tools" / "lookup.yaml", project / "tests" / "greets.yaml"
    tool.write_text(tool.read_text().replace("Look up an order by its number.", "Find an order."))
    test.write_text(test.read_text().replace("The agent greets the user.", "The agent says hello."))
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert 'tool_config.description: "Look up an order by its number." → "Find an order."' in stdout
    assert 'success_condition: "The agent greets the user." → "The agent says hello."' in stdout
    result = cli_json(project, "sync")
    # The agent's GET echoes its tools (the deprecated ``prompt.tools``), so when it is read after the
    # tool's PATCH its answer's bytes differ from the recorded digest: a state-only "recorded" row, no write.
    written = [(r["kind"], r["result"]) for r in result["results"] if r["result"] != "recorded"]
    assert sorted(written) == [("test", "updated"), ("tool", "updated")]
    assert {r["kind"] for r in result["results"] if r["result"] == "recorded"} <= {"agent"}
    ids = state(project, "staging")
    remote_test = remote_get(emulator_url, f"/v1/convai/agent-testing/{ids['tests']['greets']['id']}").json()
    assert remote_test["success_condition"] == "The agent says hello."
    cli(project, "plan", "--detailed-exitcode")


def test_rotated_secret_is_an_update_shown_as_sensitive(project: Path, emulator_url: str) -> None:
    cli(project, "sync")
    rotated = {**KEYS, "E2E_ORDERS_TOKEN": "rotated-s3cret-77"}
    result = run_cli(["plan", "--detailed-exitcode"], cwd=project, expect=2, env=rotated)
    assert (
        'tool_config.api_schema.request_headers.Authorization: "(sensitive)" → "(sensitive)"' in result.stdout
    )
    assert "rotated-s3cret-77" not in result.stdout + result.stderr and SECRET not in result.stdout
    result = run_cli(["sync", "--json"], cwd=project, env=rotated)
    assert "rotated-s3cret-77" not in result.stdout + result.stderr
    for path in project.rglob("*"):
        if path.is_file():
            assert b"rotated-s3cret-77" not in path.read_bytes(), path
    tool_id = state(project, "staging")["tools"]["lookup"]["id"]
    headers = remote_get(emulator_url, f"/v1/convai/tools/{tool_id}").json()["tool_config"]["api_schema"]
    assert headers["request_headers"]["Authorization"] == "Bearer rotated-s3cret-77"


def test_ctrl_c_during_sync_exits_130_and_says_rerunning_is_safe(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    from agents_cli.emulator.faults import FaultSettings

    root = sample_project(tmp_path / "p", served_emulator.url)
    # The emulator holds the agent's create until the client gives up: Ctrl-C lands while it is in flight.
    held = FaultSettings().with_route(
        "POST /v1/convai/agents/create", fault_rate=1, kinds=("slow",), slow_s=600
    )
    served_emulator.configure(faults=held)
    process = start_process(["-C", str(root), "sync", "--yes"], env=KEYS)
    try:
        wait_until(lambda: served_emulator.requests_faulted("slow") == 1, "the agent's create")
        process.send_signal(signal.SIGINT)
        _stdout, stderr = process.communicate(timeout=EVENT_DEADLINE_S)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "error: interrupted" in stderr
    assert "run the same 'agents sync' again to finish (nothing is created twice)" in stderr
    served_emulator.configure(faults=FaultSettings())
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    plan = json.loads(run_cli(["plan", "--json"], cwd=root, env=KEYS).stdout)
    assert plan["has_changes"] is False


def test_local_environment_syncs_in_process_and_persists(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "proj", "http://127.0.0.1:9")  # staging/prod unused here
    manifest = json.loads((project / "agents.json").read_text())
    manifest["environments"]["local"] = {"emulator": True}
    (project / "agents.json").write_text(json.dumps(manifest))

    first = run_cli(["plan", "--env", "local", "--detailed-exitcode"], cwd=project, expect=2, env=KEYS)
    assert "Plan: 3 to create, 0 to update, 0 to delete." in first.stdout
    run_cli(["sync", "--env", "local"], cwd=project, env=KEYS)
    assert (project / ".agents" / "emulator.db").is_file()
    assert set(json.loads((project / "state" / "local.json").read_text())["agents"]) == {"bot"}
    # A new process-level client reads the same database: nothing left to do.
    again = run_cli(["plan", "--env", "local", "--detailed-exitcode"], cwd=project, env=KEYS)
    assert "No changes." in again.stdout
