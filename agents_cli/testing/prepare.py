"""Turn a selection into runnable targets: remote ids, prerequisites synced, local config overrides built.

``--against local`` tests the local config before deploy: the test definitions (and the tools they and the
agent reference) are synced first, then every run carries ``agent_config_override`` built from the local,
normalised, reference-resolved config. run-tests still needs *some* remote agent id: when the agent has never
been synced to this environment a placeholder agent (empty config, tagged ``agents-cli:placeholder``) is
created and recorded in state, so the next ``agents sync`` fills that same agent instead of creating another.
``--against deployed`` runs against the remote agent as deployed and requires it to exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from agents_cli.engine.normalise import remote_name, send_body
from agents_cli.errors import RemoteError
from agents_cli.kinds import AGENT, REGISTRY, TEST, tags
from agents_cli.kinds.test import type_of as test_type
from agents_cli.project.state import ResourceState, State, load_state, save_state, state_lock
from agents_cli.remote.errors import UnexpectedAnswer
from agents_cli.testing.errors import (
    DeletedRemotely,
    NotDeployed,
    ReferencesNotCreated,
    ScenarioNeedsDeployed,
    TestNotCreated,
)
from agents_cli.testing.model import AgentTarget, ScenarioCase, TestCase
from agents_cli.testing.selection import SelectedAgent, Selection

if TYPE_CHECKING:
    from agents_cli.engine.desired import DesiredSet
    from agents_cli.engine.normalise import Ids
    from agents_cli.project.manifest import Project
    from agents_cli.remote.client import ApiClient

PLACEHOLDER_TAG = tags.PLACEHOLDER
AGENTS_PATH = AGENT.routes.collection


class ApiTestClient:
    """``runner.TestApi`` over the project's one HTTP client (``api.ApiClient``)."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def _object(self, call: Awaitable[Any], what: str) -> dict[str, Any]:
        answer = await call
        if not isinstance(answer, dict):
            raise UnexpectedAnswer(what, "a JSON object")
        return answer

    async def run_tests(self, agent_id: str, body: dict[str, Any]) -> dict[str, Any]:
        # A POST: api.py retries it only when surely not processed (429, 503 + Retry-After, no connection);
        # after an ambiguous failure it raises AmbiguousRequest rather than start the runs twice.
        path = f"{AGENT.routes.item(agent_id)}/run-tests"
        return await self._object(self.api.request("POST", path, json=body), f"POST {path}")

    async def get_test_invocation(self, invocation_id: str) -> dict[str, Any]:
        path = f"/v1/convai/test-invocations/{quote(invocation_id, safe='')}"
        return await self._object(self.api.get(path), f"GET {path}")

    async def simulate_conversation(self, agent_id: str, body: dict[str, Any]) -> dict[str, Any]:
        path = f"{AGENT.routes.item(agent_id)}/simulate-conversation"
        return await self._object(self.api.request("POST", path, json=body), f"POST {path}")


def config_override(desired: DesiredSet, agent: str, ids: dict[str, dict[str, str]]) -> dict[str, Any]:
    """``agent_config_override``: the local config normalised and resolved to this environment's ids."""
    normalised = desired.normalise(AGENT.key(agent), ids)
    missing = sorted(f"@{kind}:{name}" for kind, name in normalised.pending if kind != AGENT.name)
    if missing:
        raise ReferencesNotCreated(agent, missing, desired.environment)
    body = normalised.body
    override: dict[str, Any] = {
        "conversation_config": body.get("conversation_config") or {},
        "platform_settings": body.get("platform_settings") or {},
    }
    if body.get("workflow"):
        override["workflow"] = body["workflow"]
    return override


async def find_tagged_agent(api: ApiClient, env: str, agent: str, display_name: str) -> dict[str, Any] | None:
    """The remote agent this CLI tagged for ``env`` and local name ``agent`` (a placeholder or a synced
    agent), found by name search; None when there is none."""
    found = await api.list_all(AGENTS_PATH, AGENT.routes.list_key, params={"search": display_name})
    for item in found:
        if isinstance(item, dict) and AGENT.matches(item, env, agent, None):
            return item
    return None


