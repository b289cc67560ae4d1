"""``agents pull`` end to end over loopback HTTP against the emulator: minimal files, round trip (pull → plan
shows no changes) for every template and for a fully specified agent, YAML comments kept on update, --force,
overlays for a second environment, secrets never written."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents_cli.emulator.server import RunningEmulator, running_emulator
from tests.support.cli import run_cli
from tests.support.emulator import remote_ok
from tests.support.project import all_text_under, edit_manifest, state, write_project
from tests.support.samples import KEYS, SECRET, sample_project

SECRET_VARIABLE = "LOOKUP_ORDER_AUTHORIZATION"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as running:
        yield running


def _empty_project(root: Path, emulator: RunningEmulator, envs: tuple[str, ...] = ("staging",)) -> Path:
    """A manifest of environments only (no sections): what a pull into a new project starts from."""
    environments = {env: {"api_key_env": f"KEY_{env.upper()}", "base_url": emulator.url} for env in envs}
    return write_project(root, environments=environments, default_environment=envs[0], sections=())


def _plan(project: Path, env: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli(["plan", "--env", env, "--json"], cwd=project, env={**KEYS, **(extra or {})})
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _pull(project: Path, *args: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli(["pull", "--json", *args], cwd=project, env={**KEYS, **(extra or {})})
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def source(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> Path:
    """The sync_support project (tool lookup with a ${SECRET} header, test greets, agent bot) in staging."""
    project = sample_project(tmp_path / "source", emulator.url)
    run_cli(["sync", "--env", "staging", "--yes"], cwd=project, env=KEYS)
    return project


def test_import_writes_minimal_files_and_round_trips(
    source: Path, tmp_path: Path, emulator: RunningEmulator
) -> None:
    ids = state(source, "staging")
    target = _empty_project(tmp_path / "imported", emulator)
    pulled = _pull(target, "--env", "staging")
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
    plan = _plan(target, "staging", {SECRET_VARIABLE: f"Bearer {SECRET}"})
    assert plan["has_changes"] is False, plan
    status = json.loads(
        run_cli(["status", "--json"], cwd=target, env={**KEYS, SECRET_VARIABLE: f"Bearer {SECRET}"}).stdout
    )
    assert status["summary"]["in sync"] == 3
    # A second pull finds nothing new.
    assert _pull(target, "--env", "staging")["resources"] == []


def test_every_template_round_trips(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> None:
    source = tmp_path / "templates"
    run_cli(["init", str(source)], cwd=tmp_path)
    tpl = {"api_key_env": "KEY_TPL", "base_url": emulator.url}
    edit_manifest(source, lambda manifest: manifest["environments"].update(tpl=tpl), indent=2)
    templates = json.loads(run_cli(["templates", "list", "--json"], cwd=source).stdout)
    run_cli(
        ["add", "tool", "lookup-order", "--template", "webhook"], cwd=source
    )  # the tool test template references it
    for template in templates:
        name = f"tpl-{template['kind']}-{template['name']}"
        if name != "tpl-tool-webhook":
            run_cli(["add", template["kind"], name, "--template", template["name"]], cwd=source)
    run_cli(["sync", "--env", "tpl", "--yes"], cwd=source, env={"KEY_TPL": "sk_tpl"})
    target = _empty_project(tmp_path / "pulled", emulator, ("tpl",))
    pulled = _pull(target, "--env", "tpl", extra={"KEY_TPL": "sk_tpl"})
    assert len(pulled["resources"]) == len(templates)  # the webhook template is the lookup-order tool
    assert all(row["action"] == "import" for row in pulled["resources"])
    assert _plan(target, "tpl", {"KEY_TPL": "sk_tpl"})["has_changes"] is False


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
    pulled = _pull(target, "--env", "prod", "--only", "everything-set")
    assert [row["name"] for row in pulled["resources"]] == ["everything-set"]
    assert pulled["resources"][0]["remote_id"] == created["agent_id"]
    text = (target / "agents" / "everything-set.yaml").read_text()
    assert "temperature: 0.77" in text and "first_message: Every field is explicit." in text
    assert len(text.splitlines()) < 20, text  # every value equal to a default was dropped
    assert _plan(target, "prod")["has_changes"] is False


def test_update_keeps_comments_and_refuses_unsynced_local_changes(
    source: Path, emulator: RunningEmulator
) -> None:
    agent_file = source / "agents" / "bot.yaml"
    agent_file.write_text(
        "# The shop's support agent\n"
        + agent_file.read_text().replace(
            "first_message: Hello!", "first_message: Hello!  # greeting shown first"
        )
    )
    run_cli(
        ["sync", "--env", "staging", "--yes"], cwd=source, env=KEYS
    )  # comments only: nothing to sync, state kept
    agent_id = state(source, "staging")["agents"]["bot"]["id"]
    remote_ok(
        emulator.url,
        "PATCH",
        f"/v1/convai/agents/{agent_id}",
        {"conversation_config": {"agent": {"first_message": "Hi from the dashboard"}}},
    )

    # Off a terminal an overwrite needs --yes.
    assert "use --yes" in run_cli(["pull", "--update"], cwd=source, expect=1, env=KEYS).stderr
    pulled = _pull(source, "--update", "--yes")
    assert {row["name"]: row["action"] for row in pulled["resources"]}["bot"] == "update"
    text = agent_file.read_text()
    assert text.startswith("# The shop's support agent\n")
    [line] = [line for line in text.splitlines() if "first_message" in line]
    assert line.split() == [
        "first_message:",
        "Hi",
        "from",
        "the",
        "dashboard",
        "#",
        "greeting",
        "shown",
        "first",
    ]
    assert "${E2E_ORDERS_TOKEN}" in (source / "tools" / "lookup.yaml").read_text()  # placeholder kept
    assert _plan(source, "staging")["has_changes"] is False

    # Local edit never synced + a newer remote: refused without --force, nothing written.
    agent_file.write_text(text.replace("temperature: 0.3", "temperature: 0.9"))
    remote_ok(
        emulator.url,
        "PATCH",
        f"/v1/convai/agents/{agent_id}",
        {"conversation_config": {"agent": {"first_message": "Changed again"}}},
    )
    refused = run_cli(["pull", "--update", "--yes"], cwd=source, expect=1, env=KEYS)
    assert "agents/bot.yaml" in refused.stderr and "local changes not synced to 'staging'" in refused.stderr
    assert "--force" in refused.stderr
    assert "temperature: 0.9" in agent_file.read_text()
    forced = _pull(source, "--update", "--yes", "--force")
    assert {row["name"]: row["action"] for row in forced["resources"]}["bot"] == "update"
    assert "temperature: 0.3" in agent_file.read_text() and "Changed again" in agent_file.read_text()
    assert _plan(source, "staging")["has_changes"] is False


def test_second_environment_gets_an_overlay_with_only_the_differences(
    source: Path, emulator: RunningEmulator
) -> None:
    manifest = json.loads((source / "agents.json").read_text())
    assert set(manifest["environments"]) == {"staging", "prod"}
    # The same agent made by hand in prod's dashboard, with another greeting.
    staging_id = state(source, "staging")["agents"]["bot"]["id"]
    body = remote_ok(emulator.url, "GET", f"/v1/convai/agents/{staging_id}")
    prod_body = {key: body[key] for key in ("name", "conversation_config", "platform_settings")}
    prod_body["conversation_config"]["agent"]["first_message"] = "Welcome to prod"
    prod_body["conversation_config"]["agent"]["prompt"].pop("tools", None)
    prod_body["conversation_config"]["agent"]["prompt"]["tool_ids"] = []
    prod_body["platform_settings"]["testing"] = {"attached_tests": []}
    prod_id = remote_ok(emulator.url, "POST", "/v1/convai/agents/create", prod_body)["agent_id"]

    unknown = run_cli(["pull", "--env", "prod", "--only", "nope"], cwd=source, expect=1, env=KEYS)
    assert "--only names nothing to pull: nope" in unknown.stderr and "candidates: bot" in unknown.stderr
    dry = _pull(source, "--env", "prod", "--only", "bot", "--dry-run")
    assert dry["dry_run"] is True and not (source / "agents" / "bot.prod.yaml").exists()
    pulled = _pull(source, "--env", "prod", "--only", "bot")
    [row] = pulled["resources"]
    assert (row["action"], row["file"], row["remote_id"]) == ("overlay", "agents/bot.prod.yaml", prod_id)
    overlay = (source / "agents" / "bot.prod.yaml").read_text()
    assert "first_message: Welcome to prod" in overlay and "prompt: |" not in overlay  # differences only
    assert json.loads((source / "agents.json").read_text())["agents"]["bot"]["overlays"] == {
        "prod": "agents/bot.prod.yaml"
    }
    assert "first_message: Hello!" in (source / "agents" / "bot.yaml").read_text()  # base untouched
    prod_plan = _plan(source, "prod")
    assert [r for r in prod_plan["resources"] if r["name"] == "bot"] == []  # bot: no changes in prod
    assert _plan(source, "staging")["has_changes"] is False


def test_json_format_and_dry_run(source: Path, tmp_path: Path, emulator: RunningEmulator) -> None:
    target = _empty_project(tmp_path / "as-json", emulator)
    dry = _pull(target, "--env", "staging", "--format", "json", "--dry-run")
    assert dry["dry_run"] is True and len(dry["resources"]) == 3
    assert not (target / "agents").exists() and not (target / "state").exists()
    assert "agents" not in json.loads((target / "agents.json").read_text())
    _pull(target, "--env", "staging", "--format", "json")
    agent = json.loads((target / "agents" / "bot.json").read_text())
    assert (
        agent["name"] == "Support Bot" and agent["conversation_config"]["agent"]["first_message"] == "Hello!"
    )
    assert _plan(target, "staging", {SECRET_VARIABLE: f"Bearer {SECRET}"})["has_changes"] is False


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
    _pull(project, "--env", "staging", "--all", "--yes")
    config = project / "agents" / "dash.yaml"
    config.write_text(config.read_text().replace("Be nice.", "Be very nice."))  # a local edit
    patch = {"conversation_config": {"agent": {"prompt": {"temperature": 0.9}}}}  # a dashboard edit
    remote_ok(emulator.url, "PATCH", f"/v1/convai/agents/{created['agent_id']}", patch)
    [agent] = [r for r in _plan(project, "staging")["resources"] if r["kind"] == "agent"]
    drifted = {d["path"] for d in agent["drifted"]}
    changed = {c["path"] for c in agent["changes"]}
    assert drifted == {"conversation_config.agent.prompt.temperature"}
    assert changed == {"conversation_config.agent.prompt.prompt"}
