"""`agents test` end to end: the CLI in-process, the emulator served on loopback HTTP.

The emulator's evaluation is deterministic (docs/emulator-evaluation.md): a quoted phrase in a success
condition must appear in what the agent says or is configured to say; a tool test checks the tool the scripted
agent would call from the attached ``tool_ids``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from agents_cli.bundled import schemas_dir
from agents_cli.emulator.server import RunningEmulator, running_emulator
from agents_cli.emulator.settings import EmulatorSettings
from tests.support.cli import run_cli
from tests.support.project import state, write_project

KEY_ENV = {"AGENTS_TEST_E2E_KEY": "sk_e2e"}

AGENT = """\
name: Shop Bot
conversation_config:
  agent:
    first_message: Hello! How can I help you today?
    language: en
    prompt:
      prompt: |
        You help customers of a small shop.
        Ask for the order number when the question is about an order.
      tool_ids: {tool_ids}
platform_settings:
  testing:
    attached_tests: {attached}
"""

TESTS = {
    "greets": """\
type: llm
name: Greets the user
chat_history:
  - {role: user, message: Hi there!, time_in_call_secs: 0}
success_condition: The agent offers 'help'.
""",
    "refunds": """\
type: llm
name: Offers refunds
chat_history:
  - {role: user, message: My blender broke., time_in_call_secs: 0}
success_condition: The agent offers a 'refund voucher'.
""",
    "vague": """\
type: llm
name: Vague
chat_history:
  - {role: user, message: Hi, time_in_call_secs: 0}
success_condition: The agent is nice.
""",
    "calls-lookup": """\
type: tool
name: Calls lookup
chat_history:
  - {role: user, message: Where is my parcel? The order number is 12345., time_in_call_secs: 0}
tool_call_parameters:
  referenced_tool: {id: "@tool:lookup", type: webhook}
  parameters:
    - path: order_number
      eval: {type: exact, expected_value: "12345"}
""",
    "simulated": """\
type: simulation
name: Simulated delivery question
simulation_scenario: You are a customer. You say "Where is my order?" and wait for an answer.
success_conditions:
  - The agent talks about the 'order number'.
simulation_max_turns: 3
""",
}

TOOL = """\
type: webhook
name: lookup_order
description: Look up an order by its number.
api_schema:
  url: https://orders.example.com/api/orders/{order_number}
  method: GET
  path_params_schema:
    order_number: {type: string, description: The order number.}
