"""``agents conversations list`` and ``agents add test NAME --from-conversation ID``.

Conversations come from the environment's API (``/v1/convai/conversations``): agent ids are shown by their
local names where state knows them. A test made from a conversation is written to ``tests/NAME.yaml``,
registered in agents.json and attached (``@test:NAME``) to the conversation's agent config.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.context import AppContext
from agents_cli.errors import ConfigError, UsageError


@dataclass(frozen=True)
class ConversationsRequest:
    agent: str | None = None
    env: str | None = None
    base_url: str | None = None
    limit: int = 30
    cursor: str | None = None  # the next page: a list's next_cursor


@dataclass
class ConversationList:
    environment: str
    conversations: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None


@dataclass(frozen=True)
class FromConversationRequest:
    name: str
    conversation_id: str
    env: str | None = None
    until_turn: int | None = None
    base_url: str | None = None


def _client(app: AppContext, env: str | None, base_url: str | None) -> Any:
    from agents_cli.commands.shared import workspace_client
    from agents_cli.engine.workspace import Workspace

    workspace = Workspace.open(app.cwd, env, environ=app.host.environ)
    return workspace, workspace_client(app, workspace, base_url=base_url, concurrency=None)


def list_conversations(app: AppContext, request: ConversationsRequest) -> ConversationList:
    from agents_cli.chat.errors import AgentNotSynced
    from agents_cli.kinds import AGENT

    workspace, client = _client(app, request.env, request.base_url)
    ids = workspace.state.ids(AGENT.name)
    names = {remote_id: name for name, remote_id in ids.items()}
    params: dict[str, Any] = {"page_size": request.limit}
    if request.cursor:
        params["cursor"] = request.cursor
    if request.agent:
        if request.agent not in ids:
            raise AgentNotSynced(request.agent, workspace.environment.name)
        params["agent_id"] = ids[request.agent]

    async def fetch() -> dict[str, Any]:
        async with client as api:
            page: dict[str, Any] = await api.get("/v1/convai/conversations", params=params)
        return page

    page = asyncio.run(fetch())
    found = list(page.get("conversations") or [])
    for item in found:
        item["agent"] = names.get(str(item.get("agent_id")), item.get("agent_name") or item.get("agent_id"))
    return ConversationList(workspace.environment.name, found, page.get("next_cursor"))


def _attach(root: Path, config: Path, reference: str) -> None:
    from agents_cli.project.writing import write_atomic
    from agents_cli.project.yaml_roundtrip import update_json_text, update_yaml_text

    path = root / config
    text = path.read_text(encoding="utf-8")
    import json

    import yaml

    data = json.loads(text) if path.suffix == ".json" else (yaml.safe_load(text) or {})
    testing = data.setdefault("platform_settings", {}).setdefault("testing", {})
    attached = testing.setdefault("attached_tests", [])
    if not any(isinstance(item, dict) and item.get("test_id") == reference for item in attached):
        attached.append({"test_id": reference})
    updated = update_json_text(text, data) if path.suffix == ".json" else update_yaml_text(text, data)
    write_atomic(path, updated)


def add_test_from_conversation(app: AppContext, request: FromConversationRequest) -> int:
    from agents_cli.chat.from_conversation import test_from_conversation
    from agents_cli.kinds import AGENT, TEST, TOOL
    from agents_cli.project.manifest import config_path_for, load_project, register_resource, slugify
    from agents_cli.project.writing import dump_yaml, write_atomic

    slug = slugify(request.name)
    workspace, client = _client(app, request.env, request.base_url)
    project = load_project(app.cwd)
    if project.get(TEST.name, slug) is not None:
        raise ConfigError(f"test {slug!r} is already registered", hint="pick another name")

    async def fetch() -> tuple[dict[str, Any], dict[str, str]]:
        async with client as api:
            conversation = await api.get(f"/v1/convai/conversations/{request.conversation_id}")
            tool_names: dict[str, str] = {}
            for name, tool_id in workspace.state.ids(TOOL.name).items():
                tool = await api.get(f"/v1/convai/tools/{tool_id}")
                tool_names[str((tool.get("tool_config") or {}).get("name"))] = TOOL.reference(name)
        return conversation, tool_names

    conversation, tool_references = asyncio.run(fetch())
    agents = {remote_id: name for name, remote_id in workspace.state.ids(AGENT.name).items()}
    agent = agents.get(str(conversation.get("agent_id")))
    if agent is None or project.get(AGENT.name, agent) is None:
        raise UsageError(
            f"conversation {request.conversation_id} is with agent {conversation.get('agent_id')}, "
            f"which state/{workspace.environment.name}.json does not know"
        )
    config = test_from_conversation(conversation, request.name, request.until_turn, tool_references)
    relative = config_path_for(TEST.name, slug, "yaml")
    header = f"# Made from conversation {request.conversation_id}: review the checks before relying on it."
    write_atomic(project.root / relative, dump_yaml(config, header=header))
    register_resource(project.root, TEST.name, slug, relative, {})
    agent_resource = project.get(AGENT.name, agent)
    assert agent_resource is not None
    _attach(project.root, agent_resource.config, TEST.reference(slug))
    app.out.success(f"added {config['type']} test {slug!r} from conversation {request.conversation_id}")
    app.out.info(f"  created  {relative.as_posix()}")
    app.out.info(f"  attached {TEST.reference(slug)} to {agent_resource.config.as_posix()}")
    return 0
