"""``agents pull --update`` and overlays, end to end over loopback HTTP: remote edits of tracked resources are
taken into the files changing only what changed (comments, anchors, explicit defaults and placeholders
kept), unsynced local changes refuse (naming each file), a second environment gets an overlay of the
differences only, and a plain pull points at --update."""

from __future__ import annotations

import json
from pathlib import Path

from agents_cli.emulator.server import RunningEmulator
from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_ok, remote_patch
from tests.support.project import edit_manifest, state
from tests.support.samples import (
    AGENT_WITH_DEFAULT_TYPES,
    AGENT_WITH_EXPLICIT_DEFAULTS,
    KEYS,
    cli_json,
    sample_project,
    synced_then_edited_remotely,
)


def test_update_keeps_comments_and_refuses_unsynced_local_changes(
    synced: Path, emulator: RunningEmulator
) -> None:
    agent_file = synced / "agents" / "bot.yaml"
    agent_file.write_text(
        "# The shop's support agent\n"
        + agent_file.read_text().replace(
            "first_message: Hello!", "first_message: Hello!  # greeting shown first"
        )
    )
    run_cli(
        ["sync", "--env", "staging", "--yes"], cwd=synced, env=KEYS
    )  # comments only: nothing to sync, state kept
    agent_id = state(synced, "staging")["agents"]["bot"]["id"]
    remote_ok(
        emulator.url,
        "PATCH",
        f"/v1/convai/agents/{agent_id}",
        {"conversation_config": {"agent": {"first_message": "Hi from the dashboard"}}},
    )

    # Off a terminal an overwrite needs --yes.
    assert "use --yes" in run_cli(["pull", "--update"], cwd=synced, expect=1, env=KEYS).stderr
    pulled = cli_json(synced, "pull", "--update", "--yes")
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
    assert "${E2E_ORDERS_TOKEN}" in (synced / "tools" / "lookup.yaml").read_text()  # placeholder kept
    assert cli_json(synced, "plan", "--env", "staging")["has_changes"] is False

    # Local edit never synced + a newer remote: refused without --force, nothing written.
    agent_file.write_text(text.replace("temperature: 0.3", "temperature: 0.9"))
    remote_ok(
        emulator.url,
        "PATCH",
        f"/v1/convai/agents/{agent_id}",
        {"conversation_config": {"agent": {"first_message": "Changed again"}}},
    )
    refused = run_cli(["pull", "--update", "--yes"], cwd=synced, expect=1, env=KEYS)
    assert "agents/bot.yaml" in refused.stderr and "local changes not synced to 'staging'" in refused.stderr
    assert "--force" in refused.stderr
    assert "temperature: 0.9" in agent_file.read_text()
    forced = cli_json(synced, "pull", "--update", "--yes", "--force")
    assert {row["name"]: row["action"] for row in forced["resources"]}["bot"] == "update"
    assert "temperature: 0.3" in agent_file.read_text() and "Changed again" in agent_file.read_text()
    assert cli_json(synced, "plan", "--env", "staging")["has_changes"] is False


def test_second_environment_gets_an_overlay_with_only_the_differences(
    synced: Path, emulator: RunningEmulator
) -> None:
    manifest = json.loads((synced / "agents.json").read_text())
    assert set(manifest["environments"]) == {"staging", "prod"}
    # The same agent made by hand in prod's dashboard, with another greeting.
    staging_id = state(synced, "staging")["agents"]["bot"]["id"]
    body = remote_ok(emulator.url, "GET", f"/v1/convai/agents/{staging_id}")
    prod_body = {key: body[key] for key in ("name", "conversation_config", "platform_settings")}
    prod_body["conversation_config"]["agent"]["first_message"] = "Welcome to prod"
    prod_body["conversation_config"]["agent"]["prompt"].pop("tools", None)
    prod_body["conversation_config"]["agent"]["prompt"]["tool_ids"] = []
    prod_body["platform_settings"]["testing"] = {"attached_tests": []}
    prod_id = remote_ok(emulator.url, "POST", "/v1/convai/agents/create", prod_body)["agent_id"]

    unknown = run_cli(["pull", "--env", "prod", "--only", "nope"], cwd=synced, expect=1, env=KEYS)
    assert "--only names nothing to pull: nope" in unknown.stderr and "candidates: bot" in unknown.stderr
    dry = cli_json(synced, "pull", "--env", "prod", "--only", "bot", "--dry-run")
    assert dry["dry_run"] is True and not (synced / "agents" / "bot.prod.yaml").exists()
    pulled = cli_json(synced, "pull", "--env", "prod", "--only", "bot")
    [row] = pulled["resources"]
    assert (row["action"], row["file"], row["remote_id"]) == ("overlay", "agents/bot.prod.yaml", prod_id)
    overlay = (synced / "agents" / "bot.prod.yaml").read_text()
    assert "first_message: Welcome to prod" in overlay and "prompt: |" not in overlay  # differences only
    assert json.loads((synced / "agents.json").read_text())["agents"]["bot"]["overlays"] == {
        "prod": "agents/bot.prod.yaml"
    }
    assert "first_message: Hello!" in (synced / "agents" / "bot.yaml").read_text()  # base untouched
    prod_plan = cli_json(synced, "plan", "--env", "prod")
    assert [r for r in prod_plan["resources"] if r["name"] == "bot"] == []  # bot: no changes in prod
    assert cli_json(synced, "plan", "--env", "staging")["has_changes"] is False


