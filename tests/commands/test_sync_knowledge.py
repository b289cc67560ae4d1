"""Knowledge-base documents and MCP servers end to end over loopback: sync, no-op, a file's bytes edited
(the document replaced, the agents repointed, the old one deleted last), a second environment, pull."""

from __future__ import annotations

import json
from pathlib import Path

from elevenlabs.client import ElevenLabs

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_get, remote_list, remote_ok
from tests.support.knowledge import KB_KEYS, MCP_SECRET, POLICY, knowledge_project
from tests.support.project import state, write_file
from tests.support.samples import TEST


def cli(root: Path, *args: str, expect: int = 0) -> tuple[str, str]:
    result = run_cli(list(args), cwd=root, env=KB_KEYS, expect=expect)
    return result.stdout, result.stderr


def sdk(url: str) -> ElevenLabs:
    return ElevenLabs(api_key="sk_sdk", base_url=url)


def test_documents_and_mcp_servers_sync_in_one_run_then_plan_clean(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    stdout, _ = cli(root, "sync", "--json")
    outcomes = json.loads(stdout)["results"]
    created = {(r["kind"], r["name"]) for r in outcomes if r["result"] == "created"}
    assert len(created) == 6 and {r["result"] for r in outcomes} == {"created", "indexed"}
    # The agents use their documents with usage_mode auto: sync computed each RAG index and waited for it.
    indexed = {r["name"] for r in outcomes if r["result"] == "indexed"}
    assert indexed == {"returns-policy", "opening-hours", "shipping-faq"}
    recorded = state(root, "staging")
    assert recorded["knowledge_base"]["returns-policy"]["recorded"]["content_sha256"].startswith("sha256:")
    out, _ = cli(root, "plan", "--detailed-exitcode")
    assert "No changes." in out
    server_id = recorded["mcp_servers"]["orders"]["id"]
    server = remote_get(served_emulator.url, f"/v1/convai/mcp-servers/{server_id}").json()
    assert server["config"]["request_headers"]["Authorization"] == f"Bearer {MCP_SECRET}"
    assert server["config"]["tool_config_overrides"][0]["response_timeout_secs"] == 20


def test_editing_a_files_bytes_replaces_the_document_and_repoints_the_agents(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    cli(root, "sync")
    old_id = state(root, "staging")["knowledge_base"]["returns-policy"]["id"]
    new_text = POLICY.replace("30 days", "60 days")
    (root / "knowledge" / "returns-policy.md").write_text(new_text)
    plan, _ = cli(root, "plan", "--detailed-exitcode", expect=2)
    assert "kb returns-policy" in plan and "replace" in plan
    assert "@kb:returns-policy" in plan  # the agents are repointed, shown by reference, not by raw id
    assert "agent support" in plan and "agent sales" in plan
    cli(root, "sync")
    new_id = state(root, "staging")["knowledge_base"]["returns-policy"]["id"]
    assert new_id != old_id
    assert remote_get(served_emulator.url, f"/v1/convai/knowledge-base/{old_id}").status_code == 404
    client = sdk(served_emulator.url)
    for name in ("support", "sales"):
        agent = client.conversational_ai.agents.get(state(root, "staging")["agents"][name]["id"])
        ids = [entry.id for entry in agent.conversation_config.agent.prompt.knowledge_base]
        assert new_id in ids
        for document_id in ids:
            assert client.conversational_ai.knowledge_base.documents.get(document_id).id == document_id
    content = remote_get(served_emulator.url, f"/v1/convai/knowledge-base/{new_id}/content").content
    assert content == new_text.encode()
    out, _ = cli(root, "plan", "--detailed-exitcode")
    assert "No changes." in out
    names = [
        doc["name"] for doc in remote_list(served_emulator.url, "/v1/convai/knowledge-base", "documents")
    ]
    assert names.count("Returns policy") == 1


def test_a_second_environment_gets_its_own_ids(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    cli(root, "sync", "--env", "staging")
    cli(root, "sync", "--env", "prod")  # the same workspace: found by name, never taken for staging's
    staging, prod = state(root, "staging"), state(root, "prod")
    for section in ("knowledge_base", "mcp_servers", "agents"):
        for name, entry in staging[section].items():
            assert entry["id"] != prod[section][name]["id"], (section, name)
    cli(root, "plan", "--env", "prod", "--detailed-exitcode")
    cli(root, "plan", "--env", "staging", "--detailed-exitcode")
    documents = remote_list(served_emulator.url, "/v1/convai/knowledge-base", "documents")
    assert len(documents) == 6  # three per environment, none duplicated


def test_pull_of_a_workspace_into_an_empty_project_plans_clean(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    cli(root, "sync", "--env", "staging")
    empty = tmp_path / "pulled"
    empty.mkdir()
    (empty / "agents.json").write_text(
        json.dumps(
            {
                "version": 1,
                "default_environment": "staging",
                "environments": {"staging": {"api_key_env": "KEY_STAGING", "base_url": served_emulator.url}},
            }
        )
    )
    cli(empty, "pull", "--all", "--yes")
    pulled_text = (empty / "knowledge" / "returns-policy.md").read_bytes()
    assert pulled_text == POLICY.encode()
    assert MCP_SECRET not in (empty / "mcp_servers" / "orders-mcp.yaml").read_text()
    # The header comes back as a placeholder: its value is given to the process, never written.
    header = {"ORDERS_MCP_AUTHORIZATION": f"Bearer {MCP_SECRET}"}
    out = run_cli(["plan", "--detailed-exitcode"], cwd=empty, env={**KB_KEYS, **header}).stdout
    assert "No changes." in out


def test_the_mcp_secret_header_is_never_written_or_printed(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    outputs = [*cli(root, "plan"), *cli(root, "sync", "--json"), *cli(root, "plan", "--json")]
    server = root / "mcp_servers" / "orders.yaml"
    server.write_text(server.read_text().replace("require_approval_per_tool", "auto_approve_all"))
    outputs += [*cli(root, "plan", "--out", "reviewed.plan"), *cli(root, "sync", "reviewed.plan", "--yes")]
    outputs += [*cli(root, "status", "--json"), *cli(root, "list", "--remote"), *cli(root, "--debug", "plan")]
    for text in outputs:
        assert MCP_SECRET not in text
    for path in root.rglob("*"):
        if path.is_file():
            assert MCP_SECRET.encode() not in path.read_bytes(), path


def test_prune_refuses_a_document_an_agent_outside_the_project_uses(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    cli(root, "sync")
    doc_id = state(root, "staging")["knowledge_base"]["opening-hours"]["id"]
    outside = remote_ok(
        served_emulator.url,
        "POST",
        "/v1/convai/agents/create",
        {
            "name": "Dashboard agent",
            "conversation_config": {
                "agent": {
                    "prompt": {"knowledge_base": [{"type": "text", "name": "Opening hours", "id": doc_id}]}
                }
            },
        },
    )
    support = root / "agents" / "support.yaml"
    support.write_text(
        support.read_text().replace(
            "        - id: '@kb:opening-hours'\n          type: text\n          name: Opening hours\n", ""
        )
    )
    manifest = json.loads((root / "agents.json").read_text())
    del manifest["knowledge_base"]["opening-hours"]
    (root / "agents.json").write_text(json.dumps(manifest))
    out, err = cli(root, "sync", "--prune", "--yes", expect=1)
    said = out + err
    assert "not deleted: kb opening-hours is still used by agent Dashboard agent" in said
    assert outside["agent_id"] in said
    assert remote_get(served_emulator.url, f"/v1/convai/knowledge-base/{doc_id}").status_code == 200
    assert (
        "opening-hours" in state(root, "staging")["knowledge_base"]
    )  # still tracked: the next prune retries


def test_agents_test_runs_an_agent_that_uses_documents_with_their_ids(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = knowledge_project(tmp_path / "p", served_emulator.url)
    write_file(root, "tests/greets.yaml", TEST)
    manifest = json.loads((root / "agents.json").read_text())
    manifest["tests"] = {"greets": {"config": "tests/greets.yaml"}}
    (root / "agents.json").write_text(json.dumps(manifest))
    support = root / "agents" / "support.yaml"
    support.write_text(
        support.read_text()
        + "platform_settings:\n  testing:\n    attached_tests:\n      - test_id: '@test:greets'\n"
    )
    out, _ = cli(root, "test", "support")  # syncs what the run needs first: documents, server, test, agent
    assert "1 passed" in out
    # The documents the agent's config references were created first: the run resolved @kb: to their ids.
    recorded = state(root, "staging")["knowledge_base"]
    for name in ("returns-policy", "opening-hours"):
        path = f"/v1/convai/knowledge-base/{recorded[name]['id']}"
        assert remote_get(served_emulator.url, path).status_code == 200
