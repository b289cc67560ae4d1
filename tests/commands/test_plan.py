"""``agents plan`` end to end over loopback HTTP against the served emulator: configs are validated before any
request (an error stops plan and sync, a warning does not), creates show new values in full and updates of
long strings as line diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.emulator import ServedEmulator
from tests.support.project import edit
from tests.support.samples import cli, cli_json


@pytest.fixture
def project(served_project: Path) -> Path:
    return served_project


@pytest.mark.parametrize("command", [["plan"], ["sync"], ["sync", "--dry-run"]])
def test_a_typod_key_stops_plan_and_sync_before_any_request(
    project: Path, served_emulator: ServedEmulator, command: list[str]
) -> None:
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temprature: 0.1")
    _stdout, stderr = cli(project, *command, expect=1)
    assert "agents/bot.yaml:10:" in stderr and "temprature" in stderr
    assert "1 error in the configs of environment 'staging'" in stderr
    assert "agents validate --env staging" in stderr
    assert served_emulator.exchanges == []
    assert not (project / "state" / "staging.json").exists()


def test_a_wrong_type_stops_sync_instead_of_a_422_and_warnings_do_not(
    project: Path, served_emulator: ServedEmulator
) -> None:
    config = project / "agents" / "bot.yaml"
    original = config.read_text()
    config.write_text("name: Support Bot\nconversation_config: x\n")
    _stdout, stderr = cli(project, "sync", expect=1)
    assert "agents/bot.yaml:2:" in stderr and "conversation_config" in stderr
    assert served_emulator.exchanges == []
    # A warning (an LLM id the catalog does not know) does not stop it.
    config.write_text(original.replace("temperature: 0.3", "temperature: 0.3\n      llm: my-new-llm-9"))
    stdout, _stderr = cli(project, "plan")
    assert "Plan: 3 to create" in stdout


def test_create_plans_show_long_prompts_in_full_and_updates_as_line_diffs(project: Path) -> None:
    lines = [
        f"Rule {number}: answer questions about order {number} politely and briefly." for number in range(8)
    ]
    prompt_block = "".join(f"        {line}\n" for line in lines)
    long_message = "Welcome! " * 30
    edit(
        project / "agents" / "bot.yaml",
        "        You help customers.\n        Be brief.\n",
        prompt_block,
    )
    edit(project / "agents" / "bot.yaml", "first_message: Hello!", f"first_message: {long_message.strip()}")
    stdout, _ = cli(project, "plan")
    assert "…" not in stdout
    expected = [
        "    conversation_config.agent.prompt.prompt: <<EOT",
        *(f"        {line}" for line in lines),
        "    EOT",
    ]
    start = stdout.splitlines().index(expected[0])
    assert stdout.splitlines()[start : start + len(expected)] == expected
    assert f'    conversation_config.agent.first_message: "{long_message.strip()}"' in stdout
    # --json carries the full values too.
    changes = {
        change["path"]: change["local"] for change in cli_json(project, "plan")["resources"][2]["changes"]
    }
    assert changes["conversation_config.agent.prompt.prompt"] == "\n".join(lines) + "\n"
    assert changes["conversation_config.agent.first_message"] == long_message.strip()

    cli(project, "sync")
    edit(project / "agents" / "bot.yaml", "Rule 3: answer", "Rule 3: always answer")
    edit(project / "agents" / "bot.yaml", long_message.strip(), "Hi!")
    stdout, _ = cli(project, "plan")
    assert "      -Rule 3: answer questions about order 3 politely and briefly." in stdout
    assert "      +Rule 3: always answer questions about order 3 politely and briefly." in stdout
    assert f"      -{long_message.strip()}" in stdout and "      +Hi!" in stdout
    assert "…" not in stdout


def test_plans_show_references_where_the_api_has_ids_and_json_keeps_the_ids(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # `tool_ids: ["tool_4801…"] → ["tool_9c02…"]` told a reviewer nothing; the config says @tool:….
    import json

    from tests.support.project import state
    from tests.support.samples import sample_project

    root = sample_project(tmp_path / "p", served_emulator.url)
    (root / "tools" / "show-product.yaml").write_text("type: client\nname: show_product\ndescription: d\n")
    manifest = json.loads((root / "agents.json").read_text())
    manifest["tools"]["show-product"] = {"config": "tools/show-product.yaml"}
    (root / "agents.json").write_text(json.dumps(manifest))
    cli(root, "sync")
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace('"@tool:lookup"', '"@tool:show-product"'))
    stdout, _ = cli(root, "plan")
    assert 'conversation_config.agent.prompt.tool_ids: ["@tool:lookup"] → ["@tool:show-product"]' in stdout
    ids = {name: entry["id"] for name, entry in state(root, "staging")["tools"].items()}
    assert ids["lookup"] not in stdout and ids["show-product"] not in stdout
    [bot] = [item for item in cli_json(root, "plan")["resources"] if item["name"] == "bot"]
    [change] = bot["changes"]
    assert (change["remote"], change["local"]) == ([ids["lookup"]], [ids["show-product"]])


def test_reading_the_remote_shows_a_counter_on_a_terminal_only(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # Nothing showed while the remote was read: a slow workspace looked hung.
    from tests.support.cli import on_a_terminal, run_cli
    from tests.support.samples import KEYS, sample_project

    root = sample_project(tmp_path / "p", served_emulator.url)
    cli(root, "sync")
    code, shown = on_a_terminal(["plan"], root, env={**KEYS, "NO_COLOR": "1"})
    assert code == 0 and "Reading 3 resources…" in shown and "No changes." in shown
    piped = run_cli(["plan"], cwd=root, env=KEYS)
    assert "Reading" not in piped.stderr + piped.stdout