async def adopt_or_create_placeholder(
    api: ApiClient, env: str, agent: str, display_name: str
) -> tuple[str, bool]:
    """An agent id to run tests against and whether it already existed. With no state (a CI job that does
    not commit ``state/<env>.json``) the tagged agent of an earlier run is reused, so every run does not
    leave one more empty agent in the workspace."""
    existing = await find_tagged_agent(api, env, agent, display_name)
    if existing is not None and isinstance(existing.get("agent_id"), str):
        return str(existing["agent_id"]), True
    return await create_placeholder_agent(api, env, agent, display_name), False


async def create_placeholder_agent(api: ApiClient, env: str, agent: str, display_name: str) -> str:
    """Create an empty agent to run tests against; its id (the caller records it in state)."""
    body = send_body(AGENT.name, agent, env, {"name": display_name, "conversation_config": {}})
    body["tags"] = [*body["tags"], PLACEHOLDER_TAG]

    async def find_existing() -> Any | None:
        return await find_tagged_agent(api, env, agent, display_name)

    created, _adopted = await api.create(AGENT.routes.create, body, find_existing=find_existing)
    agent_id = AGENT.remote_id(created)
    if not isinstance(agent_id, str):
        raise UnexpectedAnswer(f"POST {AGENT.routes.create}", "an agent_id")
    return agent_id


async def _agent_gone(api: ApiClient, agent_id: str) -> bool:
    try:
        await api.get(AGENT.routes.item(agent_id))
    except RemoteError as exc:
        if exc.status == 404:
            return True
        raise
    return False


@dataclass(frozen=True)
class PlaceholderUsed:
    """An agent never synced to the environment, tested through an empty placeholder agent."""

    agent: str
    agent_id: str
    reused: bool  # found tagged for it by an earlier run (state was not committed), rather than created


@dataclass(frozen=True)
class Preparation:
    targets: list[AgentTarget]
    placeholders: list[PlaceholderUsed]
    # --against local with scenarios that can run: they run against the deployed agent.
    scenarios_against_deployed: bool


def _refuse_undeployed(state: State, selection: Selection, ids: dict[str, str], env: str) -> None:
    """``--against deployed`` needs each agent synced. A state entry without fingerprint is a placeholder an
    earlier '--against local' run created (or a create that never completed): its config is empty, so
    testing it would judge nothing the user wrote."""
    missing = [agent for agent in selection.agents if agent.name not in ids]
    never_synced = [
        agent
        for agent in selection.agents
        if (entry := state.get(AGENT.name, agent.name)) is not None and entry.fingerprint is None
    ]
    if missing or never_synced:
        agent = (missing or never_synced)[0]
        raise NotDeployed(agent.name, env, placeholder=not missing)


async def _drop_lost(api: ApiClient, state: State, ids: dict[str, str], env: str) -> set[str]:
    """An id in state whose agent was deleted remotely (in the dashboard, or the environment now points at
    another server) would make every run fail with a bare 404: say so once, or forget a lost placeholder
    (returned, to be made anew)."""
    known = list(ids.items())
    gone_flags = await asyncio.gather(*(_agent_gone(api, agent_id) for _, agent_id in known))
    replaced: set[str] = set()
    for (name, agent_id), gone in zip(known, gone_flags, strict=True):
        if not gone:
            continue
        entry = state.get(AGENT.name, name)
        if entry is not None and entry.fingerprint is not None:
            raise DeletedRemotely(name, agent_id, env)
        del ids[name]
        replaced.add(name)
    return replaced


