"""Words for the errors of ``agents_cli.testing`` (``agents test``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError
from agents_cli.testing import errors as testing

Words = tuple[str, str | None]
ATTACH_HINT = (
    "attach a test in the agent's config under platform_settings.testing.attached_tests as "
    "{test_id: '@test:<name>'}, or list the agent in a scenario's 'agents' (see docs/testing.md)"
)


def _not_deployed(error: testing.NotDeployed) -> Words:
    detail = (
        " (only the empty placeholder 'agents test' created to test local configs)"
        if error.placeholder
        else ""
    )
    env = error.environment
    return (
        f"agent {error.agent!r} is not deployed in environment {env!r}{detail}",
        f"run 'agents sync --env {env}' first, or test the local config (--against local)",
    )


def _deleted(error: testing.DeletedRemotely) -> Words:
    env = error.environment
    return (
        f"agent {error.agent!r} ({error.agent_id}) no longer exists in environment {env!r} "
        "(deleted remotely?)",
        f"run 'agents sync --env {env}' to create it again ('agents status --env {env}' shows it as missing "
        "remotely)",
    )


def _scenario_needs_deployed(error: testing.ScenarioNeedsDeployed) -> Words:
    env = error.environment
    return (
        f"agent {error.agent!r} is not deployed in {env!r}: scenarios run against the deployed agent "
        f"(simulate-conversation takes no config override); run 'agents sync --env {env}' first, or express "
        "the scenario as a simulation test",
        None,
    )


def _prerequisite(error: testing.PrerequisiteFailed) -> Words:
    more = f" (and {error.more} more)" if error.more else ""
    return (
        f"could not sync {error.kind} {error.name!r} before testing: {error.reason}{more}",
        error.reason_hint or f"fix it, or inspect with 'agents plan --env {error.environment}'",
    )


def _invalid_scenario(error: testing.InvalidScenario) -> Words:
    more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
    return (
        f"{error.source}: invalid scenario {error.scenario!r}: {error.problems[0]}{more}",
        f"fix the scenario file; its keys are described in {error.schema}",
    )


def _nothing_selected(error: testing.NothingSelected) -> Words:
    scope = ", ".join(error.agents) if error.agents else "any agent"
    return f"no tests or scenarios selected for {scope} in environment {error.environment!r}", ATTACH_HINT


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    testing.NotDeployed: _not_deployed,
    testing.DeletedRemotely: _deleted,
    testing.ReferencesNotCreated: lambda error: (
        f"agent {error.agent!r} references {', '.join(error.missing)}, not yet created in "
        f"{error.environment!r}",
        "run 'agents sync' for them first",
    ),
    testing.TestNotCreated: lambda error: (
        f"test {error.test!r} has no id in environment {error.environment!r}",
        f"run 'agents sync --env {error.environment}'",
    ),
    testing.ScenarioNeedsDeployed: _scenario_needs_deployed,
    testing.PrerequisiteFailed: _prerequisite,
    testing.AttachedTestUndeclared: lambda error: (
        f"agent {error.agent!r} attaches @test:{error.test}, which is not declared in agents.json",
        f"add it with 'agents add test {error.test}' or fix the reference",
    ),
    testing.ScenarioWithoutConfig: lambda error: (
        f"agents.json: scenarios.{error.scenario} needs a 'config' path",
        ATTACH_HINT,
    ),
    testing.ScenarioAgentsUndeclared: lambda error: (
        f"scenario {error.scenario!r} names undeclared agent(s): {', '.join(error.agents)}",
        "fix the scenario's 'agents' list or add the agent to agents.json",
    ),
    testing.InvalidScenario: _invalid_scenario,
    testing.NothingSelected: _nothing_selected,
    testing.ReportNotWritten: lambda error: (
        f"cannot write report {error.path}: {error.reason}",
        "choose a writable path",
    ),
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
