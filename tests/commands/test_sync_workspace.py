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
        "webhooks": {"post_call_webhook_id": "hook_post_call", "send_audio": False},
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
        "workspace": {
            "settings": settings
        },
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
