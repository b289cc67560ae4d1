"""How fast the emulator and ``agents_cli.spec.model`` are: prints one line per measurement.

- ``spec.model`` apply: agents/s for a typical create body and for a full GET response (the plan engine
  normalises both sides of every diff with it; the target is at least 500 agents/s).
- the emulator in process (httpx ASGI transport): agent creates/s and gets/s.
- the emulator served on loopback (uvicorn thread): gets/s over one keep-alive connection.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from agents_cli.emulator.server import running_emulator
from agents_cli.emulator.transport import in_process_client_transport
from agents_cli.spec.model import models

CREATE_BODY: dict[str, Any] = {
    "name": "Support agent",
    "tags": ["support", "benchmark"],
    "conversation_config": {
        "agent": {
            "first_message": "Hello! How can I help you today?",
            "language": "en",
            "prompt": {
                "prompt": "You are a helpful support agent. " * 20,
                "llm": "gemini-2.5-flash",
                "temperature": 0.3,
            },
        },
        "tts": {"voice_id": "cjVigY5qzO86Huf0OWal", "stability": 0.5},
        "turn": {"turn_timeout": 7},
    },
    "platform_settings": {"widget": {"variant": "compact"}},
}
HEADERS = {"xi-api-key": "bench"}


def rate(label: str, count: int, work: Callable[[], object], unit: str) -> None:
    started = time.perf_counter()
    for _ in range(count):
        work()
    elapsed = time.perf_counter() - started
    print(f"{label}: {count / elapsed:,.0f} {unit}/s ({elapsed * 1000 / count:.3f} ms each, n={count})")


async def in_process(count: int) -> tuple[float, float]:
    transport = in_process_client_transport(None)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", headers=HEADERS) as client:
        started = time.perf_counter()
        ids = []
        for _ in range(count):
            response = await client.post("/v1/convai/agents/create", json=CREATE_BODY)
            ids.append(response.json()["agent_id"])
        created = time.perf_counter() - started
        started = time.perf_counter()
        for agent_id in ids:
            (await client.get(f"/v1/convai/agents/{agent_id}")).raise_for_status()
        fetched = time.perf_counter() - started
    return count / created, count / fetched


def main() -> None:
    spec_models = models()
    rate(
        "spec.model apply create body (Input model)",
        2000,
        lambda: spec_models.apply("Body_Create_Agent_v1_convai_agents_create_post", CREATE_BODY),
        "agents",
    )
    with running_emulator() as served, httpx.Client(base_url=served.url, headers=HEADERS) as client:
        agent_id = client.post("/v1/convai/agents/create", json=CREATE_BODY).json()["agent_id"]
        full = client.get(f"/v1/convai/agents/{agent_id}").json()
        rate(
            "spec.model apply GET response (Output model)",
            2000,
            lambda: spec_models.apply("GetAgentResponseModel", full),
            "agents",
        )
        rate(
            "served emulator GET agent (loopback, keep-alive)",
            500,
            lambda: client.get(f"/v1/convai/agents/{agent_id}").raise_for_status(),
            "requests",
        )
    creates, gets = asyncio.run(in_process(300))
    print(f"in-process emulator: {creates:,.0f} creates/s, {gets:,.0f} gets/s (n=300)")


if __name__ == "__main__":
    main()
