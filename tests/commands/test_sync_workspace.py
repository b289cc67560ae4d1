"""Workspace secrets, environment variables, a phone number and the convai settings as code, synced over
loopback to two of our environments mapped to two server environments (one workspace)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_ok
from tests.support.project import state, write_project

CRM_VALUE = "crm-s3cret-7d41aa"
HOOK_VALUE = "hook-s3cret-02bc9e"
NEW_CRM_VALUE = "crm-s3cret-rotated-5e1f"
NUMBER = "+15551230000"

TOOL = """\
type: webhook
name: crm_lookup
description: Look up a customer in the CRM.
api_schema:
  url: https://crm.example.com/lookup
  method: GET
  request_headers:
    Authorization:
      secret_id: "@secret:crm-token"
"""

AGENT = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello!
    prompt:
      prompt: You help customers.
      tool_ids:
        - "@tool:crm"
"""


def workspace_manifest() -> dict[str, Any]:
    settings = {
        "webhooks": {"post_call_webhook_id": "@webhook:post-call", "events": ["transcript"]},
        "conversation_initiation_client_data_webhook": {
            "url": "https://hooks.example.com/init",
            "request_headers": {"X-Hook-Token": {"secret_id": "@secret:hook-token"}},
        },
    }
    return {
        "secrets": {
            "crm-token": {"value": "${CRM_TOKEN}"},
            "hook-token": {"value": "${HOOK_TOKEN}"},
        },
        "environment_variables": {
            "api-base": {
                "label": "API_BASE",
                "values": {"production": "https://api.example.com", "staging": "https://staging.example.com"},
            },
            "crm-key": {
                "label": "CRM_KEY",
                "type": "secret",
                "values": {"production": "@secret:crm-token", "staging": "@secret:hook-token"},
            },
        },
        # One workspace serves both environments: the number routes to staging's agent only.
        "phone_numbers": {
            "support-line": {"phone_number": NUMBER, "agent": "@agent:bot", "environments": ["staging"]}
        },
        # The settings name the webhook by reference; its delivery header carries a secret value.
        "webhooks": {
            "post-call": {
                "webhook_url": "https://hooks.example.com/post-call",
                "request_headers": {"Authorization": "Bearer ${HOOK_TOKEN}"},
            }
        },
        "workspace": {"settings": settings},
    }


def keys(crm: str = CRM_VALUE) -> dict[str, str]:
    return {"KEY_STAGING": "sk_staging", "KEY_PROD": "sk_prod", "CRM_TOKEN": crm, "HOOK_TOKEN": HOOK_VALUE}


def workspace_project(root: Path, url: str) -> Path:
    environments = {
        "staging": {"api_key_env": "KEY_STAGING", "base_url": url, "server_environment": "staging"},
        "prod": {"api_key_env": "KEY_PROD", "base_url": url},
    }
    return write_project(
        root,
        environments=environments,
        default_environment="staging",
        agents={"bot": AGENT},
        tools={"crm": TOOL},
        manifest=workspace_manifest(),
    )


def import_number(url: str) -> str:
    body = {"provider": "twilio", "phone_number": NUMBER, "label": "support", "sid": "AC1", "token": "tw"}
    return str(remote_ok(url, "POST", "/v1/convai/phone-numbers", body)["phone_number_id"])


def sync(root: Path, env: str, *extra: str, crm: str = CRM_VALUE) -> str:
    return run_cli(["sync", "-e", env, "--yes", *extra], cwd=root, env=keys(crm)).stderr


def plan(root: Path, env: str, crm: str = CRM_VALUE, expect: int = 0) -> str:
    result = run_cli(["plan", "-e", env, "--detailed-exitcode"], cwd=root, env=keys(crm), expect=expect)
    return result.stdout


