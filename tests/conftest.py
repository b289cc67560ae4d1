"""Shared fixtures. The repository root goes on sys.path so tests run without installing the package.

``served_emulator``: the emulator on 127.0.0.1 (a free port, background uvicorn thread), yielding a
``ServedEmulator`` (``url``, ``api_key``, ``configure(...)``, the recorded exchanges). Every JSON response it
sends during the test is checked against the spec's response schema for its route when the test ends, so
each test using it is also a contract test. ``emulator_app``: the Starlette app over an in-memory store.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from agents_cli.emulator.server import RunningEmulator

TEST_API_KEY = "xi-test-key"


def _use_the_clis_words() -> None:
    """Structured errors read as the CLI words them, also in tests that call core code directly."""
    from agents_cli.cli.wording import words
    from agents_cli.errors import use_wording

    use_wording(words)


_use_the_clis_words()


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    content_type: str
    body: bytes


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
                await app(scope, receive, capture)
            except BaseException:
                status = 0  # the connection broke (e.g. a `drop` fault): there is no response to check
                raise
            finally:
                self.exchanges.append(
                    Exchange(scope["method"], scope["path"], status, content_type, b"".join(chunks))
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


@pytest.fixture
def served_emulator() -> Iterator[ServedEmulator]:
    from agents_cli.emulator.server import running_emulator
    from agents_cli.emulator.settings import EmulatorSettings

    recorder = ResponseRecorder()
    with running_emulator(EmulatorSettings(), wrap=recorder.wrap) as running:
        yield ServedEmulator(running.url, running, recorder)
    from tests.support.contract import contract_violations

    violations = contract_violations(recorder.exchanges)
    assert not violations, "responses that do not fit the spec:\n" + "\n".join(violations[:10])


@pytest.fixture
def emulator_app() -> Iterator[Starlette]:
    from agents_cli.emulator.app import create_app
    from agents_cli.emulator.settings import EmulatorSettings
    from agents_cli.emulator.store import Store

    store = Store(None)
    yield create_app(EmulatorSettings(), store)
    store.close()
