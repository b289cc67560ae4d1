"""A project as the official ElevenLabs CLI 1.x leaves it after ``agents push`` (reproduced from its
documented layout, /work/shared/notes/official-cli-layout.md): ``agents.json``/``tools.json``/``tests.json``
registries with the remote ids, ``agent_configs/``, ``tool_configs/``, ``test_configs/`` holding the JSON the
CLI sent, raw ids where we write references. ``pushed_official_project`` creates the resources on a served
emulator with exactly those bodies, as the push does, and writes the files with the ids it got."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

LOOKUP_TOKEN = "sk-live-orders-5f2e"
LOOKUP_TOOL: dict[str, Any] = {
    "type": "webhook",
    "name": "lookup_order",
    "description": "Look up an order by its number.",
    "api_schema": {
        "url": "https://orders.example.com/api/orders/{order_number}",
        "method": "GET",
        "request_headers": {"Authorization": f"Bearer {LOOKUP_TOKEN}"},
        "path_params_schema": {"order_number": {"type": "string", "description": "The order number."}},
    },
}
CARD_TOOL: dict[str, Any] = {"type": "client", "name": "show_card", "description": "Show a product card."}
GREETS_TEST: dict[str, Any] = {
    "type": "llm",
    "name": "Greets the user",
    "chat_history": [{"role": "user", "message": "Hi", "time_in_call_secs": 0}],
    "success_condition": "The agent greets the user.",
    "success_examples": [{"type": "success", "response": "Hello!"}],
    "failure_examples": [{"type": "failure", "response": "What?"}],
}


def support_agent(tool_ids: list[str], test_id: str) -> dict[str, Any]:
    return {
        "name": "Support Bot",
        "tags": ["support"],
        "conversation_config": {
            "agent": {
                "first_message": "Hello! How can I help?",
                "language": "en",
                "prompt": {
                    "prompt": "You help customers.\nBe brief.\n",
                    "temperature": 0.3,
                    "tool_ids": tool_ids,
                },
            }
        },
        "platform_settings": {"testing": {"attached_tests": [{"test_id": test_id}]}},
    }


def front_desk_agent(target: str) -> dict[str, Any]:
    transfer = {
        "name": "transfer_to_agent",
        "description": "",
        "params": {
            "system_tool_type": "transfer_to_agent",
            "transfers": [{"agent_id": target, "condition": "The caller has a question about an order."}],
        },
    }
    return {
        "name": "Front Desk",
        "conversation_config": {
            "agent": {
                "first_message": "Welcome!",
                "prompt": {"prompt": "Route callers.", "built_in_tools": {"transfer_to_agent": transfer}},
            }
        },
    }


def _post(http: httpx.Client, path: str, body: dict[str, Any], id_field: str) -> str:
    response = http.post(path, json=body)
    assert response.status_code == 200, response.text
    created: str = response.json()[id_field]
    return created


def _write(root: Path, relative: str, data: Any) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)  # as the official CLI writes them


def pushed_official_project(root: Path, http: httpx.Client) -> dict[str, str]:
    """The official project at ``root``, pushed to the emulator ``http`` talks to; file stem → remote id."""
    ids = {
        "lookup-order": _post(http, "/v1/convai/tools", {"tool_config": LOOKUP_TOOL}, "id"),
        "show-card": _post(http, "/v1/convai/tools", {"tool_config": CARD_TOOL}, "id"),
        "greets": _post(http, "/v1/convai/agent-testing/create", GREETS_TEST, "id"),
    }
    support = support_agent([ids["lookup-order"], ids["show-card"]], ids["greets"])
    ids["support-bot"] = _post(http, "/v1/convai/agents/create", support, "agent_id")
    front = front_desk_agent(ids["support-bot"])
    ids["front-desk"] = _post(http, "/v1/convai/agents/create", front, "agent_id")
    configs = {
        "tool_configs/lookup-order.json": LOOKUP_TOOL,
        "tool_configs/show-card.json": CARD_TOOL,
        "test_configs/greets.json": GREETS_TEST,
        "agent_configs/support-bot.json": support,
        "agent_configs/front-desk.json": front,
    }
    for relative, data in configs.items():
        _write(root, relative, data)
    _write(
        root,
        "tools.json",
        {
            "tools": [
                {"type": "webhook", "config": "tool_configs/lookup-order.json", "id": ids["lookup-order"]},
                {"type": "client", "config": "tool_configs/show-card.json", "id": ids["show-card"]},
            ]
        },
    )
    _write(
        root,
        "tests.json",
        {"tests": [{"config": "test_configs/greets.json", "type": "llm", "id": ids["greets"]}]},
    )
    _write(
        root,
        "agents.json",
        {
            "agents": [
                {
                    "config": "agent_configs/support-bot.json",
                    "id": ids["support-bot"],
                    "branch_id": "agtbranch_1",
                    "version_id": "agtvrsn_1",
                },
                {"config": "agent_configs/front-desk.json", "id": ids["front-desk"]},
            ]
        },
    )
    (root / ".env.example").write_text("ELEVENLABS_API_KEY=\n")
    (root / ".gitignore").write_text(".env\n")
    return ids
