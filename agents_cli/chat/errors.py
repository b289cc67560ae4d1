"""What can stop ``agents chat`` and the conversation commands, as structured errors
(``cli/messages/chat.py`` words them)."""

from __future__ import annotations

from agents_cli.errors import AgentsError, ConfigError


class ScriptInvalid(ConfigError):
    """A chat script or mock file that cannot be used: where and what is wrong."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path=path, problem=problem)
        self.path, self.problem = path, problem


class AgentNotSynced(ConfigError):
    """The agent has no id in the environment, so there is nothing to talk to."""

    def __init__(self, agent: str, environment: str) -> None:
        super().__init__(agent=agent, environment=environment)
        self.agent, self.environment = agent, environment


class SocketRefused(AgentsError):
    """The Agent WebSocket refused or dropped the conversation."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url=url, reason=reason)
        self.url, self.reason = url, reason


class ToolNotMocked(AgentsError):
    """A script run (no terminal) met a client tool call the mock file does not answer."""

    def __init__(self, tool: str, mocks: str | None) -> None:
        super().__init__(tool=tool, mocks=mocks)
        self.tool, self.mocks = tool, mocks


class TurnOutOfRange(ConfigError):
    """``--until-turn`` names a turn the conversation does not have."""

    def __init__(self, conversation_id: str, turn: int, turns: int) -> None:
        super().__init__(conversation_id=conversation_id, turn=turn, turns=turns)
        self.conversation_id, self.turn, self.turns = conversation_id, turn, turns
