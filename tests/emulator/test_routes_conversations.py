"""The Agent WebSocket spoken by the `websockets` library with the documented events: a text conversation,
a private agent through a signed URL, and the conversations it recorded."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.support.emulator import ServedEmulator

AGENT = {
    "name": "Support",
    "conversation_config": {
        "agent": {"first_message": "Hi there.", "prompt": {"prompt": "Refunds take five days."}}
    },
}


def _events(ws: ClientConnection, until: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["type"] != until:
        seen.append(json.loads(ws.recv(timeout=30)))
    return seen


def _socket(url: str, query: str) -> str:
    return url.replace("http://", "ws://") + "/v1/convai/conversation?" + query


def test_a_text_conversation_with_the_documented_events(client: httpx.Client) -> None:
    agent_id = client.post("/v1/convai/agents/create", json=AGENT).json()["agent_id"]
    with connect(_socket(str(client.base_url), f"agent_id={agent_id}")) as ws:
        ws.send(
            json.dumps(
                {
                    "type": "conversation_initiation_client_data",
                    "conversation_config_override": {
                        "conversation": {"text_only": True},
                        "agent": {"first_message": "Welcome back."},
                    },
                }
            )
        )
        opening = _events(ws, "agent_response")
        assert opening[0]["type"] == "conversation_initiation_metadata"
        ping = next(e for e in opening if e["type"] == "ping")
        ws.send(json.dumps({"type": "pong", "event_id": ping["ping_event"]["event_id"]}))
        assert opening[-1]["agent_response_event"]["agent_response"] == "Welcome back."
        conversation_id = opening[0]["conversation_initiation_metadata_event"]["conversation_id"]
        ws.send(json.dumps({"type": "user_activity"}))
        ws.send(json.dumps({"type": "contextual_update", "text": "The user is on the refunds page."}))
        ws.send(json.dumps({"type": "user_message", "text": "How long do refunds take?"}))
        reply = _events(ws, "agent_response")[-1]
        assert reply["agent_response_event"]["agent_response"] == "Refunds take five days."
    listed = client.get("/v1/convai/conversations", params={"agent_id": agent_id}).json()
    assert [c["conversation_id"] for c in listed["conversations"]] == [conversation_id]
    got = client.get(f"/v1/convai/conversations/{conversation_id}").json()
    assert [t["message"] for t in got["transcript"]] == [
        "Welcome back.",
        "How long do refunds take?",
        "Refunds take five days.",
    ]
    assert client.delete(f"/v1/convai/conversations/{conversation_id}").status_code == 200
    assert client.get(f"/v1/convai/conversations/{conversation_id}").status_code == 404


def test_a_private_agent_needs_a_signed_url(client: httpx.Client, served_emulator: ServedEmulator) -> None:
    body = {**AGENT, "platform_settings": {"auth": {"enable_auth": True}}}
    agent_id = client.post("/v1/convai/agents/create", json=body).json()["agent_id"]
    with pytest.raises(InvalidStatus) as refused:  # the handshake is refused before the socket opens
        connect(_socket(served_emulator.url, f"agent_id={agent_id}")).close()
    assert refused.value.response.status_code == 403
    signed = client.get("/v1/convai/conversation/get-signed-url", params={"agent_id": agent_id}).json()
    with connect(signed["signed_url"]) as ws:
        ws.send(json.dumps({"type": "conversation_initiation_client_data"}))
        assert _events(ws, "agent_response")[-1]["agent_response_event"]["agent_response"] == "Hi there."
    with pytest.raises(InvalidStatus):  # a signature is used once
        connect(signed["signed_url"]).close()


def test_simulations_and_test_runs_are_recorded_as_conversations(client: httpx.Client) -> None:
    from tests.support.waiting import wait_until

    agent_id = client.post("/v1/convai/agents/create", json=AGENT).json()["agent_id"]
    body = {"simulation_specification": {"simulated_user_config": {"first_message": "Refunds?"}}}
    assert client.post(f"/v1/convai/agents/{agent_id}/simulate-conversation", json=body).status_code == 200
    test = {
        "type": "llm",
        "name": "t",
        "success_condition": "The agent says 'five days'.",
        "chat_history": [{"role": "user", "message": "How long do refunds take?", "time_in_call_secs": 0}],
    }
    test_id = client.post("/v1/convai/agent-testing/create", json=test).json()["id"]
    invocation = client.post(
        f"/v1/convai/agents/{agent_id}/run-tests", json={"tests": [{"test_id": test_id}]}
    )
    path = f"/v1/convai/test-invocations/{invocation.json()['id']}"
    wait_until(lambda: client.get(path).json()["test_runs"][0]["status"] != "pending", "the run completes")
    listed = client.get("/v1/convai/conversations", params={"agent_id": agent_id}).json()["conversations"]
    assert len(listed) == 2
    newest = client.get(f"/v1/convai/conversations/{listed[0]['conversation_id']}").json()
    assert [t["message"] for t in newest["transcript"]] == [
        "How long do refunds take?",
        "Refunds take five days.",
    ]
