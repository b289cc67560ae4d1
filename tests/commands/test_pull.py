"""``agents pull`` importing into a project, end to end over loopback HTTP against the emulator: minimal files
(no discriminators the model infers, the editor schema hint as added files have), round trip (pull → plan
shows no changes) for every template and for a fully specified agent, JSON files and --dry-run, secrets
never written; after a pull, a dashboard edit is drift and a local edit a change."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from agents_cli.emulator.server import RunningEmulator
from tests.support.cli import init_project, run_cli
from tests.support.emulator import ServedEmulator, remote_ok
from tests.support.project import all_text_under, edit_manifest, state, write_project
from tests.support.samples import AGENT_WITH_DEFAULT_TYPES, KEYS, SECRET, cli_json, sample_project

SECRET_VARIABLE = "LOOKUP_ORDER_AUTHORIZATION"


def _empty_project(root: Path, emulator: RunningEmulator, envs: tuple[str, ...] = ("staging",)) -> Path:
    """A manifest of environments only (no sections): what a pull into a new project starts from."""
    environments = {env: {"api_key_env": f"KEY_{env.upper()}", "base_url": emulator.url} for env in envs}
    return write_project(root, environments=environments, default_environment=envs[0], sections=())


def test_import_writes_minimal_files_and_round_trips(
    synced: Path, tmp_path: Path, emulator: RunningEmulator
) -> None:
    ids = state(synced, "staging")
    target = _empty_project(tmp_path / "imported", emulator)
    pulled = cli_json(target, "pull", "--env", "staging")
    mine = {row["remote_id"]: row for row in pulled["resources"]}
    bot = mine[ids["agents"]["bot"]["id"]]
    assert (bot["action"], bot["name"], bot["file"]) == (
        "import",
        "bot",
        "agents/bot.yaml",
    )  # name from its tag
    agent_text = (target / "agents" / "bot.yaml").read_text()
    assert agent_text.startswith(
        "# yaml-language-server: $schema=../.agents/schemas/agent.schema.json\nname: Support Bot\n"
    )
    assert "'@tool:lookup_order'" in agent_text and "'@test:greets-the-user'" in agent_text
    for default_only in ("asr:", "turn:", "llm:", "widget:", "null"):
        assert default_only not in agent_text  # server defaults are not written
    tool_text = (target / "tools" / "lookup_order.yaml").read_text()
    assert tool_text.startswith(
        "# yaml-language-server: $schema=../.agents/schemas/tool.schema.json\n"
        "type: webhook\nname: lookup_order\n"
    )
    assert "Authorization: ${" + SECRET_VARIABLE + "}" in tool_text
    assert SECRET not in all_text_under(target)
    assert "looks like a credential" in json.dumps(pulled)
    manifest = json.loads((target / "agents.json").read_text())
    assert set(manifest["agents"]) == {"bot"} and set(manifest["tools"]) == {"lookup_order"}
    assert state(target, "staging")["agents"]["bot"]["id"] == ids["agents"]["bot"]["id"]
    plan = cli_json(target, "plan", "--env", "staging", env={SECRET_VARIABLE: f"Bearer {SECRET}"})
    assert plan["has_changes"] is False, plan
    status = json.loads(
        run_cli(["status", "--json"], cwd=target, env={**KEYS, SECRET_VARIABLE: f"Bearer {SECRET}"}).stdout
    )
    assert status["summary"]["in sync"] == 3, status
    # A second pull finds nothing new.
    assert cli_json(target, "pull", "--env", "staging")["resources"] == []


def test_every_template_round_trips(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> None:
    source = tmp_path / "templates"
    run_cli(["init", str(source)], cwd=tmp_path)
    tpl = {"api_key_env": "KEY_TPL", "base_url": emulator.url}
    edit_manifest(source, lambda manifest: manifest["environments"].update(tpl=tpl), indent=2)
    templates = json.loads(run_cli(["templates", "list", "--json"], cwd=source).stdout)
    # Configs in files; the workspace kinds' templates need credentials and agents (test_sync_workspace).
    templates = [t for t in templates if t["kind"] in ("agent", "tool", "test")]
    run_cli(
        ["add", "tool", "lookup-order", "--template", "webhook"], cwd=source
    )  # the tool test template references it
    for template in templates:
        name = f"tpl-{template['kind']}-{template['name']}"
        if name != "tpl-tool-webhook":
            run_cli(["add", template["kind"], name, "--template", template["name"]], cwd=source)
    # The MCP server template's header comes from ${MCP_TOKEN}; pulled, it is a placeholder named after it.
    token = {"MCP_TOKEN": "t0ken", "TPL_MCP_MCP_SERVER_AUTHORIZATION": "Bearer t0ken"}
    run_cli(["sync", "--env", "tpl", "--yes"], cwd=source, env={"KEY_TPL": "sk_tpl", **token})
    target = _empty_project(tmp_path / "pulled", emulator, ("tpl",))
    pulled = cli_json(target, "pull", "--env", "tpl", env={"KEY_TPL": "sk_tpl"})
    assert len(pulled["resources"]) == len(templates)  # the webhook template is the lookup-order tool
    assert all(row["action"] == "import" for row in pulled["resources"])
    assert (
        cli_json(target, "plan", "--env", "tpl", env={"KEY_TPL": "sk_tpl", **token})["has_changes"] is False
    )


def test_agent_with_every_field_set_round_trips(
    tmp_path: Path, emulator: RunningEmulator, isolated_home: Path
) -> None:
    seed = remote_ok(
        emulator.url, "POST", "/v1/convai/agents/create", {"conversation_config": {}, "name": "Seed"}
    )
    full = remote_ok(emulator.url, "GET", f"/v1/convai/agents/{seed['agent_id']}")
    body = {
        key: copy.deepcopy(full[key]) for key in ("conversation_config", "platform_settings", "name", "tags")
    }
    body["name"] = "Everything Set"
    body["tags"] = ["full"]
    body["conversation_config"]["agent"]["first_message"] = "Every field is explicit."
    body["conversation_config"]["agent"]["prompt"]["temperature"] = 0.77
    body["conversation_config"]["agent"]["prompt"].pop("tools", None)
    created = remote_ok(emulator.url, "POST", "/v1/convai/agents/create", body)
    target = _empty_project(tmp_path / "full", emulator, ("prod",))
    pulled = cli_json(target, "pull", "--env", "prod", "--only", "everything-set")
    assert [row["name"] for row in pulled["resources"]] == ["everything-set"]
    assert pulled["resources"][0]["remote_id"] == created["agent_id"]
    text = (target / "agents" / "everything-set.yaml").read_text()
    assert "temperature: 0.77" in text and "first_message: Every field is explicit." in text
    assert len(text.splitlines()) < 20, text  # every value equal to a default was dropped
    assert cli_json(target, "plan", "--env", "prod")["has_changes"] is False


def test_json_format_and_dry_run(synced: Path, tmp_path: Path, emulator: RunningEmulator) -> None:
    target = _empty_project(tmp_path / "as-json", emulator)
    dry = cli_json(target, "pull", "--env", "staging", "--format", "json", "--dry-run")
    assert dry["dry_run"] is True and len(dry["resources"]) == 3
    assert not (target / "agents").exists() and not (target / "state").exists()
    assert "agents" not in json.loads((target / "agents.json").read_text())
    cli_json(target, "pull", "--env", "staging", "--format", "json")
    agent = json.loads((target / "agents" / "bot.json").read_text())
    assert (
        agent["name"] == "Support Bot" and agent["conversation_config"]["agent"]["first_message"] == "Hello!"
    )
    assert (
        cli_json(target, "plan", "--env", "staging", env={SECRET_VARIABLE: f"Bearer {SECRET}"})["has_changes"]
        is False
    )


def test_after_a_pull_a_dashboard_edit_is_drift_and_a_local_edit_is_a_change(
    tmp_path: Path, emulator: RunningEmulator, isolated_home: Path
) -> None:
    created = remote_ok(
        emulator.url,
        "POST",
        "/v1/convai/agents/create",
        {
            "name": "Dash",
            "conversation_config": {"agent": {"prompt": {"prompt": "Be nice.", "temperature": 0.7}}},
        },
    )
    project = _empty_project(tmp_path / "p", emulator)
    cli_json(project, "pull", "--env", "staging", "--all", "--yes")
    config = project / "agents" / "dash.yaml"
    config.write_text(config.read_text().replace("Be nice.", "Be very nice."))  # a local edit
    patch = {"conversation_config": {"agent": {"prompt": {"temperature": 0.9}}}}  # a dashboard edit
    remote_ok(emulator.url, "PATCH", f"/v1/convai/agents/{created['agent_id']}", patch)
    [agent] = [r for r in cli_json(project, "plan", "--env", "staging")["resources"] if r["kind"] == "agent"]
    drifted = {d["path"] for d in agent["drifted"]}
    changed = {c["path"] for c in agent["changes"]}
    assert drifted == {"conversation_config.agent.prompt.temperature"}
    assert changed == {"conversation_config.agent.prompt.prompt"}


def test_pull_import_leaves_out_discriminators_the_model_infers(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    # An imported agent carried `type: system` per built-in tool and `type: prompt` per criterion, which no
    # template writes; files are meant to be minimal.
    source = sample_project(
        tmp_path / "source", served_emulator.url, agents={"bot": AGENT_WITH_DEFAULT_TYPES}
    )
    run_cli(["sync", "--env", "staging", "--yes"], cwd=source, env=KEYS)
    target = tmp_path / "target"
    target.mkdir()
    environments = json.loads((source / "agents.json").read_text())["environments"]
    manifest = {"version": 1, "default_environment": "staging", "environments": environments}
    (target / "agents.json").write_text(json.dumps(manifest))
    run_cli(["pull", "--env", "staging"], cwd=target, env=KEYS)
    pulled = (target / "agents" / "bot.yaml").read_text()  # its name tag gives the local name back
    assert "type: system" not in pulled and "type: prompt" not in pulled, pulled
    assert "system_tool_type: end_call" in pulled  # what the API needs stays
    run_cli(["validate"], cwd=target, env=KEYS)
    header = {
        "LOOKUP_ORDER_AUTHORIZATION": f"Bearer {KEYS['E2E_ORDERS_TOKEN']}"
    }  # the imported tool's secret
    planned = run_cli(["plan", "--env", "staging", "--json"], cwd=target, env={**KEYS, **header})
    assert json.loads(planned.stdout)["has_changes"] is False


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_pulled_files_carry_the_editor_schema_hint_like_added_ones(tmp_path: Path, file_format: str) -> None:
    import shutil

    root = init_project(tmp_path)
    run_cli(["add", "agent", "Support Bot", "--template", "customer-service"], cwd=root)
    run_cli(["sync"], cwd=root)
    # Forget it locally: pull imports it again as a new file.
    (root / "agents" / "support-bot.yaml").unlink()
    shutil.rmtree(root / "state")
    edit_manifest(root, lambda manifest: manifest.update(agents={}))

    run_cli(["pull", "--format", file_format, "--yes"], cwd=root)
    text = (root / "agents" / f"support-bot.{file_format}").read_text(encoding="utf-8")
    if file_format == "yaml":
        assert text.startswith("# yaml-language-server: $schema=../.agents/schemas/agent.schema.json\n")
    else:
        assert json.loads(text)["$schema"] == "../.agents/schemas/agent.schema.json"
    run_cli(["validate"], cwd=root)
    assert "Plan: 0 to create, 0 to update, 0 to delete." in run_cli(["plan"], cwd=root).stdout


def test_two_remote_tools_of_one_name_are_pulled_with_a_warning_and_validate_catches_them(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # Pulled as show_card and show_card-2 without a word; validate said "no problems" and plan refused.
    import httpx

    from tests.support.emulator import create_tool

    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as http:
        first, second = create_tool(http, "show_card"), create_tool(http, "show_card")
    environments = {"staging": {"api_key_env": "KEY_STAGING", "base_url": served_emulator.url}}
    target = write_project(
        tmp_path / "p", environments=environments, default_environment="staging", sections=()
    )
    pulled = run_cli(["pull", "--yes"], cwd=target, env=KEYS)
    assert "2 remote tools have the name 'show_card': 'show_card' (" in pulled.stderr
    assert first in pulled.stderr and second in pulled.stderr
    validated = run_cli(["validate"], cwd=target, expect=1)
    assert "tools 'show_card' and 'show_card-2' both have the name 'show_card'" in validated.stdout