def test_pulled_overlay_holds_only_the_dashboard_edit(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    # The remote echoes defaults the base file leaves out (a built-in tool's `type: system`, a criterion's
    # `type: prompt`); the overlay written for a dashboard edit carried them as if staging differed there.
    root = sample_project(tmp_path / "p", served_emulator.url, agents={"bot": AGENT_WITH_DEFAULT_TYPES})
    for env in ("staging", "prod"):
        run_cli(["sync", "--env", env, "--yes"], cwd=root, env=KEYS)
    bot = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"prompt": {"temperature": 0.9}}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{bot}", edit).status_code == 200

    run_cli(["pull", "--env", "staging", "--update"], cwd=root, env=KEYS)
    overlay = (root / "agents" / "bot.staging.yaml").read_text()
    body = [line for line in overlay.splitlines() if not line.startswith("#")]
    assert body == ["conversation_config:", "  agent:", "    prompt:", "      temperature: 0.9"]
    for env in ("staging", "prod"):
        plan = json.loads(run_cli(["plan", "--env", env, "--json"], cwd=root, env=KEYS).stdout)
        assert plan["has_changes"] is False, plan


def test_pull_update_of_a_json_file_changes_only_what_the_dashboard_changed(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    # pull --update rewrote untouched parts of the file: dropped "$schema", an explicit default the user wrote
    # ("language": "en", "description": "") and added echoed defaults ("type": "system", "type": "prompt").
    import yaml

    root = sample_project(tmp_path / "p", served_emulator.url, agents={"bot": AGENT_WITH_EXPLICIT_DEFAULTS})
    original = {
        "$schema": "../.agents/schemas/agent.schema.json",
        **yaml.safe_load(AGENT_WITH_EXPLICIT_DEFAULTS),
    }
    (root / "agents" / "bot.yaml").unlink()
    (root / "agents" / "bot.json").write_text(json.dumps(original, indent=2) + "\n")
    edit_manifest(root, lambda manifest: manifest["agents"]["bot"].update(config="agents/bot.json"))
    run_cli(["sync", "--env", "staging", "--yes"], cwd=root, env=KEYS)
    bot = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"first_message": "Hi from the dashboard"}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{bot}", edit).status_code == 200

    run_cli(["pull", "--env", "staging", "--update", "--yes"], cwd=root, env=KEYS)
    expected = json.loads(json.dumps(original))
    expected["conversation_config"]["agent"]["first_message"] = "Hi from the dashboard"
    assert json.loads((root / "agents" / "bot.json").read_text()) == expected
    plan = json.loads(run_cli(["plan", "--env", "staging", "--json"], cwd=root, env=KEYS).stdout)
    assert plan["has_changes"] is False


def test_pull_update_of_a_yaml_file_keeps_anchor_keys_and_explicit_defaults(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    text = "x-greeting: &greeting Hello!\n" + AGENT_WITH_EXPLICIT_DEFAULTS.replace(
        "first_message: Hello!", "first_message: *greeting"
    )
    root = sample_project(tmp_path / "p", served_emulator.url, agents={"bot": text})
    run_cli(["sync", "--env", "staging", "--yes"], cwd=root, env=KEYS)
    bot = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"prompt": {"temperature": 0.7}}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{bot}", edit).status_code == 200

    run_cli(["pull", "--env", "staging", "--update", "--yes"], cwd=root, env=KEYS)
    assert (root / "agents" / "bot.yaml").read_text() == text.replace("temperature: 0.3", "temperature: 0.7")
    plan = json.loads(run_cli(["plan", "--env", "staging", "--json"], cwd=root, env=KEYS).stdout)
    assert plan["has_changes"] is False


