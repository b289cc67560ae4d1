"""``agents init``, ``agents add`` and ``agents templates``: scaffolding that never clobbers silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.project.loader import load_file
from tests.support.cli import init_project, run_cli


def test_init_add_validate_round_trip(tmp_path: Path) -> None:
    run_cli(["init"], cwd=tmp_path)
    manifest = json.loads((tmp_path / "agents.json").read_text(encoding="utf-8"))
    assert manifest["$schema"] == ".agents/schemas/manifest.schema.json"
    assert manifest["default_environment"] == "local"
    assert manifest["environments"]["local"] == {"emulator": True}
    assert set(manifest["environments"]) == {"local", "dev", "prod"}
    assert ".agents/" in (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert (tmp_path / ".env.example").is_file()
    assert all((tmp_path / folder).is_dir() for folder in ("agents", "tools", "tests"))
    assert (tmp_path / ".agents/schemas/agent.schema.json").is_file()

    result = run_cli(["add", "agent", "Support Bot", "--template", "customer-service"], cwd=tmp_path)
    assert "agents/support-bot.yaml" in result.stderr
    config = tmp_path / "agents/support-bot.yaml"
    assert config.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../.agents/schemas/agent.schema.json\n"
    )
    assert load_file(config).data["name"] == "Support Bot"
    manifest = json.loads((tmp_path / "agents.json").read_text(encoding="utf-8"))
    assert manifest["agents"] == {"support-bot": {"config": "agents/support-bot.yaml"}}
    assert run_cli(["validate"], cwd=tmp_path).stdout == "no problems in 2 files\n"


def test_add_each_kind_with_overlay_and_json(tmp_path: Path) -> None:
    run_cli(["init"], cwd=tmp_path)
    run_cli(["add", "tool", "Lookup Order", "--template", "webhook", "--format", "json"], cwd=tmp_path)
    run_cli(["add", "test", "Looks up the order", "--template", "tool"], cwd=tmp_path)
    run_cli(["add", "agent", "Desk", "--env", "prod"], cwd=tmp_path)
    tool = json.loads((tmp_path / "tools/lookup-order.json").read_text(encoding="utf-8"))
    assert tool["$schema"] == "../.agents/schemas/tool.schema.json"
    assert tool["name"] == "lookup-order"
    assert load_file(tmp_path / "tests/looks-up-the-order.yaml").data["name"] == "Looks up the order"
    overlay = tmp_path / "agents/desk.prod.yaml"
    assert load_file(overlay).data == {}
    manifest = json.loads((tmp_path / "agents.json").read_text(encoding="utf-8"))
    assert manifest["agents"]["desk"] == {
        "config": "agents/desk.yaml",
        "overlays": {"prod": "agents/desk.prod.yaml"},
    }
    assert list(manifest) == [
        "$schema",
        "version",
        "default_environment",
        "environments",
        "agents",
        "tools",
        "tests",
        "knowledge_base",
        "mcp_servers",
    ]
    # The tool test template references @tool:lookup-order, which now exists.
    run_cli(["validate"], cwd=tmp_path)


def test_add_refuses_collisions_and_bad_names(tmp_path: Path) -> None:
    run_cli(["init"], cwd=tmp_path)
    run_cli(["add", "agent", "Bot"], cwd=tmp_path)
    again = run_cli(["add", "agent", "bot"], cwd=tmp_path, expect=1)
    assert "agent 'bot' is already registered" in again.stderr
    (tmp_path / "agents/other.yaml").write_text("name: x\n", encoding="utf-8")
    exists = run_cli(["add", "agent", "Other"], cwd=tmp_path, expect=1)
    assert "agents/other.yaml already exists" in exists.stderr
    assert (tmp_path / "agents/other.yaml").read_text(encoding="utf-8") == "name: x\n"
    empty = run_cli(["add", "agent", "../.."], cwd=tmp_path, expect=1)
    assert "does not make a usable local name" in empty.stderr
    unknown = run_cli(["add", "agent", "X", "--template", "custmer-service"], cwd=tmp_path, expect=1)
    assert "did you mean 'customer-service'" in unknown.stderr
    assert "Traceback" not in unknown.stderr + unknown.stdout
    bad_env = run_cli(["add", "agent", "Y", "--env", "qa"], cwd=tmp_path, expect=1)
    assert "unknown environment 'qa'" in bad_env.stderr
    assert not (tmp_path / "agents/y.yaml").exists()


def test_add_path_traversal_is_neutralised(tmp_path: Path) -> None:
    run_cli(["init", "project"], cwd=tmp_path)
    root = tmp_path / "project"
    run_cli(["add", "agent", "../evil"], cwd=root)
    assert (root / "agents/evil.yaml").is_file()
    assert not (tmp_path / "evil.yaml").exists() and not (root / "evil.yaml").exists()
    assert sorted(path.name for path in (root / "agents").iterdir()) == ["evil.yaml"]


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    result = run_cli(["init"], cwd=tmp_path)
    assert "skipped  .gitignore" in result.stderr
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    run_cli(["add", "agent", "Keep Me"], cwd=tmp_path)
    again = run_cli(["init"], cwd=tmp_path)
    assert "skipped  agents.json" in again.stderr
    # Every file skipped: it did not initialise anything, and says so.
    assert "nothing was changed" in again.stderr and "initialised" not in again.stderr
    assert "keep-me" in (tmp_path / "agents.json").read_text(encoding="utf-8")
    forced = run_cli(["init", "--force"], cwd=tmp_path)
    assert "replaced agents.json" in forced.stderr and "replaced .gitignore" in forced.stderr
    assert "keep-me" not in (tmp_path / "agents.json").read_text(encoding="utf-8")


def test_init_with_an_unreadable_manifest_says_how_to_recover(tmp_path: Path) -> None:
    (tmp_path / "agents.json").write_text("{broken", encoding="utf-8")
    result = run_cli(["init"], cwd=tmp_path, expect=1)
    assert "cannot be read" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "agents.json").read_text(encoding="utf-8") == "{broken"


def test_templates_list_and_show(tmp_path: Path) -> None:
    listed = json.loads(run_cli(["templates", "list", "--json"], cwd=tmp_path).stdout)
    names = {(item["kind"], item["name"]) for item in listed}
    assert names == {
        ("agent", "default"),
        ("agent", "minimal"),
        ("agent", "voice-only"),
        ("agent", "text-only"),
        ("agent", "customer-service"),
        ("agent", "assistant"),
        ("tool", "webhook"),
        ("tool", "client"),
        ("test", "llm"),
        ("test", "tool"),
        ("test", "simulation"),
        ("kb", "kb-file"),
        ("kb", "kb-url"),
        ("kb", "kb-text"),
        ("mcp", "mcp-server"),
        ("secret", "secret"),
        ("environment_variable", "string"),
        ("environment_variable", "secret"),
        ("phone_number", "existing"),
        ("phone_number", "twilio"),
        ("phone_number", "sip-trunk"),
        ("webhook", "hmac"),
        ("workspace_settings", "webhooks"),
    }
    assert all(item["description"] for item in listed)
    tools_only = run_cli(["templates", "list", "tool"], cwd=tmp_path).stdout.splitlines()
    assert [line.split()[1] for line in tools_only] == ["client", "webhook"]
    shown = run_cli(["templates", "show", "webhook"], cwd=tmp_path).stdout
    assert shown.startswith("# description:") and "type: webhook" in shown
    as_json = json.loads(
        run_cli(["templates", "show", "llm", "--kind", "test", "--json"], cwd=tmp_path).stdout
    )
    assert as_json["content"]["type"] == "llm"
    missing = run_cli(["templates", "show", "webhok"], cwd=tmp_path, expect=1)
    assert "did you mean 'webhook'" in missing.stderr


@pytest.mark.parametrize("kind", ["agent", "tool", "test"])
def test_every_template_can_be_added_and_validates(tmp_path: Path, kind: str) -> None:
    run_cli(["init"], cwd=tmp_path)
    if kind == "test":
        run_cli(["add", "tool", "lookup-order"], cwd=tmp_path)  # what the tool-test template references
    listed = json.loads(run_cli(["templates", "list", kind, "--json"], cwd=tmp_path).stdout)
    for item in listed:
        run_cli(["add", kind, f"from {item['name']}", "--template", item["name"]], cwd=tmp_path)
    assert run_cli(["validate"], cwd=tmp_path).stdout.startswith("no problems in ")


def test_add_env_on_a_registered_agent_creates_just_its_overlay(tmp_path: Path) -> None:
    # The docs say 'agents add agent NAME --env prod' creates the overlay; for an agent that already
    # existed it refused with "already registered".
    run_cli(["init", str(tmp_path)], cwd=tmp_path)
    run_cli(["add", "agent", "Bot", "--format", "json"], cwd=tmp_path)
    before = (tmp_path / "agents" / "bot.json").read_text()
    added = run_cli(["add", "agent", "bot", "--env", "prod"], cwd=tmp_path)
    assert "agents/bot.prod.json" in added.stderr
    assert (tmp_path / "agents" / "bot.json").read_text() == before
    overlay = json.loads((tmp_path / "agents" / "bot.prod.json").read_text())
    assert overlay == {"$schema": "../.agents/schemas/agent.overlay.schema.json"}
    manifest = json.loads((tmp_path / "agents.json").read_text())
    assert manifest["agents"]["bot"] == {
        "config": "agents/bot.json",
        "overlays": {"prod": "agents/bot.prod.json"},
    }
    run_cli(["validate", "--env", "prod"], cwd=tmp_path)
    again = run_cli(["add", "agent", "bot", "--env", "prod"], cwd=tmp_path, expect=1)
    assert "already has an overlay for 'prod': agents/bot.prod.json" in again.stderr
    unknown = run_cli(["add", "agent", "bot", "--env", "qa"], cwd=tmp_path, expect=1)
    assert "unknown environment 'qa'" in unknown.stderr


def test_add_from_a_template_that_refers_to_a_missing_tool_says_what_to_add(tmp_path: Path) -> None:
    root = init_project(tmp_path)
    added = run_cli(["add", "test", "finds order", "--template", "tool"], cwd=root)
    assert "refers to @tool:lookup-order" in added.stderr
    assert "agents add tool lookup-order --template webhook" in added.stderr
    run_cli(["add", "tool", "lookup-order", "--template", "webhook"], cwd=root)
    # Following the advice makes the project valid, and the next add has nothing to warn about.
    run_cli(["validate"], cwd=root)
    again = run_cli(["add", "test", "finds order 2", "--template", "tool", "--format", "json"], cwd=root)
    assert "refers to" not in again.stderr


def test_init_force_over_a_project_names_the_registrations_it_drops(tmp_path: Path) -> None:
    root = init_project(tmp_path)
    run_cli(["add", "agent", "Support Bot"], cwd=root)
    run_cli(["add", "tool", "lookup-order", "--template", "webhook"], cwd=root)
    kept = run_cli(["init"], cwd=root)
    assert "no longer registered" not in kept.stderr
    replaced = run_cli(["init", "--force"], cwd=root)
    assert "replaced agents.json" in replaced.stderr
    assert (
        "2 resource(s) that are no longer registered: agents.support-bot, tools.lookup-order"
        in replaced.stderr
    )
    assert (root / "agents" / "support-bot.yaml").is_file()


def test_init_gitignore_ignores_the_local_emulators_state(tmp_path: Path) -> None:
    # state/local.json holds the ids of the embedded emulator (its database is in the ignored .agents/),
    # so committing it churned on every clone.
    import subprocess

    init_project(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "state").mkdir(exist_ok=True)
    for name in ("local.json", "local.lock", "prod.json"):
        (tmp_path / "state" / name).write_text("{}")
    ignored = subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path),
            "check-ignore",
            "state/local.json",
            "state/local.lock",
            "state/prod.json",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert ignored == ["state/local.json", "state/local.lock"]


def test_add_documents_and_an_mcp_server_from_their_templates(tmp_path: Path) -> None:
    run_cli(["init"], cwd=tmp_path)
    run_cli(["add", "kb", "Returns Policy", "--template", "kb-file"], cwd=tmp_path)
    run_cli(["add", "kb", "FAQ", "--template", "kb-url"], cwd=tmp_path)
    run_cli(["add", "kb", "Hours", "--template", "kb-text"], cwd=tmp_path)
    run_cli(["add", "mcp", "Orders", "--template", "mcp-server"], cwd=tmp_path)
    document = load_file(tmp_path / "knowledge/returns-policy.yaml").data
    assert document == {"name": "Returns Policy", "file": "knowledge/returns-policy.md"}
    assert (tmp_path / "knowledge/returns-policy.md").read_text().startswith("# Returns Policy")
    manifest = json.loads((tmp_path / "agents.json").read_text(encoding="utf-8"))
    assert sorted(manifest["knowledge_base"]) == ["faq", "hours", "returns-policy"]
    assert manifest["mcp_servers"] == {"orders": {"config": "mcp_servers/orders.yaml"}}
    server = load_file(tmp_path / "mcp_servers/orders.yaml").data
    assert server["request_headers"] == {"Authorization": "Bearer ${MCP_TOKEN}"}


def test_add_declares_workspace_kinds_in_the_manifest(tmp_path: Path) -> None:
    run_cli(["init"], cwd=tmp_path)
    run_cli(["add", "agent", "Support Bot"], cwd=tmp_path)
    run_cli(["add", "secret", "API Key"], cwd=tmp_path)
    run_cli(["add", "environment_variable", "Backend URL"], cwd=tmp_path)
    run_cli(["add", "environment_variable", "Backend Key", "--template", "secret"], cwd=tmp_path)
    run_cli(["add", "phone_number", "Support Line"], cwd=tmp_path)
    added = run_cli(["add", "workspace_settings", "Webhooks", "--template", "webhooks"], cwd=tmp_path)
    assert "refers to @secret:webhook-token" in added.stderr
    run_cli(["add", "secret", "Webhook Token"], cwd=tmp_path)
    run_cli(["add", "webhook", "Post Call"], cwd=tmp_path)
    manifest = json.loads((tmp_path / "agents.json").read_text())
    assert manifest["webhooks"]["post-call"]["webhook_url"].startswith("https://")
    assert manifest["workspace"]["settings"]["webhooks"]["post_call_webhook_id"] == "@webhook:post-call"
    assert manifest["secrets"] == {
        "api-key": {"value": "${API_KEY}"},
        "webhook-token": {"value": "${WEBHOOK_TOKEN}"},
    }
    assert manifest["environment_variables"]["backend-url"]["values"]["production"]
    assert manifest["phone_numbers"]["support-line"]["agent"] == "@agent:support-bot"
    assert "webhooks" in manifest["workspace"]["settings"]
    assert not (tmp_path / "secrets").exists()  # declared in agents.json, no files
    run_cli(["validate"], cwd=tmp_path)
