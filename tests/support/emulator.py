"""The emulator in tests: served on loopback (``serve_emulator``, the ``served_emulator`` fixture's
``ServedEmulator``), its answers recorded for contract checks, looked at and edited from outside the CLI
(``remote_*``: what the dashboard would do), and the short ways the emulator's HTTP tests create resources
and check answers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from agents_cli.emulator.server import RunningEmulator

TEST_API_KEY = "xi-test-key"
# The key of requests made outside the CLI (the emulator accepts any key unless told otherwise).
DASHBOARD_KEY = "sk_dashboard"
AGENT_BODY: dict[str, Any] = {
    "name": "Support",
    "conversation_config": {"agent": {"first_message": "Hi", "prompt": {"prompt": "Help."}}},
}
WELCOME_TEST = {"type": "llm", "name": "welcomes", "success_condition": "The agent says 'welcome'"}


# -- served on loopback, every answer recorded -------------------------------------------------------------


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    content_type: str
    body: bytes
    request_body: bytes = b""  # what the client sent
    query: str = ""


@dataclass
class ResponseRecorder:
    """ASGI wrapper that keeps every response (method, path, status, body) for contract checks."""

    exchanges: list[Exchange] = field(default_factory=list)

    def wrap(self, app: Any) -> Any:
        async def recording_app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            status = 0
            content_type = ""
            chunks: list[bytes] = []
            sent: list[bytes] = []

            async def listen() -> Any:
                message = await receive()
                if message["type"] == "http.request":
                    sent.append(message.get("body", b""))
                return message

            async def capture(message: Any) -> None:
                nonlocal status, content_type
                if message["type"] == "http.response.start":
                    status = message["status"]
                    for name, value in message.get("headers", ()):
                        if name.lower() == b"content-type":
                            content_type = value.decode("latin-1")
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                await send(message)

            try:
                await app(scope, listen, capture)
            except BaseException:
                status = 0  # the connection broke (e.g. a `drop` fault): there is no response to check
                raise
            finally:
                query = scope.get("query_string", b"").decode("latin-1")
                request = b"".join(sent)
                body = b"".join(chunks)
                self.exchanges.append(
                    Exchange(scope["method"], scope["path"], status, content_type, body, request, query)
                )

        return recording_app


@dataclass
class ServedEmulator:
    url: str
    running: RunningEmulator
    recorder: ResponseRecorder
    api_key: str = TEST_API_KEY

    @property
    def headers(self) -> dict[str, str]:
        return {"xi-api-key": self.api_key}

    def configure(self, **changes: Any) -> None:
        """Change settings live: ``faults=FaultSettings(...)``, ``api_keys=(...)``, ``strict=True``..."""
        self.running.configure(**changes)

    @property
    def exchanges(self) -> list[Exchange]:
        return self.recorder.exchanges

    def requests_faulted(self, kind: str) -> int:
        """How many requests the fault injection gave ``kind`` (counted as they arrive, before it acts)."""
        middleware = self.running.context.fault_middleware
        return sum(1 for decision in middleware.history if decision.kind == kind) if middleware else 0


@contextlib.contextmanager
def serve_emulator(settings: Any = None, data_path: Path | None = None) -> Iterator[str]:
    """The emulator on 127.0.0.1 (a free port) in a background thread; its URL, until the block ends."""
    from agents_cli.emulator.server import running_emulator

    with running_emulator(settings, data_path) as served:
        yield served.url


# -- outside the CLI: what the dashboard reads and edits ---------------------------------------------------


def remote(
    base_url: str, method: str, path: str, body: Any = None, *, params: dict[str, Any] | None = None
) -> httpx.Response:
    """One request to the API at ``base_url``, made outside the CLI (the dashboard)."""
    headers = {"xi-api-key": DASHBOARD_KEY}
    return httpx.request(method, base_url + path, json=body, params=params, headers=headers, timeout=10)


def remote_ok(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """The JSON of a successful ``remote`` request (None without a body); fails with the answer otherwise."""
    response = remote(base_url, method, path, body)
    assert response.status_code < 400, response.text
    return response.json() if response.content else None


def remote_get(base_url: str, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
    return remote(base_url, "GET", path, params=params)


def remote_patch(base_url: str, path: str, body: dict[str, Any]) -> httpx.Response:
    """An edit made outside the CLI (the dashboard)."""
    return remote(base_url, "PATCH", path, body)


def remote_delete(base_url: str, path: str) -> None:
    """A delete made outside the CLI (the dashboard); it must succeed."""
    remote(base_url, "DELETE", path).raise_for_status()


def remote_list(base_url: str, path: str, key: str) -> list[dict[str, Any]]:
    """Every item of a collection, page by page."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"page_size": 100}
    while True:
        page = remote_get(base_url, path, params).json()
        items.extend(page[key])
        if not page.get("has_more"):
            return items
        params["cursor"] = page["next_cursor"]


# -- the emulator's own HTTP tests (each opens a ``client`` on the ``served_emulator`` fixture) ------------


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
