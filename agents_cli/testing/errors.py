"""What can stop ``agents test``, as structured errors (``cli/messages/testing.py`` words them)."""

from __future__ import annotations

from agents_cli.errors import AgentsError, ConfigError, UsageError


class NotDeployed(ConfigError):
    """``--against deployed`` needs the agent synced; ``placeholder``: state holds only the empty placeholder
    an earlier ``--against local`` run created."""

    def __init__(self, agent: str, environment: str, *, placeholder: bool = False) -> None:
        super().__init__(agent=agent, environment=environment, placeholder=placeholder)
        self.agent, self.environment, self.placeholder = agent, environment, placeholder


class DeletedRemotely(ConfigError):
    """State names an agent that no longer exists remotely."""

    def __init__(self, agent: str, agent_id: str, environment: str) -> None:
        super().__init__(agent=agent, agent_id=agent_id, environment=environment)
        self.agent, self.agent_id, self.environment = agent, agent_id, environment


class ReferencesNotCreated(ConfigError):
    """The local agent config references resources (``@tool:x``…) with no id in the environment yet."""

    def __init__(self, agent: str, missing: list[str], environment: str) -> None:
        super().__init__(agent=agent, missing=missing, environment=environment)
        self.agent, self.missing, self.environment = agent, missing, environment


class TestNotCreated(ConfigError):
    """An attached test has no id in the environment."""

    __test__ = False  # not a pytest test class

    def __init__(self, test: str, environment: str) -> None:
        super().__init__(test=test, environment=environment)
        self.test, self.environment = test, environment


class ScenarioNeedsDeployed(AgentsError):
    """A scenario runs against the deployed agent (simulate-conversation takes no config override)."""

    def __init__(self, agent: str, environment: str) -> None:
        super().__init__(agent=agent, environment=environment)
        self.agent, self.environment = agent, environment


class PrerequisiteFailed(AgentsError):
    """A test definition (or what it references) could not be synced before the run."""

    def __init__(
        self, kind: str, name: str, reason: str, hint: str | None, more: int, environment: str
    ) -> None:
        super().__init__(kind=kind, name=name, reason=reason, more=more, environment=environment)
        self.kind, self.name, self.reason, self.reason_hint = kind, name, reason, hint
        self.more, self.environment = more, environment


class AttachedTestUndeclared(ConfigError):
    """An agent attaches ``@test:NAME`` that agents.json does not declare."""

    def __init__(self, agent: str, test: str) -> None:
        super().__init__(agent=agent, test=test)
        self.agent, self.test = agent, test


class ScenarioWithoutConfig(ConfigError):
    def __init__(self, scenario: str) -> None:
        super().__init__(scenario=scenario)
        self.scenario = scenario


class ScenarioAgentsUndeclared(ConfigError):
    def __init__(self, scenario: str, agents: list[str]) -> None:
        super().__init__(scenario=scenario, agents=agents)
        self.scenario, self.agents = scenario, agents


class InvalidScenario(ConfigError):
    def __init__(self, source: str, scenario: str, problems: list[str], schema: str) -> None:
        super().__init__(source=source, scenario=scenario, problems=problems)
        self.source, self.scenario, self.problems, self.schema = source, scenario, problems, schema


class NothingSelected(UsageError):
    """No test or scenario is attached to the selected agents (an empty run is not a pass)."""

    def __init__(self, agents: list[str], environment: str) -> None:
        super().__init__(agents=agents, environment=environment)
        self.agents, self.environment = agents, environment


class ReportNotWritten(ConfigError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path=path, reason=reason)
        self.path, self.reason = path, reason
