"""The API client's retry, create-safety, pagination and error mapping, over an httpx transport stub.

The stub replaces the network only (httpx.MockTransport); every line of our client runs for real.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from agents_cli.errors import RemoteError
from agents_cli.remote.client import ApiClient, RetryPolicy
from tests.support.waiting import EVENT_DEADLINE_S

Handler = Callable[[httpx.Request], httpx.Response]


def run_client(handler: Handler, body: Callable[[ApiClient], Any], **kwargs: Any) -> tuple[Any, list[float]]:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main() -> Any:
        client = ApiClient(
            "http://api.test",
            "sk_secret_key",
            api_key_env="ELEVENLABS_API_KEY_DEV",
            transport=httpx.MockTransport(handler),
            sleep=fake_sleep,
            retry=RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05),
            **kwargs,
        )
        async with client as api:
            return await body(api), api

    result, api = asyncio.run(main())
    return (result, api), sleeps


def test_retry_after_is_honoured_on_429_and_503() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"retry-after": "2"}, json={"detail": "slow down"}),
            httpx.Response(503, headers={"retry-after": "1"}),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    (result, api), sleeps = run_client(lambda request: next(answers), lambda api: api.get("/v1/x"))
    assert result == {"ok": True}
    assert sleeps[0] >= 2 and sleeps[1] >= 1
    assert api.stats.by_method["GET"] == 3 and api.stats.retries == 2


def test_client_errors_are_not_retried_and_422_lists_locations() -> None:
    detail = [{"loc": ["body", "conversation_config", "agent"], "msg": "field required", "type": "missing"}]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"detail": detail})

    with pytest.raises(RemoteError) as info:
        run_client(handler, lambda api: api.patch("/v1/convai/agents/a", {}))
    assert info.value.status == 422
    assert info.value.hint == "conversation_config.agent: field required"


def test_401_hint_names_the_key_variable() -> None:
    with pytest.raises(RemoteError) as info:
        run_client(lambda r: httpx.Response(401, json={"detail": "bad key"}), lambda api: api.get("/v1/user"))
    assert "ELEVENLABS_API_KEY_DEV" in (info.value.hint or "")
    assert "bad key" in info.value.message


def test_create_is_not_retried_blindly_after_an_ambiguous_failure() -> None:
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posts.append(request)
        return httpx.Response(500, json={"detail": "committed, then failed"})

    async def found() -> dict[str, str]:
        return {"agent_id": "agent_1"}

    (result, _api), _ = run_client(
        handler, lambda api: api.create("/v1/convai/agents/create", {}, find_existing=found)
    )
    assert result == ({"agent_id": "agent_1"}, True)
    assert len(posts) == 1


def test_create_retries_after_lookup_finds_nothing_and_on_429() -> None:
    answers = iter(
        [
            httpx.Response(502),
            httpx.Response(429, headers={"retry-after": "0"}),
            httpx.Response(200, json={"agent_id": "agent_2"}),
        ]
    )
    lookups: list[int] = []

    async def nothing() -> None:
        lookups.append(1)

    (result, api), _ = run_client(
        lambda r: next(answers), lambda api: api.create("/v1/convai/agents/create", {}, find_existing=nothing)
    )
    assert result == ({"agent_id": "agent_2"}, False)
    assert lookups == [1]  # only the 502 is ambiguous; a 429 was certainly not applied
    assert api.stats.writes == 3


def test_dropped_connection_on_create_triggers_lookup() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("server disconnected", request=request)

    async def found() -> dict[str, str]:
        return {"id": "tool_1"}

    (result, _api), _ = run_client(
        handler, lambda api: api.create("/v1/convai/tools", {}, find_existing=found)
    )
    assert result == ({"id": "tool_1"}, True)


def test_list_all_follows_cursors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        assert request.url.params["page_size"] == "100"
        if cursor is None:
            return httpx.Response(200, json={"tools": [{"id": "1"}], "has_more": True, "next_cursor": "c2"})
        return httpx.Response(200, json={"tools": [{"id": "2"}], "has_more": False, "next_cursor": None})

    (result, api), _ = run_client(handler, lambda api: api.list_all("/v1/convai/tools", "tools"))
    assert [item["id"] for item in result] == ["1", "2"]
    assert api.stats.writes == 0


def test_an_html_error_page_is_reported_by_status_and_title_only() -> None:
    page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>" + "x" * 5000 + "</body></html>\n"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text=page, headers={"content-type": "text/html"})

    (error, _api), _ = run_client(handler, lambda api: _error_of(api.get("/v1/convai/agents")))
    assert isinstance(error, RemoteError) and error.status == 502
    assert error.message.startswith("GET /v1/convai/agents: 502 502 Bad Gateway"), error.message
    assert "xxx" not in error.message and "<" not in error.message and len(error.message) < 200


def test_a_plain_text_error_body_is_cut_to_its_first_line() -> None:
    text = "upstream connect error or disconnect/reset before headers\n" + "trace " * 2000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text=text)

    (error, _api), _ = run_client(handler, lambda api: _error_of(api.get("/v1/x")))
    assert "upstream connect error or disconnect/reset before headers" in error.message
    assert "trace" not in error.message


def test_a_body_past_the_cap_is_not_read_whole() -> None:
    from agents_cli.remote.failures import HttpTimeouts

    chunks_sent: list[int] = []

    async def endless() -> Any:
        for _ in range(10_000):
            chunks_sent.append(1)
            yield b"x" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    limits = HttpTimeouts(max_response_mb=1)
    (error, _api), _ = run_client(handler, lambda api: _error_of(api.get("/v1/x")), timeouts=limits)
    assert "larger than 1 MB" in error.message and "AGENTS_MAX_RESPONSE_MB" in error.message
    assert len(chunks_sent) < 40


async def _error_of(call: Any) -> Any:
    try:
        await call
    except RemoteError as exc:
        return exc
    raise AssertionError("no error")


def test_debug_log_has_method_path_status_and_never_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="agents_cli.remote.client")
    run_client(lambda r: httpx.Response(200, json={}), lambda api: api.get("/v1/user"))
    assert "GET /v1/user -> 200" in caplog.text
    assert "sk_secret_key" not in caplog.text


def test_concurrency_is_bounded() -> None:
    in_flight = peak = arrived = 0
    changed = asyncio.Condition()

    async def handler(request: httpx.Request) -> httpx.Response:
        # Each request is held until two more have arrived (or all have): with a bound of 3, three are
        # in flight at once and a fourth only arrives when one of them has been answered.
        nonlocal in_flight, peak, arrived
        async with changed:
            in_flight += 1
            arrived += 1
            peak = max(peak, in_flight)
            mine = arrived
            changed.notify_all()
            await changed.wait_for(lambda: arrived >= min(mine + 2, 20))
            in_flight -= 1
        return httpx.Response(200, json={})

    async def many(api: ApiClient) -> None:
        requests = asyncio.gather(*(api.get(f"/v1/x/{i}") for i in range(20)))
        await asyncio.wait_for(requests, EVENT_DEADLINE_S)

    run_client(handler, many, concurrency=3)  # type: ignore[arg-type]
    assert peak == 3


def test_reads_and_updates_retry_server_errors() -> None:
    answers = iter([httpx.Response(500), httpx.Response(504), httpx.Response(200, json={"agent_id": "a"})])
    (result, api), _ = run_client(lambda r: next(answers), lambda api: api.patch("/v1/convai/agents/a", {}))
    assert result == {"agent_id": "a"} and api.stats.by_method["PATCH"] == 3


def test_delete_of_something_already_gone_succeeds() -> None:
    answers = iter([httpx.Response(503), httpx.Response(404, json={"detail": "not found"})])
    (result, api), _ = run_client(lambda r: next(answers), lambda api: api.delete("/v1/convai/tools/t"))
    assert result is None and api.stats.writes == 2
