"""Helpers the emulator's HTTP tests share: short ways to create resources and to check answers.

Not collected by pytest (no ``test_`` prefix). Each test module opens its own ``client`` on the
``served_emulator`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

AGENT_BODY: dict[str, Any] = {
    "name": "Support",
    "conversation_config": {"agent": {"first_message": "Hi", "prompt": {"prompt": "Help."}}},
}
WELCOME_TEST = {"type": "llm", "name": "welcomes", "success_condition": "The agent says 'welcome'"}
# How long a test waits for something that must happen before it calls it a failure: far longer than
# anything takes on a loaded machine, since reaching it means "never".
EVENT_DEADLINE_S = 60.0


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float = EVENT_DEADLINE_S) -> None:
    """Return as soon as ``condition()`` holds; fail only when it has not held after ``deadline_s``.

    For conditions with no event to wait on (what another thread has recorded); where the emulator offers
    an event (``RunningEmulator.background.wait_until_idle``), wait on that.
    """
    give_up = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < give_up, f"{what} never happened"
        time.sleep(0.005)  # a re-check interval, not an assumption about how long anything takes


def expect_ok(response: httpx.Response) -> Any:
    """The JSON of a successful answer (None when it has no body); fails with the answer otherwise."""
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text[:300]}"
    return response.json() if response.content else None


def expect_error(response: httpx.Response, status: int, code: str) -> str:
    """The message of an error answer in the API's shape, after checking its status and code."""
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert detail["status"] == code, detail
    message: str = detail["message"]
    return message


def create_agent(client: httpx.Client, body: dict[str, Any] | None = None) -> str:
    response = client.post("/v1/convai/agents/create", json=body or AGENT_BODY)
    assert response.status_code == 200, response.text
    agent_id: str = response.json()["agent_id"]
    return agent_id


def create_tool(client: httpx.Client, name: str = "show") -> str:
    body = {"tool_config": {"type": "client", "name": name, "description": "d"}}
    response = client.post("/v1/convai/tools", json=body)
    assert response.status_code == 200, response.text
    tool_id: str = response.json()["id"]
    return tool_id


def transfer_agent(name: str, *targets: str) -> dict[str, Any]:
    """An agent create body whose ``transfer_to_agent`` rules name ``targets``."""
    rules = [{"agent_id": target, "condition": f"The caller asks for {target}."} for target in targets]
    transfer = {
        "name": "transfer_to_agent",
        "description": "",
        "params": {"system_tool_type": "transfer_to_agent", "transfers": rules},
    }
    return {
        "name": name,
        "conversation_config": {"agent": {"prompt": {"built_in_tools": {"transfer_to_agent": transfer}}}},
    }


def transfers(agent: dict[str, Any]) -> list[str]:
    """The agent ids an agent's ``transfer_to_agent`` rules name."""
    tool = agent["conversation_config"]["agent"]["prompt"]["built_in_tools"]["transfer_to_agent"]
    return [rule["agent_id"] for rule in tool["params"]["transfers"]]
