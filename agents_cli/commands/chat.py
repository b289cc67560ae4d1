"""``agents chat AGENT``: a text conversation over the Agent WebSocket, interactive or from a script.

The agent must be synced in the environment (its id from state). ``--against local`` (the default) sends the
local config's prompt, first message and language as ``conversation_config_override`` (what the API lets a
conversation override); ``deployed`` talks to the deployed agent as it is. A private agent
(``platform_settings.auth.enable_auth``) is reached through a signed URL, asked for the environment's
``server_environment``. The ``local`` environment's
in-process emulator is served on a loopback port for the conversation. Every conversation's transcript is
written to ``.agents/conversations/<conversation_id>.json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents_cli.context import AppContext
from agents_cli.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from agents_cli.chat.script import ScriptStep, TurnFailure
    from agents_cli.chat.socket import AgentSocket, ToolAnswerer
    from agents_cli.engine.workspace import Workspace
    from agents_cli.remote.connect import Connection

TRANSCRIPTS = Path(".agents") / "conversations"


@dataclass(frozen=True)
class ChatRequest:
    agent: str
    env: str | None = None
    against: str = "local"
    script: Path | None = None
    mock_tools: Path | None = None
    base_url: str | None = None


@dataclass
class ChatResult:
    agent: str
    conversation_id: str
    transcript_path: str
    turns: int = 0
    failures: list[TurnFailure] = field(default_factory=list)
    scripted: bool = False

    @property
    def exit_code(self) -> int:
        return int(ExitCode.ERROR if self.failures else ExitCode.OK)


@dataclass(frozen=True)
class _Target:
    url: str
    headers: dict[str, str]
    greeting: bool
    override: dict[str, Any] | None


def _local_override(workspace: Workspace, agent: str) -> dict[str, Any]:
    from agents_cli.kinds import AGENT

    config = workspace.configs().configs.get((AGENT.name, agent)) or {}
    local = ((config.get("conversation_config") or {}).get("agent")) or {}
    override: dict[str, Any] = {}
    prompt = (local.get("prompt") or {}).get("prompt")
    if isinstance(prompt, str):
        override["prompt"] = {"prompt": prompt}
    for key in ("first_message", "language"):
        if isinstance(local.get(key), str):
            override[key] = local[key]
    return override


@contextlib.contextmanager
def _served(connection: Connection) -> Iterator[tuple[str, str | None]]:
    """(base URL, key) of the environment; the in-process emulator is served on loopback meanwhile."""
    if connection.emulator_data is None:
        yield connection.base_url, connection.key.value if connection.key else None
        return
    from agents_cli.emulator.app import create_app
    from agents_cli.emulator.server import serving_in_background
    from agents_cli.emulator.store import Store
    from agents_cli.remote.connect import EMULATOR_KEY

    connection.emulator_data.parent.mkdir(parents=True, exist_ok=True)
    store = Store(connection.emulator_data)
    try:
        with serving_in_background(create_app(None, store)) as background:
            yield background.url, EMULATOR_KEY
    finally:
        store.close()


async def _target(
    base_url: str, key: str | None, agent_id: str, override: dict[str, Any] | None, server_environment: str
) -> _Target:
    from agents_cli.chat.socket import socket_url
    from agents_cli.remote.client import ApiClient

    async with ApiClient(base_url, key or "") as api:
        remote = await api.get(f"/v1/convai/agents/{agent_id}")
        auth = (remote.get("platform_settings") or {}).get("auth") or {}
        first = ((remote.get("conversation_config") or {}).get("agent") or {}).get("first_message")
        if override is not None and "first_message" in override:
            first = override["first_message"]
        url = socket_url(base_url, agent_id)
        if auth.get("enable_auth"):
            # The environment's server environment: the conversation resolves environment variables with it.
            params = {"agent_id": agent_id, "environment": server_environment}
            signed = await api.get("/v1/convai/conversation/get-signed-url", params=params)
            url = str(signed["signed_url"])
    headers = {} if auth.get("enable_auth") or not key else {"xi-api-key": key}
    return _Target(url, headers, bool(first), override)


def _answerer(
    app: AppContext, mocks: Mapping[str, tuple[str, bool]], mock_file: Path | None, ask: bool
) -> ToolAnswerer:
    from agents_cli.chat.errors import ToolNotMocked

    def answer(name: str, parameters: Mapping[str, Any]) -> tuple[str, bool]:
        if name in mocks:
            return mocks[name]
        if not ask:
            raise ToolNotMocked(name, str(mock_file) if mock_file else None)
        _show(app, f"  client tool {name}({json.dumps(dict(parameters), sort_keys=True)}) wants a result")
        return _read_line(app, "  result> "), False

    return answer


def _show(app: AppContext, text: str) -> None:
    """A line of the conversation: on stdout for people; on stderr when stdout carries the JSON result."""
    if app.json:
        app.out.info(text)
    else:
        app.out.line(text)


def _read_line(app: AppContext, prompt: str) -> str:
    app.out.stderr.write(prompt)
    app.out.stderr.flush()
    line = app.host.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def _show_turn(app: AppContext, turn: Any) -> None:
    for call in turn.tool_calls:
        shown = json.dumps(call.parameters, sort_keys=True) if call.parameters else ""
        outcome = f" → {call.result}" if call.result is not None else ""
        _show(app, f"  [tool {call.name}({shown}){outcome}{' (error)' if call.is_error else ''}]")
    if turn.reply:
        _show(app, f"agent: {turn.reply}")
    if turn.ended:
        _show(app, "(the agent ended the conversation)")


def _run_script(
    app: AppContext, socket: AgentSocket, steps: list[ScriptStep], answer: ToolAnswerer
) -> list[TurnFailure]:
    from agents_cli.chat.script import TurnFailure, check_turn

    failures: list[TurnFailure] = []
    number = 0
    for step in steps:
        if step.context is not None:
            socket.context(step.context)
            continue
        number += 1
        assert step.user is not None
        if socket.closed:
            failures.append(TurnFailure(number, step.user, ["the conversation had already ended"]))
            break
        _show(app, f"you ({number}): {step.user}")
        turn = socket.say(step.user, answer)
        _show_turn(app, turn)
        problems = check_turn(step.expect, turn)
        if problems:
            failures.append(TurnFailure(number, step.user, problems))
    return failures


def _interactive(app: AppContext, socket: AgentSocket, answer: ToolAnswerer) -> int:
    turns = 0
    app.out.info("type a message; /context TEXT sends a contextual update; Ctrl-C or Ctrl-D ends")
    with contextlib.suppress(EOFError, KeyboardInterrupt):
        while not socket.closed:
            line = _read_line(app, "you: ").strip()
            if not line:
                continue
            if line.startswith("/context "):
                socket.context(line[len("/context ") :])
                continue
            turns += 1
            _show_turn(app, socket.say(line, answer))
    return turns


def _save(root: Path, socket: AgentSocket, agent: str) -> Path:
    from agents_cli.project.loader import write_atomic

    path = root / TRANSCRIPTS / f"{socket.conversation_id}.json"
    document = {"conversation_id": socket.conversation_id, "agent": agent, "transcript": socket.transcript}
    write_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def chat(app: AppContext, request: ChatRequest) -> ChatResult:
    from agents_cli.chat.errors import AgentNotSynced
    from agents_cli.chat.script import load_mocks, load_script
    from agents_cli.chat.socket import AgentSocket, client_data
    from agents_cli.engine.workspace import Workspace
    from agents_cli.kinds import AGENT
    from agents_cli.remote.connect import resolve

    if request.against not in ("local", "deployed"):
        raise UsageError(f"--against must be 'local' or 'deployed', not {request.against!r}")
    steps = load_script(app.cwd / request.script) if request.script else None
    mocks = load_mocks(app.cwd / request.mock_tools if request.mock_tools else None)
    workspace = Workspace.open(app.cwd, request.env, environ=app.host.environ)
    environment = workspace.environment.name
    agent_id = workspace.state.ids(AGENT.name).get(request.agent)
    if not agent_id:
        raise AgentNotSynced(request.agent, environment)
    override = _local_override(workspace, request.agent) if request.against == "local" else None
    connection = resolve(workspace.root, workspace.environment, base_url=request.base_url, host=app.host)
    with _served(connection) as (base_url, key):
        server_environment = workspace.environment.server_environment
        target = asyncio.run(_target(base_url, key, agent_id, override, server_environment))
        socket = AgentSocket(target.url, target.headers)
        answer = _answerer(app, mocks, request.mock_tools, ask=steps is None)
        socket.open(client_data(target.override, None), greeting=target.greeting)
        try:
            if socket.transcript and socket.transcript[-1]["message"]:
                _show(app, f"agent: {socket.transcript[-1]['message']}")
            if steps is not None:
                failures = _run_script(app, socket, steps, answer)
                turns = sum(1 for step in steps if step.user is not None)
            else:
                failures, turns = [], _interactive(app, socket, answer)
        finally:
            socket.close()
            # Saved however the conversation ended (an error mid-script included): it is what happened.
            path = _save(workspace.root, socket, request.agent)
    relative = str(path.relative_to(workspace.root))
    return ChatResult(request.agent, socket.conversation_id, relative, turns, failures, steps is not None)
