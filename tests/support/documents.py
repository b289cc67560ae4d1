"""JSON documents shaped like the API's, for the key-path tests: the key paths of an agent's attached tests
and prompt, and an agent with given attached tests and tool ids."""

from __future__ import annotations

from typing import Any

TESTS = ("platform_settings", "testing", "attached_tests")
PROMPT = ("conversation_config", "agent", "prompt")


def agent(tests: list[str], tool_ids: list[str]) -> dict[str, Any]:
    return {
        "platform_settings": {
            "testing": {"attached_tests": [{"test_id": t, "workflow_node_id": None} for t in tests]}
        },
        "conversation_config": {"agent": {"prompt": {"tool_ids": tool_ids, "temperature": 0.5}}},
    }
