"""Environments of ``agents.json``: where each one's API is, the agent branch it targets, its traffic split.

An environment is either a workspace of its own (today's model: one workspace per environment) or, with
``branch``, a branch of the agents of another environment's workspace: its *main environment*, the one
environment without a branch that reaches the same API with the same key. Agents are found, tagged and
created through the main environment; a branch environment reads and writes its branch of each of them.
Tools and tests are workspace resources, not versioned: a branch environment shares its main's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_API_KEY_ENV = "ELEVENLABS_API_KEY"
RESIDENCY_BASE_URLS: dict[str, str] = {
    "global": "https://api.elevenlabs.io",
    "us": "https://api.us.elevenlabs.io",
    "eu-residency": "https://api.eu.residency.elevenlabs.io",
    "in-residency": "https://api.in.residency.elevenlabs.io",
    "sg-residency": "https://api.sg.residency.elevenlabs.io",
}
MAIN_BRANCH = "main"  # how configs name an agent's main branch (the API calls it "Main")


@dataclass(frozen=True)
class Environment:
    name: str
    api_key_env: str = DEFAULT_API_KEY_ENV
    residency: str | None = None
    base_url: str | None = None
    emulator: bool = False
    concurrency: int | None = None  # most requests in flight (None: the client's default)
    confirm: bool = False  # every sync that writes asks first (on a terminal; --yes off one)
    # The server environment (environment-variable values, test runs) this environment uses.
    server_environment: str = "production"
    branch: str | None = None  # the agent branch this environment reads and writes (None: main)
    # The main environment a branch environment branches, named (when its connection does not say).
    main: str | None = None
    # Agent local name → branch name → percentage of its traffic (validated offline: sums to 100).
    deployments: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def resolved_base_url(self) -> str:
        """Explicit base URL, else the residency's, else global. Emulator environments have no URL."""
        if self.base_url:
            return self.base_url.rstrip("/")
        return RESIDENCY_BASE_URLS[self.residency or "global"]

    @property
    def connection(self) -> tuple[str, str | None, str | None, bool]:
        """What decides which workspace the environment reaches."""
        return (self.api_key_env, self.residency, self.base_url, self.emulator)


def _deployments(value: Any) -> dict[str, dict[str, float]]:
    if not isinstance(value, dict):
        return {}
    return {
        agent: {
            branch: float(share)
            for branch, share in split.items()
            if isinstance(share, int | float) and not isinstance(share, bool)
        }
        for agent, split in value.items()
        if isinstance(split, dict)
    }


def parse_environment(name: str, spec: dict[str, Any]) -> Environment:
    """Typed view of one environment; values of another type than the schema's are left out."""
    return Environment(
        name=name,
        api_key_env=str(spec.get("api_key_env", DEFAULT_API_KEY_ENV)),
        residency=spec.get("residency") if isinstance(spec.get("residency"), str) else None,
        base_url=spec.get("base_url") if isinstance(spec.get("base_url"), str) else None,
        emulator=spec.get("emulator") is True,
        concurrency=spec.get("concurrency") if isinstance(spec.get("concurrency"), int) else None,
        confirm=spec.get("confirm") is True,
        server_environment=str(spec.get("server_environment") or "production"),
        branch=spec.get("branch") if isinstance(spec.get("branch"), str) else None,
        main=spec.get("main") if isinstance(spec.get("main"), str) else None,
        deployments=_deployments(spec.get("deployments")),
    )


def main_environment(environments: Mapping[str, Environment], env: Environment) -> Environment:
    """The environment whose workspace (and agents) a branch environment branches: the one its ``main``
    names, else the one environment without a branch on the same connection; the environment itself when
    it has no branch or no such one exists (then its own first sync creates the agents, and cuts its
    branch from them)."""
    if env.branch is None:
        return env
    named = environments.get(env.main) if env.main else None
    if named is not None and named.branch is None:
        return named
    mains = [
        other
        for other in environments.values()
        if other.branch is None and other.connection == env.connection and other.name != env.name
    ]
    return mains[0] if len(mains) == 1 else env


def deployment_issues(
    environments: Mapping[str, Environment], agents: set[str]
) -> list[tuple[tuple[str, ...], str]]:
    """Each environment's traffic splits, offline: of declared agents, percentages summing to 100
    (rounding below 0.01 ignored). (manifest key path, message) pairs."""
    issues: list[tuple[tuple[str, ...], str]] = []
    for env in environments.values():
        for agent, split in sorted(env.deployments.items()):
            where = ("environments", env.name, "deployments", agent)
            if agent not in agents:
                issues.append((where, f"traffic split for undeclared agent {agent!r}"))
            total = sum(split.values())
            if abs(total - 100) > 0.01:
                issues.append((where, f"the traffic percentages of {agent!r} sum to {total:g}, not 100"))
    return issues


def main_issues(environments: Mapping[str, Environment]) -> list[tuple[tuple[str, ...], str]]:
    """Each ``main`` key, offline: only on a branch environment, naming another environment that is not
    itself a branch environment. (manifest key path, message) pairs."""
    issues: list[tuple[tuple[str, ...], str]] = []
    for env in environments.values():
        if env.main is None:
            continue
        where = ("environments", env.name, "main")
        named = environments.get(env.main)
        if env.branch is None:
            issues.append((where, f"'main' is only for a branch environment ({env.name!r} has no 'branch')"))
        elif env.main == env.name:
            issues.append((where, f"environment {env.name!r} cannot be its own main environment"))
        elif named is None:
            known = ", ".join(sorted(set(environments) - {env.name})) or "none"
            issues.append((where, f"unknown environment {env.main!r} (environments: {known})"))
        elif named.branch is not None:
            issues.append(
                (where, f"environment {env.main!r} is itself a branch environment (branch {named.branch!r})")
            )
        elif named.connection != env.connection:
            issues.append(
                (
                    where,
                    f"environment {env.main!r} reaches another workspace (its api_key_env, residency, "
                    f"base_url or emulator differ from {env.name!r}'s): branches share one workspace",
                )
            )
    return issues


def same_agents(environments: Mapping[str, Environment], env: Environment) -> set[str]:
    """The other environments whose agents are ``env``'s (branches of one agent, on one workspace): the
    main environment and every branch environment of it. Their state files share ids legitimately."""
    main = main_environment(environments, env)
    found = {
        other.name
        for other in environments.values()
        if other.name == main.name or main_environment(environments, other).name == main.name
    }
    return found - {env.name}
