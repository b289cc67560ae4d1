"""Which agents, tests and scenarios ``agents test`` runs, read from the project's local configs.

Tests are attached to agents through ``platform_settings.testing.attached_tests[].test_id: "@test:<name>"``
(an API field, so agent configs stay API-pure); scenarios name their agents in their own ``agents`` list and
are registered under ``scenarios`` in agents.json. An empty selection is an error that says how to attach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.kinds import AGENT, TEST
from agents_cli.project.configs import deep_merge, load_resource, strip_editor_keys
from agents_cli.project.errors import NotDeclared
from agents_cli.project.manifest import Project
from agents_cli.project.references import parse_reference
from agents_cli.testing.errors import (
    AttachedTestUndeclared,
    NothingSelected,
    ScenarioAgentsUndeclared,
    ScenarioWithoutConfig,
)
from agents_cli.testing.scenarios import MANIFEST_SECTION, Scenario, parse_scenario


@dataclass
class SelectedAgent:
    name: str
    config: dict[str, Any]  # the merged local config for the environment
    tests: list[str] = field(default_factory=list)  # local test names, in attachment order
    raw_test_ids: list[str] = field(default_factory=list)  # attached by remote id instead of @test:
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.tests or self.raw_test_ids or self.scenarios)


@dataclass
class Selection:
    agents: list[SelectedAgent]
    test_configs: dict[str, dict[str, Any]]  # local test name -> merged config, for every selected test
    # local test name -> the test file's ``x-agents`` settings (overlays merged), e.g. min_pass_rate
    test_settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def test_names(self) -> list[str]:
        return sorted({name for agent in self.agents for name in agent.tests})


def attached_tests(config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(local names from ``@test:`` references, raw remote ids) attached in an agent config."""
    testing = (config.get("platform_settings") or {}).get("testing") or {}
    names: list[str] = []
    raw: list[str] = []
    for entry in testing.get("attached_tests") or []:
        test_id = entry.get("test_id") if isinstance(entry, dict) else None
        if not isinstance(test_id, str):
            continue
        reference = parse_reference(test_id)
        if reference is not None and reference[0] == TEST.name:
            names.append(reference[1])
        elif reference is None:
            raw.append(test_id)
    return names, raw


def load_scenarios(project: Project, env: str) -> list[Scenario]:
    """Every scenario in the manifest, with its overlay for ``env`` merged in."""
    section = project.manifest.get(MANIFEST_SECTION) or {}
    scenarios = []
    for name, entry in section.items():
        if not isinstance(entry, dict) or "config" not in entry:
            raise ScenarioWithoutConfig(name)
        files = [Path(entry["config"])]
        overlay = (entry.get("overlays") or {}).get(env)
        if overlay:
            files.append(Path(overlay))
        data: Any = {}
        for relative in files:
            document = project.files.document(project.path(relative))
            content = document.data if isinstance(document.data, dict) else {}
            data = deep_merge(data, strip_editor_keys(content))
        scenarios.append(parse_scenario(name, data, source=" + ".join(str(f) for f in files)))
    return scenarios


def _expand(patterns: list[str], known: list[str]) -> tuple[list[str], list[str]]:
    """(names the patterns select, in order; patterns that select nothing). ``support-*`` is a glob."""
    from fnmatch import fnmatchcase

    names: list[str] = []
    unknown: list[str] = []
    for pattern in patterns:
        if any(char in pattern for char in "*?["):
            matched = [name for name in known if fnmatchcase(name, pattern)]
        else:
            matched = [pattern] if pattern in known else []
        names += matched
        if not matched:
            unknown.append(pattern)
    return list(dict.fromkeys(names)), unknown


def _narrow(selected: list[SelectedAgent], test_names: list[str]) -> None:
    """Keep only the named tests and scenarios, names or globs (each must be attached to a selected agent)."""
    known = {n for agent in selected for n in agent.tests}
    known |= {scenario.name for agent in selected for scenario in agent.scenarios}
    test_names, unknown_tests = _expand(test_names, sorted(known))
    if unknown_tests:
        # The agents that have tests or scenarios (listing the others read as if they had these); all
        # selected ones when none has any ("none attached to bot").
        having = [agent.name for agent in selected if agent.tests or agent.scenarios]
        attached_to = having or [agent.name for agent in selected]
        raise NotDeclared("test or scenario", unknown_tests, sorted(known), attached_to=attached_to)
    wanted = set(test_names)
    for agent in selected:
        agent.tests = [name for name in agent.tests if name in wanted]
        agent.raw_test_ids = []
        agent.scenarios = [s for s in agent.scenarios if s.name in wanted]


SETTINGS_KEY = "x-agents"  # our settings in a test file (top-level x- keys are never sent to the API)


def _test_configs(
    project: Project, env: str, selected: list[SelectedAgent]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(merged config, ``x-agents`` settings) of every attached test, by local name."""
    declared_tests = project.resources[TEST.name]
    test_configs: dict[str, dict[str, Any]] = {}
    settings: dict[str, dict[str, Any]] = {}
    for agent in selected:
        for test in agent.tests:
            if test not in declared_tests:
                raise AttachedTestUndeclared(agent.name, test)
            if test not in test_configs:
                loaded = load_resource(project, declared_tests[test], env)
                test_configs[test] = loaded.data
                merged: dict[str, Any] = {}
                for document in loaded.documents:
                    data = document.data if isinstance(document.data, dict) else {}
                    found = data.get(SETTINGS_KEY)
                    merged.update(found if isinstance(found, dict) else {})
                settings[test] = merged
    return test_configs, settings


def select(
    project: Project, env: str, agent_names: list[str], test_names: list[str], tags: tuple[str, ...] = ()
) -> Selection:
    """The agents to test (all with tests or scenarios when ``agent_names`` is empty; names or globs), those
    whose config has every one of ``tags``, narrowed to the named tests."""
    declared_agents = project.resources[AGENT.name]
    agent_names, unknown_agents = _expand(agent_names, list(declared_agents))
    if unknown_agents:
        raise NotDeclared(AGENT.name, unknown_agents, list(declared_agents))
    scenarios = load_scenarios(project, env)
    for scenario in scenarios:
        missing = [agent for agent in scenario.agents if agent not in declared_agents]
        if missing:
            raise ScenarioAgentsUndeclared(scenario.name, missing)
    selected: list[SelectedAgent] = []
    for name in dict.fromkeys(agent_names or list(declared_agents)):
        config = load_resource(project, declared_agents[name], env).data
        if tags and not set(tags) <= {str(tag) for tag in config.get("tags") or []}:
            continue
        tests, raw = attached_tests(config)
        scenarios_of = [s for s in scenarios if name in s.agents]
        selected.append(SelectedAgent(name, config, list(dict.fromkeys(tests)), raw, scenarios_of))
    if test_names:
        _narrow(selected, test_names)
    selected = [agent for agent in selected if not agent.empty]
    if not selected:
        raise NothingSelected(list(agent_names), env)
    configs, settings = _test_configs(project, env, selected)
    return Selection(agents=selected, test_configs=configs, test_settings=settings)
