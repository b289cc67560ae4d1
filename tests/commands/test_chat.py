"""agents chat --script over a real WebSocket to the served emulator, then the conversation it recorded:
listed, turned into a test, and that test run by agents test."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.emulator import ServedEmulator
from tests.support.project import write_file, write_project
from tests.support.samples import KEYS, cli, staging_and_prod

TOOL = """\
type: client
name: lookup_order
description: Look up an order by its id.
expects_response: true
parameters:
  type: object
  required: [order_id]
  properties:
    order_id:
      type: string
      description: The order id.
"""
AGENT = """\
name: Orders Bot
conversation_config:
  agent:
    first_message: Hello, I am the orders bot.
    prompt:
      prompt: Refunds take five days. You help customers with their orders.
      tool_ids: ["@tool:lookup"]
      built_in_tools:
        end_call:
          name: end_call
          description: ''
          params:
            system_tool_type: end_call
"""
SCRIPT = """\
turns:
  - user: How long do refunds take?
    expect:
      reply_contains: five days
      no_tool_called: true
  - context: The customer is a VIP.
  - user: Please lookup order, the order id is ORD-7
    expect:
      tool_called: {name: lookup_order, parameters: {order_id: ORD-7}}
      reply_contains: shipped
  - user: Can you help customers with orders?
    expect:
      reply_matches: "help customers"
  - user: Thanks, bye
    expect:
      ended: true
"""
MOCKS = 'lookup_order: {result: {"status": "shipped"}}\n'


def _project(root: Path, url: str) -> Path:
    project = write_project(
        root,
        environments=staging_and_prod(url),
        default_environment="staging",
        agents={"bot": AGENT},
        tools={"lookup": TOOL},
    )
    write_file(project, "chat/script.yaml", SCRIPT)
    write_file(project, "chat/mocks.yaml", MOCKS)
    cli(project, "sync", "--yes")
    return project


def test_a_script_passes_fails_naming_the_turn_and_becomes_a_test(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    out, err = cli(project, "chat", "bot", "--script", "chat/script.yaml", "--mock-tools", "chat/mocks.yaml")
    assert "agent: Hello, I am the orders bot." in out
    assert "[tool lookup_order" in out and "script passed: 4 turn(s)" in out + err
    transcripts = list((project / ".agents" / "conversations").glob("*.json"))
    assert len(transcripts) == 1
    saved = json.loads(transcripts[0].read_text())
    assert [t["role"] for t in saved["transcript"]].count("context") == 1

    changed = SCRIPT.replace('reply_matches: "help customers"', 'reply_matches: "weather"')
    write_file(project, "chat/changed.yaml", changed)
    out, err = cli(
        project, "chat", "bot", "--script", "chat/changed.yaml", "--mock-tools", "chat/mocks.yaml", expect=1
    )
    assert "turn 3" in err and "weather" in err

    listed = json.loads(cli(project, "--format", "json", "conversations", "list", "--agent", "bot")[0])
    ids = [item["conversation_id"] for item in listed["conversations"]]
    assert saved["conversation_id"] in ids and len(ids) == 2
    first = json.loads(cli(project, "--format", "json", "conversations", "list", "--limit", "1")[0])
    more = ["conversations", "list", "--limit", "1", "--cursor", first["next_cursor"]]
    second = json.loads(cli(project, "--format", "json", *more)[0])
    assert [c["conversation_id"] for c in first["conversations"] + second["conversations"]] == ids

    cli(
        project,
        "add",
        "test",
        "refunds",
        "--from-conversation",
        saved["conversation_id"],
        "--until-turn",
        "1",
    )
    assert "@test:refunds" in (project / "agents" / "bot.yaml").read_text()
    cli(
        project, "add", "test", "lookup", "--from-conversation", saved["conversation_id"], "--until-turn", "2"
    )
    assert "type: tool" in (project / "tests" / "lookup.yaml").read_text()
    out, _ = cli(project, "test", "bot")
    assert "refunds" in out and "lookup" in out


def test_a_client_tool_without_a_mock_stops_a_script(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    _, err = cli(project, "chat", "bot", "--script", "chat/script.yaml", expect=1)
    assert "lookup_order" in err and "--mock-tools" in err
    assert KEYS["E2E_ORDERS_TOKEN"] not in err


def test_an_interactive_chat_asks_for_client_tool_results(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    from tests.support.cli import run_cli

    project = _project(tmp_path / "proj", served_emulator.url)
    lines = [
        "How long do refunds take?",
        "/context The customer is a VIP.",
        "Please lookup order, order id is 9",
    ]
    typed = "\n".join([*lines, "lost", ""])  # "lost": the client tool's result, asked for
    result = run_cli(["chat", "bot"], cwd=project, env=KEYS, input=typed)  # then end of input: a clean end
    assert "agent: Refunds take five days." in result.stdout
    assert "client tool lookup_order" in result.stdout and "agent: lost" in result.stdout
    saved = json.loads(next((project / ".agents" / "conversations").glob("*.json")).read_text())
    assert [turn["role"] for turn in saved["transcript"]] == [
        "agent",
        "user",
        "agent",
        "context",
        "user",
        "agent",
    ]


def test_a_private_agent_is_reached_through_a_signed_url(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    private = AGENT + "platform_settings:\n  auth:\n    enable_auth: true\n"
    environments = staging_and_prod(served_emulator.url)
    environments["staging"]["server_environment"] = "staging"
    project = write_project(
        tmp_path / "proj",
        environments=environments,
        default_environment="staging",
        agents={"bot": private},
        tools={"lookup": TOOL},
    )
    write_file(
        project,
        "chat/one.yaml",
        "turns:\n  - user: How long do refunds take?\n    expect:\n      reply_contains: five\n",
    )
    cli(project, "sync", "--yes")
    out, err = cli(project, "chat", "bot", "--script", "chat/one.yaml")
    assert "script passed: 1 turn(s)" in out + err
    assert "conversation_signature" not in out + err
    signed = [e for e in served_emulator.exchanges if e.path == "/v1/convai/conversation/get-signed-url"]
    # The environment's server environment goes with it (the conversation resolves variables with it).
    assert signed and "environment=staging" in signed[-1].query


def test_with_json_output_the_result_is_the_only_thing_on_stdout(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    out, err = cli(
        project,
        "--format",
        "json",
        "chat",
        "bot",
        "--script",
        "chat/script.yaml",
        "--mock-tools",
        "chat/mocks.yaml",
    )
    result = json.loads(out)
    assert result["passed"] is True and result["turns"] == 4 and result["failures"] == []
    assert "you (1): How long do refunds take?" in err