"""

SCENARIOS = {
    "asks-number": {
        "agents": ["bot"],
        "persona": "You are a customer with a late parcel.",
        "first_message": "Where is my order?",
        "evaluation_criteria": [
            {"id": "asks_number", "conversation_goal_prompt": "The agent asks for the 'order number'."}
        ],
        "turn_limit": 4,
    },
    "offers-voucher": {
        "agents": ["bot"],
        "persona": "You are an angry customer.",
        "first_message": "I want compensation.",
        "evaluation_criteria": [
            {"id": "voucher", "conversation_goal_prompt": "The agent offers a 'refund voucher'."}
        ],
    },
}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(EmulatorSettings()) as served:
        yield served


def shop_project(
    root: Path,
    url: str,
    *,
    attached: list[str],
    tool_ids: list[str] | None = None,
    scenarios: list[str] = (),  # type: ignore[assignment]
) -> Path:
    attached_json = json.dumps([{"test_id": f"@test:{name}"} for name in attached])
    tool_json = json.dumps([f"@tool:{name}" for name in tool_ids or []])
    return write_project(
        root,
        environments={"emu": {"api_key_env": "AGENTS_TEST_E2E_KEY", "base_url": url}},
        default_environment="emu",
        agents={"bot": AGENT.format(tool_ids=tool_json, attached=attached_json)},
        tools={"lookup": TOOL},
        tests=TESTS,
        scenarios={name: SCENARIOS[name] for name in scenarios},
    )


def agents(project: Path, *args: str, expect: int) -> tuple[str, str]:
    result = run_cli(list(args), cwd=project, expect=expect, env=KEY_ENV)
    return result.stdout, result.stderr


def report_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((schemas_dir() / "test-report.schema.json").read_text())
    return loaded


def test_passing_and_failing_llm_tests_print_rationale_and_write_reports(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=["greets", "refunds"])
    junit, report = tmp_path / "out" / "junit.xml", tmp_path / "out" / "report.json"
    stdout, stderr = agents(project, "test", "--junit", str(junit), "--json", str(report), expect=1)

    assert "created placeholder agent" in stderr
    rows = {line.split()[1]: line.split() for line in stdout.splitlines() if line.startswith("bot ")}
    assert rows["greets"][2:4] == ["llm", "passed"]
    assert rows["refunds"][2:4] == ["llm", "FAILED"]
    assert "FAILED  bot / refunds (llm)" in stdout
    assert "rationale: " in stdout and "'refund voucher'" in stdout
    assert "user: My blender broke." in stdout  # the relevant turns of the failure
    assert "1 passed, 1 failed of 2 run(s)" in stdout

    xml = JUnitXml.fromfile(str(junit))
    suite = next(iter(xml))
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("bot", 2, 1, 0)
    failed = next(case for case in suite if case.name == "refunds")
    assert isinstance(failed.result[0], Failure)
    assert "'refund voucher'" in (failed.result[0].message or "")

    data = json.loads(report.read_text())
    jsonschema.validate(data, report_schema())
    assert data["summary"]["passed"] == 1 and data["summary"]["failed"] == 1
    assert data["against"] == "local" and data["environment"] == "emu"

    # Test definitions are synced once: a second run changes nothing remotely.
    before = state(project, "emu")["tests"]
    _, stderr = agents(project, "test", "--test", "greets", expect=0)
    assert "sync:" not in stderr and "placeholder" not in stderr
    assert state(project, "emu")["tests"] == before


def test_tool_test_passes_only_after_the_tool_is_attached_locally(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=["calls-lookup"])
    stdout, _ = agents(project, "test", expect=1)
    assert "FAILED  bot / calls-lookup (tool)" in stdout

    shop_project(project, emulator.url, attached=["calls-lookup"], tool_ids=["lookup"])
    stdout, _ = agents(project, "test", expect=0)
    assert "1 passed of 1 run(s)" in stdout

    # The pass came from the local config sent as agent_config_override: the remote agent is untouched.
    saved = state(project, "emu")
    assert "fingerprint" not in saved["agents"]["bot"]  # a placeholder, never synced
    remote = httpx.get(
        f"{emulator.url}/v1/convai/agents/{saved['agents']['bot']['id']}", headers={"xi-api-key": "k"}
    ).json()
    assert not remote["conversation_config"]["agent"]["prompt"].get("tool_ids")
    # The placeholder is not a deployment: --against deployed refuses it instead of testing an empty agent.
    _, stderr = agents(project, "test", "--against", "deployed", expect=1)
    assert "agent 'bot' is not deployed" in stderr and "placeholder" in stderr


def test_simulation_test_and_repeat_three(tmp_path: Path, emulator: RunningEmulator) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=["simulated"])
    junit = tmp_path / "junit.xml"
    stdout, _ = agents(project, "test", "--repeat", "3", "--junit", str(junit), expect=0)
    assert "3 passed of 3 run(s)" in stdout
    suite = next(iter(JUnitXml.fromfile(str(junit))))
    assert [case.name for case in suite] == ["simulated [1/3]", "simulated [2/3]", "simulated [3/3]"]
    assert (suite.tests, suite.failures) == (3, 0)
    assert "simulation" in stdout


def test_scenarios_run_through_simulate_conversation(tmp_path: Path, emulator: RunningEmulator) -> None:
    project = shop_project(
        tmp_path / "p", emulator.url, attached=[], scenarios=["asks-number", "offers-voucher"]
    )
    # Scenarios need the deployed agent: before a sync they are errors that say so.
    stdout, _ = agents(project, "test", expect=1)
    assert "is not deployed in 'emu'" in stdout
    agents(project, "sync", "--yes", expect=0)

    report = tmp_path / "report.json"
    stdout, stderr = agents(project, "test", "--json", str(report), expect=1)
    assert "note: scenarios run against the deployed agent" in stderr
    assert "FAILED  bot / offers-voucher (scenario)" in stdout
    assert "voucher:" in stdout and "'refund voucher'" in stdout
    data = json.loads(report.read_text())
    jsonschema.validate(data, report_schema())
    statuses = {r["name"]: (r["kind"], r["status"]) for r in data["results"]}
    assert statuses == {"asks-number": ("scenario", "passed"), "offers-voucher": ("scenario", "failed")}
    assert any(turn["role"] == "user" for turn in data["results"][0]["transcript"])

    stdout, _ = agents(project, "test", "--test", "asks-number", "--against", "deployed", expect=0)
    assert "1 passed of 1 run(s)" in stdout


def test_runs_still_pending_at_the_timeout_are_reported_as_timed_out(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=["greets", "refunds"])
    emulator.configure(completion_delay=3600.0)  # pending longer than any test runs: only --timeout ends it
    junit = tmp_path / "junit.xml"
    stdout, _ = agents(project, "test", "--timeout", "1", "--junit", str(junit), expect=1)
    assert stdout.count("TIMED OUT") >= 2
    assert "still pending after the 1s timeout" in stdout
    assert "2 timed out of 2 run(s)" in stdout
    suite = next(iter(JUnitXml.fromfile(str(junit))))
    assert suite.errors == 2 and all(isinstance(case.result[0], Error) for case in suite)


def test_empty_selection_is_an_error_not_a_pass(tmp_path: Path, emulator: RunningEmulator) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=[])
    _, stderr = agents(project, "test", expect=1)
    assert "error: no tests or scenarios selected for any agent in environment 'emu'" in stderr
    assert "attached_tests" in stderr
    _, stderr = agents(project, "test", "bot", "--test", "greets", expect=1)
    assert "no test or scenario named 'greets' attached to bot" in stderr


def test_against_deployed_needs_the_agent_deployed(tmp_path: Path, emulator: RunningEmulator) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=["greets"])
    _, stderr = agents(project, "test", "--against", "deployed", expect=1)
    assert "agent 'bot' is not deployed in environment 'emu'" in stderr
    assert "agents sync" in stderr
    stdout, stderr = agents(project, "test", "--against", "deployed", "--sync-agents", expect=0)
    assert "created agent bot" in stderr
    assert "1 passed of 1 run(s)" in stdout


def test_inconclusive_result_is_reported_as_unknown_and_fails_the_run(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    project = shop_project(tmp_path / "p", emulator.url, attached=["greets", "vague"])
    report = tmp_path / "report.json"
    stdout, _ = agents(project, "test", "--json", str(report), expect=1)
    assert "UNKNOWN  bot / vague (llm)" in stdout
    assert "Nothing in the success condition can be checked" in stdout
    assert "1 passed, 1 unknown of 2 run(s)" in stdout
    data = json.loads(report.read_text())
    assert [r["status"] for r in data["results"]] == ["passed", "unknown"]


def test_an_unknown_test_name_lists_only_agents_that_have_tests(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    # 'agents test --test nope' said the tests were "attached to bot, other" though other has none.
    project = shop_project(tmp_path / "p", emulator.url, attached=["greets"])
    manifest = json.loads((project / "agents.json").read_text())
    manifest["agents"]["other"] = {"config": "agents/other.yaml"}
    (project / "agents.json").write_text(json.dumps(manifest))
    (project / "agents" / "other.yaml").write_text("name: Other\n")
    _, stderr = agents(project, "test", "--test", "nope", expect=1)
    assert "no test or scenario named 'nope' attached to bot" in stderr
    assert "hint: attached to bot: greets" in stderr and "other" not in stderr
