"""Workspace secrets (``routes_secrets``): values are write-only, ``used_by`` names the tools and agents
that reference a secret, and a used secret cannot be deleted. Real loopback HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.cli import run_cli
from tests.support.emulator import expect_error, expect_ok


def test_secret_values_are_write_only(client: httpx.Client) -> None:
    created = client.post("/v1/convai/secrets", json={"type": "new", "name": "k", "value": "s3cret"})
    assert "s3cret" not in created.text
    assert "s3cret" not in client.get("/v1/convai/secrets").text


def test_the_embedded_emulators_database_keeps_no_secret_value(tmp_path: Path) -> None:
    """The ``local`` environment's store is a file in the project (``.agents/emulator.db``): a secret
    synced there leaves only a digest of its value on disk."""
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "secret", "crm-token"], cwd=tmp_path)
    run_cli(["sync", "--yes"], cwd=tmp_path, env={"CRM_TOKEN": "local-s3cret-v4lue"})
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "emulator.db" for path in written)
    assert not [path for path in written if b"local-s3cret-v4lue" in path.read_bytes()]


def test_secrets_report_who_uses_them_and_cannot_be_deleted_while_used(client: httpx.Client) -> None:
    secret = expect_ok(client.post("/v1/convai/secrets", json={"type": "new", "name": "crm", "value": "k"}))
    locator = {"secret_id": secret["secret_id"]}
    webhook = {
        "type": "webhook",
        "name": "crm_lookup",
        "description": "Look up a customer",
        "api_schema": {
            "url": "https://crm.example.com/lookup",
            "request_headers": {"Authorization": locator},
        },
    }
    tool = expect_ok(client.post("/v1/convai/tools", json={"tool_config": webhook}))["id"]
    prompt_with_tool = {"prompt": {"tool_ids": [tool]}}
    via_tool = expect_ok(
        client.post(
            "/v1/convai/agents/create",
            json={"name": "via tool", "conversation_config": {"agent": prompt_with_tool}},
        )
    )["agent_id"]
    custom_llm = {"llm": "custom-llm", "custom_llm": {"url": "https://llm.example.com", "api_key": locator}}
    direct = expect_ok(
        client.post(
            "/v1/convai/agents/create",
            json={"name": "direct", "conversation_config": {"agent": {"prompt": custom_llm}}},
        )
    )["agent_id"]

    used_by = expect_ok(client.get(f"/v1/convai/secrets/{secret['secret_id']}"))["used_by"]
    assert [(t["id"], t["name"]) for t in used_by["tools"]] == [(tool, "crm_lookup")]
    agents = {a["id"]: a["referenced_resource_ids"] for a in used_by["agents"]}
    assert agents == {via_tool: [tool], direct: []}
    listed = expect_ok(client.get("/v1/convai/secrets", params={"dependency_limit": 1}))["secrets"][0][
        "used_by"
    ]
    assert len(listed["agents"]) == 1 and listed["agents_has_more"] is True
    assert listed["tools_has_more"] is False

    refused = client.delete(f"/v1/convai/secrets/{secret['secret_id']}")
    assert tool in expect_error(refused, 409, "secret_in_use")
    assert client.delete(f"/v1/convai/agents/{direct}").status_code == 204
    assert client.delete(f"/v1/convai/tools/{tool}", params={"force": "true"}).status_code == 200
    assert client.delete(f"/v1/convai/secrets/{secret['secret_id']}").status_code == 204
    expect_error(client.get(f"/v1/convai/secrets/{secret['secret_id']}"), 404, "secret_not_found")


def test_the_embedded_emulators_database_keeps_no_webhook_header_value(tmp_path: Path) -> None:
    """A workspace webhook's request headers (credentials) are kept as a digest only, like secret values."""
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "webhook", "post-call"], cwd=tmp_path)
    run_cli(["sync", "--yes"], cwd=tmp_path, env={"WEBHOOK_TOKEN": "local-h00k-t0ken"})
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "emulator.db" for path in written)
    assert not [path for path in written if b"local-h00k-t0ken" in path.read_bytes()]