def _record(
    project: Project, env: str, made: list[tuple[str, str]], replaced: set[str], ids: dict[str, str]
) -> None:
    """Placeholders in state (no fingerprint: the next plan compares the real config with the empty agent
    and updates it)."""
    with state_lock(project.root, env):
        state = load_state(project.root, env)
        for name, agent_id in made:
            if state.get(AGENT.name, name) is None or name in replaced:
                state.set(AGENT.name, name, ResourceState(id=agent_id))
            ids[name] = state.ids(AGENT.name)[name]
        save_state(project.root, state)


async def ensure_agent_ids(
    api: ApiClient, project: Project, env: str, selection: Selection, *, against: str
) -> tuple[dict[str, str], list[PlaceholderUsed]]:
    """Remote id per selected agent; never-synced agents get placeholders (``local``) or an error."""
    state = load_state(project.root, env)
    ids = {agent.name: entry.id for agent in selection.agents if (entry := state.get(AGENT.name, agent.name))}
    if against == "deployed":
        _refuse_undeployed(state, selection, ids, env)
    replaced = await _drop_lost(api, state, ids, env)
    missing = [agent for agent in selection.agents if agent.name not in ids]

    # A placeholder that was lost remotely is made anew; other missing agents may exist untracked.
    async def placeholder_for(name: str, display_name: str) -> tuple[str, bool]:
        if name in replaced:
            return await create_placeholder_agent(api, env, name, display_name), False
        return await adopt_or_create_placeholder(api, env, name, display_name)

    outcomes = await asyncio.gather(
        *(
            placeholder_for(agent.name, remote_name(AGENT.name, agent.config) or agent.name)
            for agent in missing
        )
    )
    if missing:
        made = [(agent.name, agent_id) for agent, (agent_id, _) in zip(missing, outcomes, strict=True)]
        _record(project, env, made, replaced, ids)
    used = [
        PlaceholderUsed(agent.name, ids[agent.name], existed)
        for agent, (_, existed) in zip(missing, outcomes, strict=True)
    ]
    return ids, used


def _target(
    agent: SelectedAgent, agent_id: str, deployed: bool, selection: Selection, ids: Ids, env: str
) -> AgentTarget:
    tests = []
    for name in agent.tests:
        remote_id = ids[TEST.name].get(name)
        if remote_id is None:
            raise TestNotCreated(name, env)
        node = selection.test_settings.get(name, {}).get("workflow_node")
        kind = test_type(selection.test_configs[name])
        tests.append(TestCase(name, remote_id, kind, str(node) if node is not None else None))
    tests += [TestCase(name=raw, remote_id=raw, type="?") for raw in agent.raw_test_ids]
    blocked = None if deployed else ScenarioNeedsDeployed(agent.name, env)
    scenarios = [ScenarioCase(name=s.name, body=s.body, blocked=blocked) for s in agent.scenarios]
    return AgentTarget(agent=agent.name, remote_id=agent_id, tests=tests, scenarios=scenarios)


async def build_targets(
    api: ApiClient,
    project: Project,
    env: str,
    selection: Selection,
    desired: DesiredSet,
    *,
    against: str,
) -> Preparation:
    """Targets with remote ids (after prerequisites were synced) and, for ``local``, config overrides."""
    state = load_state(project.root, env)
    # Agents first: every other lookup below reads the state these calls may have just written.
    agent_ids, placeholders = await ensure_agent_ids(api, project, env, selection, against=against)
    ids = {kind: state.ids(kind) for kind in REGISTRY.names}
    ids[AGENT.name].update(agent_ids)
    targets = []
    for agent in selection.agents:
        entry = state.get(AGENT.name, agent.name)
        # A placeholder (see module doc) is recorded without fingerprint until 'agents sync' fills it.
        deployed = entry is not None and entry.fingerprint is not None
        target = _target(agent, agent_ids[agent.name], deployed, selection, ids, env)
        target.branch_id = entry.branch_id if entry is not None else None
        if against == "local":
            target.config_override = config_override(desired, agent.name, ids)
        targets.append(target)
    runnable = any(scenario.blocked is None for target in targets for scenario in target.scenarios)
    return Preparation(targets, placeholders, against == "local" and runnable)
