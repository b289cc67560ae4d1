"""Helpers for the plan/sync end-to-end tests: a project on disk, the emulator on loopback, remote peeks.

Not collected by pytest (no ``test_`` prefix). Projects get two environments, ``staging`` and ``prod``, both
pointing at the same served emulator (one workspace), with their own key variables.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

SECRET = "e2e-s3cret-value-91f3"
KEYS = {"KEY_STAGING": "sk_staging", "KEY_PROD": "sk_prod", "E2E_ORDERS_TOKEN": SECRET}

TOOL = """\
type: webhook
name: lookup_order
description: Look up an order by its number.
api_schema:
  url: https://orders.example.com/api/orders/{order_number}
  method: GET
  request_headers:
    Authorization: Bearer ${E2E_ORDERS_TOKEN}
  path_params_schema:
    order_number:
      type: string
      description: The order number.
"""

AGENT = """\
name: Support Bot
tags: [support]
conversation_config:
  agent:
    first_message: Hello!
    prompt:
      prompt: |
        You help customers.
        Be brief.
      temperature: 0.3
      tool_ids:
        - "@tool:lookup"
platform_settings:
  testing:
    attached_tests:
      - test_id: "@test:greets"
"""

TEST = """\
type: llm
name: Greets the user
chat_history:
  - role: user
    message: Hi
    time_in_call_secs: 0
success_condition: The agent greets the user.
success_examples:
  - type: success
    response: Hello!
failure_examples:
  - type: failure
    response: What?
"""


def write_project(root: Path, base_url: str, *, agents: dict[str, str] | None = None) -> Path:
    """A project with tool ``lookup``, test ``greets`` and agent ``bot`` (or the given agent files)."""
    agents = agents if agents is not None else {"bot": AGENT}
    for folder in ("agents", "tools", "tests"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "tools" / "lookup.yaml").write_text(TOOL)
    (root / "tests" / "greets.yaml").write_text(TEST)
    for name, text in agents.items():
        (root / "agents" / f"{name}.yaml").write_text(text)
    manifest = {
        "version": 1,
        "default_environment": "staging",
        "environments": {
            "staging": {"api_key_env": "KEY_STAGING", "base_url": base_url},
            "prod": {"api_key_env": "KEY_PROD", "base_url": base_url},
        },
        "agents": {name: {"config": f"agents/{name}.yaml"} for name in agents},
        "tools": {"lookup": {"config": "tools/lookup.yaml"}},
        "tests": {"greets": {"config": "tests/greets.yaml"}},
    }
    (root / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return root


def state(root: Path, env: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "state" / f"{env}.json").read_text())
    return data


def remote_get(base_url: str, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.get(base_url + path, params=params, headers={"xi-api-key": "sk_peek"}, timeout=10)


def remote_patch(base_url: str, path: str, body: dict[str, Any]) -> httpx.Response:
    """An edit made outside the CLI (the dashboard)."""
    return httpx.patch(base_url + path, json=body, headers={"xi-api-key": "sk_dashboard"}, timeout=10)


def remote_list(base_url: str, path: str, key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"page_size": 100}
    while True:
        page = remote_get(base_url, path, params).json()
        items.extend(page[key])
        if not page.get("has_more"):
            return items
        params["cursor"] = page["next_cursor"]


def version_1_fields(kind: str, body: dict[str, Any], salt: str) -> dict[str, str]:
    """``fields`` as agents wrote them in version-1 state files (before keyed lists): leaf paths by list
    index, lists of scalars (id sets too) one leaf hashed in their order, schema defaults left out."""
    from agents_cli.engine.normalise import normalise_remote
    from agents_cli.kinds import REGISTRY

    def leaves(value: Any, path: str, found: dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, dict) and value:
            for key, item in value.items():
                leaves(item, f"{path}.{key}" if path else key, found)
        elif isinstance(value, list) and value and any(isinstance(item, dict | list) for item in value):
            for index, item in enumerate(value):
                leaves(item, f"{path}[{index}]", found)
        else:
            found[path] = value
        return found

    def digest(path: str, value: Any) -> str:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(f"{salt}\0{path}\0{canonical}".encode()).hexdigest()[:16]

    resource_kind = REGISTRY[kind]
    minimal = normalise_remote(kind, resource_kind.minimal_body(resource_kind.discriminator(body)))
    defaults = leaves(minimal, "", {})
    return {
        path: digest(path, value)
        for path, value in leaves(body, "", {}).items()
        if not (path in defaults and type(defaults[path]) is type(value) and defaults[path] == value)
    }


@contextlib.contextmanager
def serve_emulator(settings: Any = None, data_path: Path | None = None) -> Iterator[str]:
    """The emulator on 127.0.0.1 (a free port) in a background thread; stops when the block ends."""
    from agents_cli.emulator.server import running_emulator

    with running_emulator(settings, data_path) as served:
        yield served.url