@pytest.fixture
def synced(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    import_number(served_emulator.url)
    root = workspace_project(tmp_path / "p", served_emulator.url)
    sync(root, "staging")
    return root


def test_the_workspace_plans_clean_after_sync_in_both_environments(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    assert "No changes." in plan(synced, "staging")
    sync(synced, "prod")
    assert "No changes." in plan(synced, "prod")
    assert "No changes." in plan(synced, "staging")


def test_a_changed_ci_variable_plans_exactly_one_secret_update(synced: Path) -> None:
    changed = plan(synced, "staging", crm=NEW_CRM_VALUE, expect=2)
    assert "~ secret crm-token" in changed
    assert "value: (value changed)" in changed
    assert "Plan: 0 to create, 1 to update, 0 to delete." in changed
    assert NEW_CRM_VALUE not in changed and CRM_VALUE not in changed
    sync(synced, "staging", crm=NEW_CRM_VALUE)
    assert "No changes." in plan(synced, "staging", crm=NEW_CRM_VALUE)
    assert "secret crm-token" in plan(synced, "staging", crm=CRM_VALUE, expect=2)


def test_replacing_the_agent_repoints_the_phone_number_first(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    old_id = state(synced, "staging")["agents"]["bot"]["id"]
    sync(synced, "staging", "--replace", "bot")
    new_id = state(synced, "staging")["agents"]["bot"]["id"]
    assert new_id != old_id
    number_id = state(synced, "staging")["phone_numbers"]["support-line"]["id"]
    assigned = remote_ok(served_emulator.url, "GET", f"/v1/convai/phone-numbers/{number_id}")[
        "assigned_agent"
    ]
    assert assigned["agent_id"] == new_id
    # The PATCH that re-pointed the number came before the DELETE of the old agent.
    calls = [(e.method, e.path) for e in served_emulator.exchanges if e.method in ("PATCH", "DELETE")]
    repoint = calls.index(("PATCH", f"/v1/convai/phone-numbers/{number_id}"), 0)
    assert repoint < calls.index(("DELETE", f"/v1/convai/agents/{old_id}"))
    assert "No changes." in plan(synced, "staging")


def test_plan_shows_values_per_server_environment_and_secret_ones_as_sensitive(synced: Path) -> None:
    manifest = json.loads((synced / "agents.json").read_text())
    variables = manifest["environment_variables"]
    del variables["api-base"]["values"]["staging"]
    variables["crm-key"]["values"]["staging"] = "@secret:crm-token"
    (synced / "agents.json").write_text(json.dumps(manifest))
    planned = plan(synced, "staging", expect=2)
    assert 'values.staging: "https://staging.example.com" → (removed)' in planned, planned
    assert 'values.staging.secret_id: "(sensitive)" → "(sensitive)"' in planned, planned
    sync(synced, "staging")
    values = [
        v["values"]
        for v in remote_ok(synced_url(synced), "GET", "/v1/convai/environment-variables")[
            "environment_variables"
        ]
        if v["label"] == "API_BASE"
    ]
    assert values == [{"production": "https://api.example.com"}]  # removed with null; production kept
    assert "No changes." in plan(synced, "staging")


def synced_url(root: Path) -> str:
    return str(json.loads((root / "agents.json").read_text())["environments"]["staging"]["base_url"])


def test_the_official_sdk_sees_every_assignment(synced: Path, served_emulator: ServedEmulator) -> None:
    elevenlabs = pytest.importorskip("elevenlabs")
    client = elevenlabs.ElevenLabs(api_key="sk_staging", base_url=served_emulator.url, timeout=10)
    recorded = state(synced, "staging")
    secrets = {s.name: s.secret_id for s in client.conversational_ai.secrets.list().secrets}
    assert secrets == {name: entry["id"] for name, entry in recorded["secrets"].items()}
    variables = {v.label: v for v in client.environment_variables.list().environment_variables}
    assert variables["API_BASE"].values == {
        "production": "https://api.example.com",
        "staging": "https://staging.example.com",
    }
    crm_key = variables["CRM_KEY"].values  # the SDK leaves this union's members as dicts
    assert crm_key == {
        "production": {"secret_id": secrets["crm-token"]},
        "staging": {"secret_id": secrets["hook-token"]},
    }
    tool = client.conversational_ai.tools.get(recorded["tools"]["crm"]["id"])
    header = tool.tool_config.api_schema.request_headers["Authorization"]
    assert header.secret_id == secrets["crm-token"]
    number = client.conversational_ai.phone_numbers.get(recorded["phone_numbers"]["support-line"]["id"])
    assert number.assigned_agent.agent_id == recorded["agents"]["bot"]["id"]
    assert number.assigned_agent.environment == "staging"  # the environment's server_environment
    settings = client.conversational_ai.settings.get()
    webhooks = client.webhooks.list(include_usages=True).webhooks
    assert [(w.name, w.webhook_id) for w in webhooks] == [
        ("post-call", recorded["webhooks"]["post-call"]["id"])
    ]
    assert webhooks[0].webhook_url == "https://hooks.example.com/post-call"
    assert [usage.usage_type for usage in webhooks[0].usage or []] == ["ConvAI Settings"]
    assert settings.webhooks.post_call_webhook_id == webhooks[0].webhook_id
    hook = settings.conversation_initiation_client_data_webhook
    assert hook.request_headers["X-Hook-Token"].secret_id == secrets["hook-token"]


def test_no_secret_value_reaches_state_or_output(synced: Path) -> None:
    text = json.dumps(state(synced, "staging"))
    assert CRM_VALUE not in text and HOOK_VALUE not in text
    shown = run_cli(["status", "-e", "staging", "--json"], cwd=synced, env=keys()).stdout
    assert CRM_VALUE not in shown and HOOK_VALUE not in shown


def test_pull_into_an_empty_project_plans_clean_and_fetches_no_secret_value(
    synced: Path, tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    environments = json.loads((synced / "agents.json").read_text())["environments"]
    manifest = {"version": 1, "default_environment": "staging", "environments": environments}
    (target / "agents.json").write_text(json.dumps(manifest))
    before = len(served_emulator.exchanges)
    run_cli(["pull", "--env", "staging"], cwd=target, env=keys())
    reads = [e for e in served_emulator.exchanges[before:] if e.path.startswith("/v1/convai/secrets")]
    assert [(e.method, e.path) for e in reads] == [("GET", "/v1/convai/secrets")]  # listed, never one by one
    pulled = json.loads((target / "agents.json").read_text())
    assert pulled["secrets"] == {
        "crm-token": {"value": "${CRM_TOKEN}"},
        "hook-token": {"value": "${HOOK_TOKEN}"},
    }
    assert pulled["phone_numbers"]["support-line"]["agent"] == "@agent:bot"
    assert pulled["webhooks"] == {"post-call": {"webhook_url": "https://hooks.example.com/post-call"}}
    assert pulled["workspace"]["settings"]["webhooks"]["post_call_webhook_id"] == "@webhook:post-call"
    written = "".join(path.read_text() for path in target.rglob("*") if path.is_file())
    assert CRM_VALUE not in written and HOOK_VALUE not in written
    run_cli(["validate"], cwd=target, env=keys())
    planned = run_cli(["plan", "--env", "staging", "--json"], cwd=target, env=keys())
    assert json.loads(planned.stdout)["has_changes"] is False, planned.stdout


def test_no_secret_value_in_files_state_output_debug_log_or_crash_log(
    synced: Path, tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    import io

    from agents_cli.cli.boundary import run
    from agents_cli.cli.output import Output
    from agents_cli.context import AppContext
    from agents_cli.engine.workspace import Workspace
    from agents_cli.host import Host

    # A variable whose name says nothing of a secret: only the placeholder tells.
    manifest = json.loads((synced / "agents.json").read_text())
    manifest["secrets"]["crm-token"]["value"] = "${CRM_PLAIN}"
    (synced / "agents.json").write_text(json.dumps(manifest))
    env = {**keys(), "CRM_PLAIN": NEW_CRM_VALUE}
    shown = []
    for args in (["plan", "--json"], ["sync", "--yes"], ["status"], ["list", "--remote"], ["plan"]):
        result = run_cli(["--debug", *args, "-e", "staging"], cwd=synced, env=env)
        shown += [result.stdout, result.stderr]
    assert any("GET /v1/convai/secrets" in text for text in shown)  # the debug log was on
    files = b"".join(path.read_bytes() for path in synced.rglob("*") if path.is_file())

    stderr = io.StringIO()
    host = Host(
        environ={**env, "XDG_STATE_HOME": str(tmp_path / "xdg")},
        stdin=io.StringIO(),
        stdout=io.StringIO(),
        stderr=stderr,
        home=tmp_path,
        cwd=synced,
        argv=("plan",),
    )

    def buggy(app: AppContext, request: None) -> int:
        workspace = Workspace.open(synced, "staging", environ=env)
        desired = workspace.load()
        value = desired.normalise(("secret", "crm-token"), {}).body["value"]
        raise RuntimeError(f"a bug holding {value}")

    assert run(AppContext(host=host, out=Output(host=host)), "plan", buggy, None) == 3
    [crash_log] = list((tmp_path / "xdg" / "agents-cli").glob("crash-*.log"))
    crash = crash_log.read_text()
    assert "a bug holding [redacted]" in crash
    # The webhook's HMAC signing secret is in its create answer only: nothing keeps or shows it.
    created = [
        e for e in served_emulator.exchanges if (e.method, e.path) == ("POST", "/v1/workspace/webhooks")
    ]
    signing = [str(json.loads(e.body)["webhook_secret"]) for e in created]
    assert signing
    for value in (CRM_VALUE, NEW_CRM_VALUE, HOOK_VALUE, *signing):
        assert value.encode() not in files
        assert all(value not in text for text in shown)
        assert value not in crash and value not in stderr.getvalue()
    assert remote_ok(served_emulator.url, "GET", "/v1/convai/secrets")["secrets"]  # values stay server-side


def test_delete_of_a_declared_secret_removes_the_entry_and_keeps_agents_json(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = workspace_project(tmp_path / "p", served_emulator.url)
    manifest = json.loads((root / "agents.json").read_text())
    manifest["secrets"]["spare"] = {"value": "${HOOK_TOKEN}"}
    (root / "agents.json").write_text(json.dumps(manifest))
    import_number(served_emulator.url)
    sync(root, "staging")
    spare_id = state(root, "staging")["secrets"]["spare"]["id"]
    run_cli(["delete", "spare", "--kind", "secret", "-e", "staging", "--yes"], cwd=root, env=keys())
    assert "spare" not in json.loads((root / "agents.json").read_text())["secrets"]
    assert "spare" not in state(root, "staging")["secrets"]
    listed = remote_ok(served_emulator.url, "GET", "/v1/convai/secrets")["secrets"]
    assert spare_id not in {secret["secret_id"] for secret in listed}
    run_cli(
        ["delete", "settings", "--kind", "workspace_settings", "-e", "staging", "--yes"], cwd=root, env=keys()
    )
    assert (
        "workspace" not in json.loads((root / "agents.json").read_text())
        or not json.loads((root / "agents.json").read_text())["workspace"]
    )
    assert remote_ok(served_emulator.url, "GET", "/v1/convai/settings")["webhooks"]["post_call_webhook_id"]


def test_prune_refuses_a_secret_something_outside_the_project_uses(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    hook_id = state(synced, "staging")["secrets"]["hook-token"]["id"]
    outside = {
        "tool_config": {
            "type": "webhook",
            "name": "made_in_the_dashboard",
            "description": "Not ours.",
            "api_schema": {"url": "https://x.example.com", "request_headers": {"X": {"secret_id": hook_id}}},
        }
    }
    tool_id = remote_ok(served_emulator.url, "POST", "/v1/convai/tools", outside)["id"]
    manifest = json.loads((synced / "agents.json").read_text())
    del manifest["secrets"]["hook-token"]
    manifest["environment_variables"]["crm-key"]["values"]["staging"] = "@secret:crm-token"
    del manifest["workspace"]
    (synced / "agents.json").write_text(json.dumps(manifest))
    result = run_cli(["sync", "-e", "staging", "--prune", "--yes"], cwd=synced, env=keys(), expect=1)
    said = result.stdout + result.stderr
    assert "not deleted: secret hook-token is still used by tool made_in_the_dashboard" in said, said
    assert tool_id in said
    listed = remote_ok(served_emulator.url, "GET", "/v1/convai/secrets")["secrets"]
    assert hook_id in {secret["secret_id"] for secret in listed}


def test_a_saved_plan_of_a_rotated_secret_holds_no_value_and_applies(synced: Path) -> None:
    env = keys(NEW_CRM_VALUE)
    run_cli(["plan", "-e", "staging", "--out", "rotate.plan.json"], cwd=synced, env=env)
    saved = (synced / "rotate.plan.json").read_text()
    assert NEW_CRM_VALUE not in saved and CRM_VALUE not in saved and "${CRM_TOKEN}" in saved
    run_cli(["sync", "rotate.plan.json", "--yes"], cwd=synced, env=env)
    assert "No changes." in plan(synced, "staging", crm=NEW_CRM_VALUE)


def test_webhooks_are_listed_shown_replaced_for_a_new_url_and_kept_while_in_use(
    synced: Path, served_emulator: ServedEmulator
) -> None:
    listed = run_cli(["list", "-e", "staging", "--remote", "--json"], cwd=synced, env=keys()).stdout
    assert "post-call" in listed and HOOK_VALUE not in listed
    shown = run_cli(["status", "-e", "staging"], cwd=synced, env=keys())
    assert "post-call" in shown.stdout + shown.stderr
    # A rotated header value (write-only: never read back) plans an update without either value.
    rotated = {**keys(), "HOOK_TOKEN": "hook-rotated-9a1c"}
    changed = run_cli(["plan", "-e", "staging", "--detailed-exitcode"], cwd=synced, env=rotated, expect=2)
    assert "~ webhook post-call" in changed.stdout and "request_headers: (value changed)" in changed.stdout
    assert "hook-rotated-9a1c" not in changed.stdout and HOOK_VALUE not in changed.stdout
    manifest = json.loads((synced / "agents.json").read_text())
    manifest["webhooks"]["post-call"]["webhook_url"] = "https://hooks.example.com/moved"
    (synced / "agents.json").write_text(json.dumps(manifest))
    # The API cannot change a URL: the webhook is replaced, the settings repointed before the old one goes.
    replaced = plan(synced, "staging", expect=2)
    assert "± webhook post-call" in replaced and "1 to replace" in replaced, replaced
    sync(synced, "staging")
    hooks = remote_ok(served_emulator.url, "GET", "/v1/workspace/webhooks")["webhooks"]
    assert [hook["webhook_url"] for hook in hooks] == ["https://hooks.example.com/moved"]
    settings = remote_ok(served_emulator.url, "GET", "/v1/convai/settings")
    assert settings["webhooks"]["post_call_webhook_id"] == hooks[0]["webhook_id"]
    assert "No changes." in plan(synced, "staging")
    # Under a new name: the settings follow the reference, the old webhook is pruned after they moved.
    manifest["webhooks"] = {"moved": manifest["webhooks"]["post-call"]}
    manifest["workspace"]["settings"]["webhooks"]["post_call_webhook_id"] = "@webhook:moved"
    (synced / "agents.json").write_text(json.dumps(manifest))
    sync(synced, "staging", "--prune")
    hooks = remote_ok(served_emulator.url, "GET", "/v1/workspace/webhooks")["webhooks"]
    assert [hook["webhook_url"] for hook in hooks] == ["https://hooks.example.com/moved"]
    settings = remote_ok(served_emulator.url, "GET", "/v1/convai/settings")
    assert settings["webhooks"]["post_call_webhook_id"] == hooks[0]["webhook_id"]
    assert "No changes." in plan(synced, "staging")
    # The settings still name it: the API refuses the delete (409), and the entry stays declared.
    args = ["delete", "moved", "--kind", "webhook", "-e", "staging", "--yes"]
    refused = run_cli(args, cwd=synced, env=keys(), expect=1)
    assert "post-call webhook" in refused.stderr, refused.stderr
    assert "moved" in json.loads((synced / "agents.json").read_text())["webhooks"]
    assert len(remote_ok(served_emulator.url, "GET", "/v1/workspace/webhooks")["webhooks"]) == 1
