"""The emulator's cache of shaped response bodies (``responses.ShapedBodyCache``): bounded by count and
bytes, and cached answers follow every change to what a response depends on."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from agents_cli.emulator.responses import ShapedBodyCache
from tests.support.emulator import ServedEmulator

WEBHOOK = {
    "type": "webhook",
    "name": "lookup_order",
    "description": "Look up an order",
    "api_schema": {"url": "https://example.com/orders", "method": "GET"},
}


def test_shaped_body_cache_evicts_by_count_and_by_bytes() -> None:
    by_count = ShapedBodyCache(size=2)
    for index in range(3):
        by_count.put(("Model", str(index)), b"x")
    assert by_count.get(("Model", "0")) is None and by_count.get(("Model", "2")) == b"x"
    by_bytes = ShapedBodyCache(size=100, max_bytes=25)
    by_bytes.put(("Model", "a"), b"0123456789")
    by_bytes.put(("Model", "b"), b"0123456789")
    by_bytes.put(("Model", "c"), b"0123456789")  # 33 bytes in all: the oldest goes
    assert len(by_bytes) == 2 and by_bytes.get(("Model", "a")) is None
    by_bytes.put(("Model", "b"), b"0")  # replacing an entry accounts for the old body
    by_bytes.put(("Model", "d"), b"0123456789")
    assert len(by_bytes) == 3


def test_cached_agent_responses_follow_every_change(
    served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    tool = client.post("/v1/convai/tools", json={"tool_config": WEBHOOK}).json()
    body: dict[str, Any] = {
        "name": "cached",
        "conversation_config": {"agent": {"first_message": "Hi", "prompt": {"tool_ids": [tool["id"]]}}},
    }
    agent_id = client.post("/v1/convai/agents/create", json=body).json()["agent_id"]
    first = client.get(f"/v1/convai/agents/{agent_id}")
    assert client.get(f"/v1/convai/agents/{agent_id}").content == first.content  # served from the cache

    patched = client.patch(f"/v1/convai/agents/{agent_id}", json={"name": "renamed"}).json()
    after_patch = client.get(f"/v1/convai/agents/{agent_id}").json()
    assert after_patch == patched and after_patch["name"] == "renamed"
    assert after_patch["version_id"] != first.json()["version_id"]

    # The echoed `tools` come from the tool record: changing the tool changes the agent's GET.
    changed = copy.deepcopy(WEBHOOK)
    changed["description"] = "Find an order"
    client.patch(f"/v1/convai/tools/{tool['id']}", json={"tool_config": changed})
    echoed = client.get(f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]["prompt"][
        "tools"
    ]
    assert [t["description"] for t in echoed] == ["Find an order"]

    # Settings that responses show (the creator in access_info) are part of what is cached on.
    served_emulator.configure(user_name="Someone Else")
    access = client.get(f"/v1/convai/agents/{agent_id}").json()["access_info"]
    assert access["creator_name"] == "Someone Else"
    # An old version is still what it was.
    old = client.get(f"/v1/convai/agents/{agent_id}", params={"version_id": first.json()["version_id"]})
    assert old.json()["name"] == "cached"
