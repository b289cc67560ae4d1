"""Answers a proxy (or a broken server) rewrote: a malformed or non-advancing list, an HTML error page, a
response far larger than any the API sends. The emulator is served behind an ASGI wrapper that replaces
the answers of one route (``Rewrite``); plan and sync must fail clearly and write nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.samples import KEYS, cli, sample_project

AGENTS = "/v1/convai/agents"


@dataclass
class Rewrite:
    """Answer ``GET path`` (exactly, any query) with ``status``/``body``/``content_type`` while ``body`` is
    set; every request's method and path is recorded."""

    path: str = AGENTS
    status: int = 200
    body: bytes | None = None
    content_type: str = "application/json"
    seen: list[str] = field(default_factory=list)

    def wrap(self, app: Any) -> Any:
        async def rewriting(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.seen.append(f"{scope['method']} {scope['path']}")
                if self.body is not None and scope["method"] == "GET" and scope["path"] == self.path:
                    headers = [(b"content-type", self.content_type.encode())]
                    await send({"type": "http.response.start", "status": self.status, "headers": headers})
                    await send({"type": "http.response.body", "body": self.body})
                    return
            await app(scope, receive, send)

        return rewriting

    def writes(self) -> list[str]:
        return [line for line in self.seen if line.split()[0] in {"POST", "PATCH", "PUT", "DELETE"}]


@pytest.fixture
def rewrite() -> Rewrite:
    return Rewrite()


@pytest.fixture
def stateless(tmp_path: Path, rewrite: Rewrite) -> Iterator[Path]:
    """The sample project synced to staging, then its state file lost: agents are found by listing."""
    from agents_cli.emulator.server import running_emulator
    from agents_cli.emulator.settings import EmulatorSettings

    with running_emulator(EmulatorSettings(), wrap=rewrite.wrap) as running:
        project = sample_project(tmp_path / "proj", running.url)
        cli(project, "sync")
        (project / "state" / "staging.json").unlink()
        rewrite.seen.clear()
        yield project


def _page(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (_page(agents="not a list", has_more=True, next_cursor=5), "'agents' as a list, got a string"),
        (_page(agents=[], has_more=True, next_cursor=5), "a 'next_cursor' string"),
        (_page(agents=[1], has_more=False, next_cursor=None), "'agents' items as objects, got a number"),
        (_page(has_more=False), "'agents' as a list, got null"),
        (_page(agents=[], has_more="yes"), "'has_more' as a boolean"),
        (b"[]", "an object with 'agents'"),
    ],
)
def test_a_malformed_list_fails_the_plan_instead_of_planning_creates(
    stateless: Path, rewrite: Rewrite, body: bytes, said: str
) -> None:
    rewrite.body = body
    for args in (["plan"], ["sync", "--yes"]):
        stdout, stderr = cli(stateless, *args, expect=1)
        assert f"GET {AGENTS}: expected {said}" in stderr, stderr
        assert "to create" not in stdout
    assert rewrite.writes() == []


def test_a_cursor_that_does_not_advance_fails_instead_of_ending_the_listing(
    stateless: Path, rewrite: Rewrite
) -> None:
    rewrite.body = _page(agents=[], has_more=True, next_cursor="same")
    _, stderr = cli(stateless, "sync", "--yes", expect=1)
    assert "a new cursor on every page, got 'same' again" in stderr, stderr
    assert rewrite.writes() == []
    assert sum(1 for line in rewrite.seen if line == f"GET {AGENTS}") == 2


def test_a_response_larger_than_the_cap_fails_clearly(stateless: Path, rewrite: Rewrite) -> None:
    rewrite.body = _page(agents=[{"agent_id": "agent_x", "name": "y" * 4096}] * 400, has_more=False)
    _, stderr = cli(stateless, "plan", expect=1, env={"AGENTS_MAX_RESPONSE_MB": "1"})
    assert f"GET {AGENTS}" in stderr and "larger than 1 MB" in stderr and "AGENTS_MAX_RESPONSE_MB" in stderr
    assert rewrite.writes() == []
    assert KEYS["KEY_STAGING"] not in stderr
