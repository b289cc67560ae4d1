"""The emulator's response cache and openapi_memo: cached answers are exactly what shaping would give, and
any change to what a response depends on is seen at once."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agents_cli.emulator.responses import ShapedBodyCache
from agents_cli.spec.memo import ApplyMemo
from agents_cli.spec.model import models
from tests.conftest import ServedEmulator

CREATE_BODY = "Body_Create_Agent_v1_convai_agents_create_post"
WEBHOOK = {
    "type": "webhook",
    "name": "lookup_order",
    "description": "Look up an order",
    "api_schema": {"url": "https://example.com/orders", "method": "GET"},
}


@pytest.fixture
def client(served_emulator: ServedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers, timeout=10) as http:
        yield http


def _memo_for(name: str, sections: tuple[str, ...]) -> ApplyMemo:
    properties = models().schema(name)["properties"]
    return ApplyMemo(properties[section] for section in sections)


def test_memoised_apply_gives_the_same_result_and_fresh_copies() -> None:
    body = {
        "name": "a",
        "conversation_config": {"agent": {"first_message": "Hi"}},
        "platform_settings": {"widget": {"variant": "compact"}},
    }
    memo = _memo_for(CREATE_BODY, ("platform_settings", "conversation_config"))
    plain, plain_errors = models().apply(CREATE_BODY, body)
    first, first_errors = models().apply(CREATE_BODY, body, memo=memo)
    second, second_errors = models().apply(CREATE_BODY, body, memo=memo)
    assert first == second == plain and first_errors == second_errors == plain_errors == []
    assert isinstance(first, dict) and isinstance(second, dict)
    first["platform_settings"]["widget"]["variant"] = "changed"  # a caller mutating its result...
    third, _ = models().apply(CREATE_BODY, body, memo=memo)
    assert third == plain  # ...does not change what the memo hands out next


def test_memo_never_keeps_a_result_with_errors() -> None:
    memo = _memo_for(CREATE_BODY, ("platform_settings",))
    bad = {"conversation_config": {}, "platform_settings": {"widget": {"variant": 7}}}
    for loc in (("body",), ("body", "again")):
        # The second call must not be answered from the memo: its errors carry its own loc.
        _, errors = models().apply(CREATE_BODY, bad, memo=memo, loc=loc)
        assert [error["loc"] for error in errors] == [[*loc, "platform_settings", "widget", "variant"]]
    good = {"conversation_config": {}, "platform_settings": {"widget": {"variant": "compact"}}}
    assert models().apply(CREATE_BODY, good, memo=memo)[1] == []


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


def test_injected_latency_is_waited_out_concurrently(served_emulator: ServedEmulator) -> None:
    import asyncio
    import time

    from agents_cli.emulator.faults import FaultSettings

    served_emulator.configure(faults=FaultSettings(seed=1, latency_ms=200))

    async def eight_at_once() -> float:
        limits = httpx.Limits(max_connections=8)
        async with httpx.AsyncClient(
            base_url=served_emulator.url, headers=served_emulator.headers, limits=limits
        ) as http:
            started = time.perf_counter()
            responses = await asyncio.gather(*(http.get("/v1/user") for _ in range(8)))
            assert [r.status_code for r in responses] == [200] * 8
            return time.perf_counter() - started

    elapsed = asyncio.run(eight_at_once())
    served_emulator.configure(faults=None)
    # One after the other would take 1.6 s; a lock held across the sleep would serialise them.
    assert 0.2 <= elapsed < 0.8
