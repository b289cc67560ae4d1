"""agents chat (a conversation over the Agent WebSocket) and agents conversations list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agents_cli.cli import completion
from agents_cli.cli.app import BaseUrlOption, EnvOption, app
from agents_cli.cli.boundary import invoke
from agents_cli.cli.commands.testing import Against

conversations_app = typer.Typer(help="Conversations the environment recorded.", no_args_is_help=True)
app.add_typer(conversations_app, name="conversations")


@app.command("chat")
def chat_command(
    ctx: typer.Context,
    agent: Annotated[str, typer.Argument(help="The agent to talk to.", autocompletion=completion.agents)],
    env: EnvOption = None,
    against: Annotated[
        Against,
        typer.Option("--against", help="Talk with the local config (as an override) or the deployed agent."),
    ] = Against.local,
    script: Annotated[
        Path | None,
        typer.Option("--script", help="Run this scripted conversation with per-turn expectations (exit 1)."),
    ] = None,
    mock_tools: Annotated[
        Path | None, typer.Option("--mock-tools", help="Answer client tool calls from this YAML file.")
    ] = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Talk to an agent in the terminal over the Agent WebSocket (text mode), or run a chat script."""
    from agents_cli.commands import chat as command

    request = command.ChatRequest(agent, env, against.value, script, mock_tools, base_url)
    invoke(ctx, "chat", command.chat, request)


@conversations_app.command("list")
def conversations_list(
    ctx: typer.Context,
    agent: Annotated[
        str | None,
        typer.Option("--agent", help="Only this agent's conversations.", autocompletion=completion.agents),
    ] = None,
    env: EnvOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="At most this many.")] = 30,
    cursor: Annotated[
        str | None, typer.Option("--cursor", help="The next page (the cursor the previous page printed).")
    ] = None,
    base_url: BaseUrlOption = None,
) -> None:
    """List recent conversations (newest first), to find the id for 'add test --from-conversation'."""
    from agents_cli.commands import conversations as command

    request = command.ConversationsRequest(agent, env, base_url, limit, cursor)
    invoke(ctx, "conversations", command.list_conversations, request)
