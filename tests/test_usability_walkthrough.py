"""Problems a demanding user hit walking through the CLI, each pinned by a test that failed before the fix."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from tests.support.cli import init_project, run_cli
from tests.support.emulator import ServedEmulator, remote_delete
from tests.support.project import attach_tests, edit_manifest, state


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_failure_rationale_names_the_local_tool_not_its_remote_id(tmp_path: Path) -> None:
    root = init_project(tmp_path)
    run_cli(["add", "tool", "lookup-order", "--template", "webhook"], cwd=root)
    run_cli(["add", "test", "finds order", "--template", "tool"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "finds-order")
    report_file = root / "report.json"
    failed = run_cli(["test", "support", "--json", str(report_file)], cwd=root, expect=1)
    assert "tool 'lookup-order' is not attached" in failed.stdout
    assert "tool_ids or" in failed.stdout and "tool 'tool_" not in failed.stdout
    [result] = json.loads(report_file.read_text(encoding="utf-8"))["results"]
    assert "'lookup-order'" in result["rationale"]["summary"]


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


def test_rationale_keeps_request_paths_but_names_quoted_ids() -> None:
    from agents_cli.testing.model import CaseResult, name_remote_ids

    result = CaseResult(
        agent="bot",
        name="t",
        kind="test",
        type="tool",
        repetition=1,
        repeat=1,
        status="failed",
        duration_s=0.1,
        rationale_summary="POST /v1/convai/agents/agent_1/run-tests: tool 'tool_2' is not attached",
        rationale_messages=["FAIL: tool 'tool_2' (not 'tool_22')"],
    )
    name_remote_ids([result], {"agent_1": "bot", "tool_2": "lookup-order"})
    assert (
        result.rationale_summary
        == "POST /v1/convai/agents/agent_1/run-tests: tool 'lookup-order' is not attached"
    )
    assert result.rationale_messages == ["FAIL: tool 'lookup-order' (not 'tool_22')"]


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


def test_agent_test_reports_to_stdout_with_a_dash(tmp_path: Path) -> None:
    # Before: '--json -' wrote a file named '-' (mode 0600) and the table went to stdout.
    root = init_project(tmp_path)
    run_cli(["add", "test", "delivery", "--template", "simulation"], cwd=root)
    run_cli(["add", "agent", "support", "--template", "customer-service"], cwd=root)
    attach_tests(root / "agents" / "support.yaml", "delivery")
    as_json = run_cli(["test", "--json", "-"], cwd=root)
    assert json.loads(as_json.stdout)["summary"]["passed"] == 1
    assert "1 passed of 1 run(s)" in as_json.stderr
    assert not (root / "-").exists()
    as_junit = run_cli(["test", "--junit", "-"], cwd=root)
    assert as_junit.stdout.startswith("<?xml") and 'tests="1"' in as_junit.stdout
    both = run_cli(["test", "--junit", "-", "--json", "-"], cwd=root, expect=1)
    assert "cannot both write to stdout" in both.stderr
    report = root / "reports" / "tests.json"
    run_cli(["test", "--json", str(report)], cwd=root)
    umask = os.umask(0)
    os.umask(umask)
    assert report.stat().st_mode & 0o777 == 0o666 & ~umask  # the mode any new file gets, not mkstemp's 0600


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


def test_a_turn_with_only_a_tool_result_shows_the_result() -> None:
    # Before: '--show-transcript' printed an empty "agent:" line where the mocked tool answered.
    from agents_cli.testing.scenarios import transcript_turns

    turns = transcript_turns(
        [
            {"role": "agent", "message": None, "tool_calls": [{"tool_name": "lookup_order"}]},
            {
                "role": "agent",
                "message": None,
                "tool_results": [{"tool_name": "lookup_order", "result_value": '{"eta": "tomorrow"}'}],
            },
            {"role": "agent", "message": None, "tool_results": [{"tool_name": "x", "is_error": True}]},
        ]
    )
    assert [turn.message for turn in turns] == [
        "",
        '[lookup_order returned: {"eta": "tomorrow"}]',
        "[x returned (error): ]",
    ]
    assert turns[0].tool_calls == ["lookup_order"]


def test_editor_schemas_cover_scenarios_and_partial_overlays(tmp_path: Path) -> None:
    # Before: scenario files pointed their modeline at .agents/schemas/scenario.schema.json, which was never
    # written; overlays pointed at the full schema, so editors flagged each overlay for missing required keys.
    import jsonschema

    root = init_project(tmp_path)
    run_cli(["add", "tool", "lookup", "--template", "webhook", "--env", "prod"], cwd=root)
    schemas = root / ".agents" / "schemas"
    assert (schemas / "scenario.schema.json").is_file()
    overlay_file = (root / "tools" / "lookup.prod.yaml").read_text(encoding="utf-8")
    assert overlay_file.startswith(
        "# yaml-language-server: $schema=../.agents/schemas/tool.overlay.schema.json\n"
    )

    def problems(name: str, document: dict[str, object]) -> list[str]:
        schema = json.loads((schemas / name).read_text(encoding="utf-8"))
        validator = jsonschema.validators.validator_for(schema)(schema)
        return [error.message for error in validator.iter_errors(document)]

    partial_agent = {"conversation_config": {"agent": {"prompt": {"temperature": 0.2}}}}
    assert problems("agent.schema.json", {"tags": ["prod"]})  # the full schema still requires its keys
    assert problems("agent.overlay.schema.json", {"tags": ["prod"]}) == []
    assert problems("agent.overlay.schema.json", partial_agent) == []
    typo = {"conversation_config": {"agent": {"prompt": {"temprature": 0.2}}}}
    assert "'temprature' was unexpected" in problems("agent.overlay.schema.json", typo)[0]
    # The tool type still picks its branch: a partial webhook is fine, an unknown key is not.
    assert problems("tool.overlay.schema.json", {"type": "webhook", "api_schema": {"method": "POST"}}) == []
    assert problems("tool.overlay.schema.json", {"type": "webhook", "bogus": 1})
    assert problems("test.overlay.schema.json", {"success_condition": "The agent greets."}) == []
