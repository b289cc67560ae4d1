"""How long one chat turn takes over the Agent WebSocket against the served emulator (loopback).

Opens a conversation with the project's client (``agents_cli.chat.socket.AgentSocket``), then prints the time
to open it and the median and 95th-percentile time per turn: a plain reply, and a client tool call answered by
the client (three messages on the socket). The emulator stores the conversation after every turn, so the
numbers include those SQLite writes.

Usage: python benchmarks/chat_turns.py [--turns N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402

from agents_cli.chat.socket import AgentSocket, client_data, socket_url  # noqa: E402
from agents_cli.emulator.server import running_emulator  # noqa: E402

TOOL = {
    "tool_config": {
        "type": "client",
        "name": "lookup_order",
        "description": "Look up an order.",
        "parameters": {"type": "object", "properties": {"order_id": {"type": "string", "description": "id"}}},
    }
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    turns = parser.parse_args().turns
    with running_emulator() as served:
        headers = {"xi-api-key": "bench"}
        tool_id = httpx.post(f"{served.url}/v1/convai/tools", json=TOOL, headers=headers).json()["id"]
        agent = {
            "name": "bench",
            "conversation_config": {
                "agent": {
                    "first_message": "Hi.",
                    "prompt": {"prompt": "Refunds take five days. Orders ship daily.", "tool_ids": [tool_id]},
                }
            },
        }
        created = httpx.post(f"{served.url}/v1/convai/agents/create", json=agent, headers=headers).json()
        socket = AgentSocket(socket_url(served.url, created["agent_id"]), headers)
        started = time.perf_counter()
        socket.open(client_data(None, None), greeting=True)
        opened_ms = (time.perf_counter() - started) * 1000
        plain: list[float] = []
        tool: list[float] = []
        for index in range(turns):
            message = "How long do refunds take?" if index % 2 else "Please lookup order, order id is 7"
            started = time.perf_counter()
            socket.say(message, lambda name, parameters: ("shipped", False))
            (plain if index % 2 else tool).append((time.perf_counter() - started) * 1000)
        socket.close()
    print(f"open a conversation: {opened_ms:.1f} ms (connect, client data, metadata, greeting)")
    for name, values in (("reply turn", plain), ("client tool turn", tool)):
        print(
            f"{name}: median {statistics.median(values):.2f} ms, p95 {_percentile(values, 0.95):.2f} ms "
            f"over {len(values)} turns"
        )


if __name__ == "__main__":
    main()
