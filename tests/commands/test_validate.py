"""``agents validate`` end to end, in-process: every problem with the right file, line, path and exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO_ROOT
from tests.support.cli import init_project, run_cli
from tests.support.project import write_file, write_project

AGENT_YAML = """\
name: Bot
conversation_config:
  agent:
    first_message: Hello
    prompt:
      prompt: You help.
      temperature: 0.5
"""


ENVIRONMENTS = {"local": {"emulator": True}, "dev": {}, "prod": {"residency": "eu-residency"}}


def make_project(root: Path, agents: dict[str, dict[str, Any]] | None = None, **sections: Any) -> Path:
    """The manifest only, its entries as given (the files they name are written by each test)."""
    entries = {"agents": agents if agents is not None else {"bot": {"config": "agents/bot.yaml"}}, **sections}
    return write_project(root, environments=ENVIRONMENTS, default_environment="local", manifest=entries)


def problems(root: Path, *args: str, expect: int) -> list[dict[str, Any]]:
    result = run_cli(["validate", "--json", *args], cwd=root, expect=expect)
    payload = json.loads(result.stdout)
    assert payload["valid"] is (expect == 0)
    found: list[dict[str, Any]] = payload["problems"]
    return found


def test_clean_project_passes(tmp_path: Path) -> None:
    make_project(tmp_path)
    write_file(tmp_path, "agents/bot.yaml", AGENT_YAML)
    result = run_cli(["validate"], cwd=tmp_path)
    assert result.stdout == "no problems in 2 files\n"
    assert (tmp_path / ".agents/schemas/agent.schema.json").is_file()


def test_yaml_typo_at_depth_four_reports_file_line_and_suggestion(tmp_path: Path) -> None:
    make_project(tmp_path)
    write_file(tmp_path, "agents/bot.yaml", AGENT_YAML.replace("temperature", "temprature"))
    result = run_cli(["validate"], cwd=tmp_path, expect=1)
    assert result.stdout.splitlines() == [
        "agents/bot.yaml:7:7: conversation_config.agent.prompt.temprature: "
        "unknown key 'temprature' (did you mean 'temperature'?)",
        "1 error, 0 warnings in 2 files",
    ]
    assert "error: validation failed" in result.stderr


def test_json_typo_reports_json_line(tmp_path: Path) -> None:
    make_project(tmp_path, agents={"bot": {"config": "agents/bot.json"}})
    body = {
        "$schema": "../.agents/schemas/agent.schema.json",
        "conversation_config": {"agent": {"prompt": {"prompt": "x", "temprature": 0.2}}},
    }
    write_file(tmp_path, "agents/bot.json", json.dumps(body, indent=2))
    [problem] = problems(tmp_path, expect=1)
    assert problem["file"] == "agents/bot.json"
    assert (problem["line"], problem["column"]) == (7, 9)
    assert problem["path"] == "conversation_config.agent.prompt.temprature"
    assert "did you mean 'temperature'" in problem["message"]


def test_error_inside_overlay_points_at_the_overlay(tmp_path: Path) -> None:
    make_project(
        tmp_path, agents={"bot": {"config": "agents/bot.yaml", "overlays": {"prod": "agents/bot.prod.yaml"}}}
    )
    write_file(tmp_path, "agents/bot.yaml", AGENT_YAML)
    write_file(
        tmp_path,
        "agents/bot.prod.yaml",
        "# prod\nconversation_config:\n  agent:\n    prompt:\n      temperature: hot\n",
    )
    [problem] = problems(tmp_path, expect=1)
    assert (problem["file"], problem["line"], problem["column"]) == ("agents/bot.prod.yaml", 5, 7)
    assert problem["environment"] == "prod"
    assert "expected number" in problem["message"]
    # --env dev does not apply the prod overlay: clean.
    assert problems(tmp_path, "--env", "dev", expect=0) == []


def test_wrong_type_bad_discriminator_and_missing_key_have_precise_paths(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        tools={"hook": {"config": "tools/hook.yaml"}},
        tests={"t": {"config": "tests/t.yaml"}},
    )
    write_file(tmp_path, "agents/bot.yaml", AGENT_YAML.replace("temperature: 0.5", "temperature: [1]"))
    write_file(tmp_path, "tools/hook.yaml", "type: webhok\nname: hook\ndescription: d\n")
    write_file(
        tmp_path, "tests/t.yaml", "type: llm\nname: t\nchat_history:\n  - role: user\n    message: hi\n"
    )
    found = {(p["file"], p["path"]): p for p in problems(tmp_path, expect=1)}
    wrong_type = found[("agents/bot.yaml", "conversation_config.agent.prompt.temperature")]
    assert wrong_type["line"] == 7 and "expected number" in wrong_type["message"]
    discriminator = found[("tools/hook.yaml", "type")]
    assert discriminator["line"] == 1 and "did you mean 'webhook'" in discriminator["message"]
    missing = found[("tests/t.yaml", "chat_history[0]")]
    assert missing["line"] == 4 and "time_in_call_secs" in missing["message"]


def test_unknown_llm_is_a_warning_unless_strict(tmp_path: Path) -> None:
    make_project(tmp_path)
    write_file(tmp_path, "agents/bot.yaml", AGENT_YAML + "      llm: brand-new-llm-9000\n")
    result = run_cli(["validate"], cwd=tmp_path, expect=0)
    assert "agents/bot.yaml:8:7: warning: conversation_config.agent.prompt.llm:" in result.stdout
    assert result.stdout.endswith("0 errors, 1 warning in 2 files\n")
    [problem] = problems(tmp_path, "--strict", expect=1)
    assert problem["severity"] == "error"


def test_yes_on_and_dates_stay_strings(tmp_path: Path) -> None:
    make_project(tmp_path)
    # Strings in string slots: valid. PyYAML's defaults would have made a bool and a date (type errors).
    write_file(
        tmp_path,
        "agents/bot.yaml",
        AGENT_YAML.replace("first_message: Hello", "first_message: yes") + "tags:\n  - on\n  - 2024-01-31\n",
    )
    assert problems(tmp_path, expect=0) == []


def test_unknown_and_wrong_kind_references(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        tools={"lookup-order": {"config": "tools/lookup.yaml"}},
        tests={"greets": {"config": "tests/greets.yaml"}},
    )
    write_file(
        tmp_path, "tools/lookup.yaml", (REPO_ROOT / "templates/tools/client.yaml").read_text(encoding="utf-8")
    )
    write_file(
        tmp_path, "tests/greets.yaml", (REPO_ROOT / "templates/tests/llm.yaml").read_text(encoding="utf-8")
    )
    write_file(
        tmp_path,
        "agents/bot.yaml",
        AGENT_YAML
        + '      tool_ids: ["@tool:lookup-ordr", "@test:greets"]\n'
        + 'platform_settings:\n  testing:\n    attached_tests:\n      - test_id: "@test:greets"\n',
    )
    found = problems(tmp_path, expect=1)
    assert [(p["line"], p["path"], p["message"]) for p in found] == [
        (
            8,
            "conversation_config.agent.prompt.tool_ids[0]",
            "unknown tool 'lookup-ordr' (did you mean 'lookup-order'?) (not in agents.json 'tools')",
        ),
        (
            8,
            "conversation_config.agent.prompt.tool_ids[1]",
            "expected a @tool: reference here, got @test:greets",
        ),
    ]


def test_manifest_problems_overlay_env_missing_files_and_shared_files(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        agents={
            "bot": {"config": "agents/bot.yaml", "overlays": {"staging": "agents/bot.staging.yaml"}},
            "twin": {"config": "agents/bot.yaml"},
            "ghost": {"config": "agents/ghost.yaml"},
            "Bad Name": {"config": "agents/bad.yaml"},
        },
    )
    write_file(tmp_path, "agents/bot.yaml", AGENT_YAML)
    write_file(tmp_path, "agents/bot.staging.yaml", "{}\n")
    write_file(tmp_path, "agents/bad.yaml", AGENT_YAML)
    messages = [(p["file"], p["message"]) for p in problems(tmp_path, expect=1)]
    assert (
        "agents.json",
        "overlay for undefined environment 'staging' (known: dev, local, prod)",
    ) in messages
    assert ("agents.json", "agent 'twin' uses the same file as agent 'bot': agents/bot.yaml") in messages
    assert ("agents.json", "file not found: agents/ghost.yaml") in messages
    assert any("invalid name 'Bad Name'" in message for _, message in messages)


def test_manifest_duplicate_keys_are_reported_with_everything_else(tmp_path: Path) -> None:
    write_file(
        tmp_path,
        "agents.json",
        '{\n  "version": 1,\n  "agents": {\n    "bot": {"config": "agents/bot.yaml"},\n'
        '    "bot": {"config": "agents/other.yaml"}\n  }\n}\n',
    )
    found = problems(tmp_path, expect=1)
    assert found[0] == {
        "file": "agents.json",
        "line": 5,
        "column": 5,
        "path": "",
        "message": "duplicate key 'bot' (first at line 4)",
        "severity": "error",
        "environment": None,
    }
    assert any(p["message"] == "file not found: agents/other.yaml" for p in found)


def test_syntax_error_and_unknown_environment(tmp_path: Path) -> None:
    make_project(tmp_path)
    write_file(tmp_path, "agents/bot.yaml", "name: [unclosed\n")
    result = run_cli(["validate"], cwd=tmp_path, expect=1)
    assert result.stdout.startswith("agents/bot.yaml:2:1: invalid YAML:")
    unknown = run_cli(["validate", "--env", "qa"], cwd=tmp_path, expect=1)
    assert "unknown environment 'qa' (known: dev, local, prod)" in unknown.stderr


def test_outside_a_project(tmp_path: Path) -> None:
    result = run_cli(["validate"], cwd=tmp_path, expect=1)
    assert "no agents.json found" in result.stderr
    assert "agents init" in result.stderr


def test_repo_example_project_is_valid() -> None:
    result = run_cli(["validate", "--json"], cwd=REPO_ROOT)
    payload = json.loads(result.stdout)
    assert payload["valid"] is True and payload["warnings"] == 0
    assert payload["files"] >= 7  # manifest, 2 agents, 1 overlay, 1 tool, tests
    assert {use["name"] for use in payload["placeholders"]} == {"ORDERS_API_TOKEN"}


@pytest.mark.parametrize("kind", ["agents", "tools", "tests"])
def test_every_template_is_schema_valid_without_warnings(kind: str) -> None:
    from agents_cli.project.loader import load_file
    from agents_cli.spec.schema_check import check

    singular = {"agents": "agent", "tools": "tool", "tests": "test"}[kind]
    templates = sorted((REPO_ROOT / "templates" / kind).glob("*.yaml"))
    assert templates
    for template in templates:
        issues = check(singular, load_file(template).data, strict=True)  # type: ignore[arg-type]
        assert issues == [], f"{template.name}: {issues}"


def test_reference_typo_in_a_reference_slot_is_an_error(tmp_path: Path) -> None:
    root = init_project(tmp_path)
    run_cli(["add", "agent", "bot"], cwd=root)
    config = root / "agents" / "bot.yaml"
    config.write_text(
        "name: bot\nconversation_config:\n  agent:\n    prompt:\n      prompt: hi\n"
        "      tool_ids: ['@tol:lookup']\n",
        encoding="utf-8",
    )
    report = json.loads(run_cli(["validate", "--json"], cwd=root, expect=1).stdout)
    [problem] = report["problems"]
    assert problem["path"] == "conversation_config.agent.prompt.tool_ids[0]"
    assert (problem["line"], problem["column"]) == (6, 18)
    assert "'@tol:lookup' is not a valid reference" in problem["message"]


def test_a_local_name_without_its_reference_prefix_is_an_error_in_every_reference_slot(
    tmp_path: Path,
) -> None:
    # `tool_ids: [lookup-order]` (the prefix forgotten) passed validate and plan, and sync failed with a bare
    # 400 from the API.
    agent = (
        "name: Bot\nconversation_config:\n  agent:\n    prompt:\n      prompt: hi\n"
        "      tool_ids: [lookup-order, tool_9f2e0c]\n"
        "platform_settings:\n  testing:\n    attached_tests:\n      - test_id: greets\n"
    )
    test = (
        "type: tool\nname: Calls lookup\nchat_history: [{role: user, message: Hi, time_in_call_secs: 0}]\n"
        "tool_call_parameters:\n  referenced_tool: {id: lookup-order, type: webhook}\n  parameters: []\n"
    )
    root = write_project(
        tmp_path,
        environments=ENVIRONMENTS,
        default_environment="local",
        agents={"bot": agent},
        tools={
            "lookup-order": "type: webhook\nname: lookup_order\ndescription: d\napi_schema: {url: 'https://x.example/a'}\n"
        },
        tests={"greets": test},
    )
    found = [(p["path"], p["message"]) for p in problems(root, expect=1) if "did you mean" in p["message"]]
    assert found == [
        (
            "conversation_config.agent.prompt.tool_ids[0]",
            "'lookup-order' is a local tool name; did you mean '@tool:lookup-order'?",
        ),
        (
            "platform_settings.testing.attached_tests[0].test_id",
            "'greets' is a local test name; did you mean '@test:greets'?",
        ),
        (
            "tool_call_parameters.referenced_tool.id",
            "'lookup-order' is a local tool name; did you mean '@tool:lookup-order'?",
        ),
    ]


def test_two_tools_with_one_api_name_are_reported_offline(tmp_path: Path) -> None:
    # pull wrote `show_card` and `show_card-2` for two remote tools of one name; validate said "no problems"
    # and plan then refused ("both have the name").
    tool = "type: client\nname: show_card\ndescription: Show a card.\n"
    root = write_project(
        tmp_path,
        environments=ENVIRONMENTS,
        default_environment="local",
        tools={"show-card": tool, "show-card-2": tool},
    )
    [problem] = problems(root, expect=1)
    assert problem["file"] == "tools/show-card-2.yaml" and (problem["line"], problem["path"]) == (2, "name")
    assert problem["message"].startswith("tools 'show-card' and 'show-card-2' both have the name 'show_card'")
    assert problem["environment"] is None  # in every environment


def test_a_misspelt_discriminator_key_is_named(tmp_path: Path) -> None:
    # `system_tool_typ` was reported only as a missing `system_tool_type`.
    agent = (
        "name: Bot\nconversation_config:\n  agent:\n    prompt:\n      built_in_tools:\n        end_call:\n"
        "          name: end_call\n          description: ''\n          params:\n"
        "            system_tool_typ: end_call\n"
    )
    root = write_project(
        tmp_path, environments=ENVIRONMENTS, default_environment="local", agents={"bot": agent}
    )
    messages = [p["message"] for p in problems(root, expect=1)]
    assert any(
        message.startswith(
            "missing required key 'system_tool_type' ('system_tool_typ' is written instead: a typo of "
            "'system_tool_type'?)"
        )
        for message in messages
    ), messages