def test_pull_json_refusal_names_each_refused_file(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    # With --json a refused pull printed only {"error": …}: which files and why was on stderr alone.
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--env", "staging", "--yes"], cwd=root, env=KEYS)
    bot = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"first_message": "Dashboard"}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{bot}", edit).status_code == 200
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.5"))  # not synced
    refused = run_cli(
        ["pull", "--env", "staging", "--update", "--yes", "--json"], cwd=root, env=KEYS, expect=1
    )
    rows = {row["name"]: row for row in json.loads(refused.stdout)["resources"]}
    assert rows["bot"]["action"] == "refused" and rows["bot"]["file"] == "agents/bot.yaml"
    assert "local changes not synced to 'staging'" in rows["bot"]["reason"]
    assert rows["bot"]["refusal"] == "unsynced_changes"  # the code a script branches on
    assert "error: pull refused to overwrite agents/bot.yaml" in refused.stderr
    assert "temperature: 0.5" in config.read_text()


def test_plain_pull_after_a_dashboard_edit_points_at_update(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    # 'agents pull' only imports what is new; after a dashboard edit it said "nothing to pull" as if the
    # remote matched the files.
    root = sample_project(tmp_path / "p", served_emulator.url)
    synced_then_edited_remotely(root, served_emulator.url)
    pulled = run_cli(["pull"], cwd=root, env=KEYS)
    assert "'agents pull --env staging --update' takes remote edits of the 3 resource(s)" in pulled.stderr


def test_update_refuses_unsynced_local_changes_in_a_project_of_several_environments(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # Synced to staging and prod, edited locally, edited in staging's dashboard: 'pull --env staging
    # --update' wrote a staging overlay pinning the remote values, silently undoing the local edit there
    # (with one environment the same pull was refused).
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--env", "prod", "--yes"], cwd=root, env=KEYS)
    synced_then_edited_remotely(root, served_emulator.url)
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.1"))
    refused = run_cli(["pull", "--env", "staging", "--update", "--yes"], cwd=root, env=KEYS, expect=1)
    assert "has local changes not synced to 'staging'" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert not (root / "agents" / "bot.staging.yaml").exists() and "temperature: 0.1" in config.read_text()
    forced = run_cli(["pull", "--env", "staging", "--update", "--force", "--yes"], cwd=root, env=KEYS)
    assert "agents/bot.staging.yaml" in forced.stderr


def test_a_refused_pull_leaves_no_file_it_had_started_writing(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    """pull writes each file (to a temp file beside it, fsynced) as its answer arrives; a refusal found
    among the answers still writes nothing: the tool edited in the dashboard keeps its file as it was, and
    no temp file is left behind."""
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--env", "staging", "--yes"], cwd=root, env=KEYS)
    ids = state(root, "staging")
    edit = {"conversation_config": {"agent": {"first_message": "Dashboard"}}}
    assert remote_patch(
        served_emulator.url, f"/v1/convai/agents/{ids['agents']['bot']['id']}", edit
    ).is_success
    tool_path = f"/v1/convai/tools/{ids['tools']['lookup']['id']}"
    tool_config = remote_ok(served_emulator.url, "GET", tool_path)["tool_config"]
    tool_config["description"] = "Edited in the dashboard."
    assert remote_patch(served_emulator.url, tool_path, {"tool_config": tool_config}).is_success
    config, tool = root / "agents" / "bot.yaml", root / "tools" / "lookup.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.5"))  # not synced
    tool_text = tool.read_text()
    refused = run_cli(["pull", "--env", "staging", "--update", "--yes"], cwd=root, env=KEYS, expect=1)
    assert "nothing was written" in refused.stderr
    assert tool.read_text() == tool_text
    assert [path for path in root.rglob("*") if path.name.endswith(".tmp")] == []
    forced = run_cli(["pull", "--env", "staging", "--update", "--force", "--yes"], cwd=root, env=KEYS)
    assert "tools/lookup.yaml" in forced.stderr and "Edited in the dashboard." in tool.read_text()
    assert [path for path in root.rglob("*") if path.name.endswith(".tmp")] == []
