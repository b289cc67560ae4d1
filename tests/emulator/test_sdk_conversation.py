"""The official elevenlabs SDK's conversation client holds a text conversation with the served emulator,
unchanged: greeting, a reply, a client tool the SDK answers, and the conversation recorded."""

from __future__ import annotations

import queue
from typing import Any

import httpx

from tests.support.emulator import ServedEmulator

TOOL = {
    "tool_config": {
        "type": "client",
        "name": "lookup_order",
        "description": "Look up an order.",
        "expects_response": True,
        "parameters": {
            "type": "object",
            "required": ["order_id"],
            "properties": {"order_id": {"type": "string", "description": "The order id."}},
        },
    }
}


def test_the_sdk_conversation_client_talks_to_the_emulator(
    client: httpx.Client, served_emulator: ServedEmulator
) -> None:
    from elevenlabs import ElevenLabs
    from elevenlabs.conversational_ai.conversation import ClientTools, Conversation

    tool_id = client.post("/v1/convai/tools", json=TOOL).json()["id"]
    agent = {
        "name": "Orders",
        "conversation_config": {
            "agent": {
                "first_message": "Hello from the orders desk.",
                "prompt": {"prompt": "Refunds take five days.", "tool_ids": [tool_id]},
            }
        },
    }
    agent_id = client.post("/v1/convai/agents/create", json=agent).json()["agent_id"]
    replies: queue.Queue[str] = queue.Queue()
    asked: list[dict[str, Any]] = []

    def lookup(parameters: dict[str, Any]) -> str:
        asked.append(parameters)
        return "shipped"

    tools = ClientTools()
    tools.register("lookup_order", lookup)
    sdk = ElevenLabs(api_key=served_emulator.api_key, base_url=served_emulator.url)
    conversation = Conversation(
        sdk, agent_id, requires_auth=False, client_tools=tools, callback_agent_response=replies.put
    )
    conversation.start_session()
    try:
        assert replies.get(timeout=30) == "Hello from the orders desk."
        conversation.send_user_message("How long do refunds take?")
        assert replies.get(timeout=30) == "Refunds take five days."
        conversation.send_user_message("Please lookup order, the order id is A-1")
        assert replies.get(timeout=30) == "shipped"
    finally:
        conversation.end_session()
        conversation_id = conversation.wait_for_session_end()
    assert asked and asked[0].get("order_id") == "A-1"
    transcript = client.get(f"/v1/convai/conversations/{conversation_id}").json()["transcript"]
    assert [turn["message"] for turn in transcript if turn["message"]][-1] == "shipped"
