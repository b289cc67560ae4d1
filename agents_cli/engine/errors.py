"""What can stop a plan or a sync before anything is written, as structured errors (fields;
``cli/messages/engine.py`` words them)."""

from __future__ import annotations

from collections.abc import Sequence

from agents_cli.errors import ConfigError, UsageError


class ReplaceRefused(UsageError):
    """An agent named to be replaced that cannot be: ``why`` is ``unknown`` (no agent of that name;
    ``agents`` lists the declared ones) or ``not_selected`` (the run's selection leaves it out)."""

    def __init__(self, name: str, why: str, agents: Sequence[str] = ()) -> None:
        super().__init__(name=name, why=why, agents=sorted(agents))
        self.name, self.why, self.agents = name, why, sorted(agents)


class ReplaceReferenced(ConfigError):
    """An agent to replace that other selected resources (``users``: "kind name") reference: a replace gives
    it a new id, which references resolved earlier in the same run would miss."""

    def __init__(self, name: str, users: Sequence[str]) -> None:
        super().__init__(name=name, users=list(users))
        self.name, self.users = name, list(users)
