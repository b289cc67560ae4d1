"""Final review round: a production user's path through two environments of one project (served emulator over
loopback), each test a problem found by following the commands end to end."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests.support import REPO_ROOT
from tests.support.cli import run_cli, start_process
from tests.support.emulator import ServedEmulator, remote_ok, remote_patch
from tests.support.project import edit_manifest, state
from tests.support.samples import KEYS, sample_project
from tests.support.waiting import EVENT_DEADLINE_S, wait_until

AGENT_WITH_DEFAULT_TYPES = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello!
    prompt:
      prompt: You help customers.
      temperature: 0.3
      built_in_tools:
        end_call:
          name: end_call
          description: ''
          params:
            system_tool_type: end_call
platform_settings:
  evaluation:
    criteria:
      - id: resolved
        name: Resolved
        conversation_goal_prompt: The issue was resolved.
"""


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


def test_sync_replace_needs_yes_off_a_terminal(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    # --replace deletes the live agent (its id, widget embeds and phone numbers go with it); off a terminal it
    # ran without --yes while --prune's deletions were refused.
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    old_id = state(root, "staging")["agents"]["bot"]["id"]
    (root / "agents" / "bot.yaml").write_text(
        (root / "agents" / "bot.yaml").read_text().replace("temperature: 0.3", "temperature: 0.2")
    )
    refused = run_cli(["sync", "--replace", "bot", "--json"], cwd=root, env=KEYS, expect=1)
    assert "replacing 1 agent(s) (the old agent is deleted) needs confirmation" in refused.stderr
    assert json.loads(refused.stdout)["error"]["hint"] == "use --yes"
    assert state(root, "staging")["agents"]["bot"]["id"] == old_id
    remote_agent = remote_ok(served_emulator.url, "GET", f"/v1/convai/agents/{old_id}")
    # nothing written before the yes, not even the other changes
    assert remote_agent["conversation_config"]["agent"]["prompt"]["temperature"] == 0.3
    replaced = json.loads(run_cli(["sync", "--replace", "bot", "--yes", "--json"], cwd=root, env=KEYS).stdout)
    assert replaced["results"][0]["result"] == "replaced"
    assert state(root, "staging")["agents"]["bot"]["id"] != old_id


AGENT_WITH_EXPLICIT_DEFAULTS = AGENT_WITH_DEFAULT_TYPES.replace(
    "    first_message: Hello!\n", "    first_message: Hello!\n    language: en\n"
)


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


def test_readme_quick_start_runs_as_written_and_its_test_passes(tmp_path: Path) -> None:
    # Followed literally, the quick start's 'agents test support-bot' failed: no test was attached, and the
    # llm template's condition was one the local emulator could not judge (unknown = exit 1).
    readme = (REPO_ROOT / "README.md").read_text()
    attach = '#   testing: {attached_tests: [{test_id: "@test:greets-user"}]}'
    assert attach in readme
    root = tmp_path / "my-agents"
    root.mkdir()
    run_cli(["init"], cwd=root)
    run_cli(["add", "tool", "Lookup Order", "--template", "webhook"], cwd=root)
    run_cli(["add", "agent", "Support Bot", "--template", "customer-service"], cwd=root)
    added = run_cli(["add", "test", "Greets User", "--template", "llm"], cwd=root)
    assert "attached_tests: [{test_id: '@test:greets-user'}]" in added.stderr
    config = root / "agents" / "support-bot.yaml"
    snippet = "  " + attach.removeprefix("#").strip()  # under platform_settings:
    config.write_text(config.read_text().replace("platform_settings:\n", f"platform_settings:\n{snippet}\n"))
    run_cli(["validate"], cwd=root)
    run_cli(["plan"], cwd=root)
    run_cli(["sync"], cwd=root)
    tested = run_cli(["test", "support-bot"], cwd=root)
    assert "1 passed of 1 run(s)" in tested.stdout


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
    assert "error: pull refused to overwrite agents/bot.yaml" in refused.stderr
    assert "temperature: 0.5" in config.read_text()


def test_test_json_report_on_stdout_is_an_error_document_when_nothing_ran(tmp_path: Path) -> None:
    run_cli(["init", str(tmp_path)], cwd=tmp_path)
    run_cli(["add", "agent", "Bot"], cwd=tmp_path)
    failed = run_cli(["test", "bot", "--json", "-"], cwd=tmp_path, expect=1)
    assert json.loads(failed.stdout)["error"]["message"].startswith("no tests or scenarios selected for bot")


def test_sync_force_says_drift_is_overwritten_not_kept(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    # 'sync --force' printed "kept unless --force" / "sync keeps them without --force" for the very fields it
    # then overwrote.
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    bot = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"first_message": "Dashboard"}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{bot}", edit).status_code == 200
    planned = run_cli(["sync", "--dry-run", "--force"], cwd=root, env=KEYS).stdout
    forced = run_cli(["sync", "--force", "--yes"], cwd=root, env=KEYS).stdout
    for output in (planned, forced):
        assert (
            "drifted (changed remotely since the last sync; --force overwrites them with the local values):"
            in (output)
        )
        assert "1 drifted (1 field changed remotely; --force overwrites them)." in output
        assert "kept unless --force" not in output and "keeps them" not in output
    assert "Sync staging: 0 created, 1 updated" in forced


def test_plain_pull_after_a_dashboard_edit_points_at_update(
    tmp_path: Path, served_emulator: ServedEmulator, isolated_home: Path
) -> None:
    # 'agents pull' only imports what is new; after a dashboard edit it said "nothing to pull" as if the
    # remote matched the files.
    root = sample_project(tmp_path / "p", served_emulator.url)
    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    bot = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"first_message": "Dashboard"}}}
    assert remote_patch(served_emulator.url, f"/v1/convai/agents/{bot}", edit).status_code == 200
    pulled = run_cli(["pull"], cwd=root, env=KEYS)
    assert "'agents pull --env staging --update' takes remote edits of the 3 resource(s)" in pulled.stderr


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
