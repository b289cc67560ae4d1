"""Plan/sync follow-ups (review issue 4), end to end over loopback HTTP against the served emulator:
validation before any request, ``--only`` with dependencies not created yet, hidden tags refreshed after a
rename, quiet state-only refreshes, full values in create plans, status for ✗-only changes, output order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.emulator import ServedEmulator, remote_get
from tests.support.samples import cli, sample_project


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    return sample_project(tmp_path / "proj", served_emulator.url)


# -- 1. plan and sync validate first ----------------------------------------------------------------------


OTHER_AGENT = """\
name: Other Bot
conversation_config:
  agent:
    first_message: Hi there.
"""


def with_two_agents(project: Path, url: str) -> Path:
    from tests.support.samples import AGENT

    sample_project(project, url, agents={"bot": AGENT, "other": OTHER_AGENT})
    cli(project, "sync")
    return project


# -- 4. state-only refreshes are counted, not listed -------------------------------------------------------


# -- 7. plan, then progress, then summary ------------------------------------------------------------------


# -- 5. creates show new values in full -------------------------------------------------------------------


# -- 3. hidden tags refreshed after a rename --------------------------------------------------------------
def remote_tags(url: str, agent_id: str) -> list[str]:

    tags: list[str] = remote_get(url, f"/v1/convai/agents/{agent_id}").json()["tags"]
    return tags


# -- 6. status and test with changes sync cannot apply -----------------------------------------------------
COLLECTING = """\
  data_collection:
    order_number:
      type: string
      description: The order number.
"""


# -- 2. --only includes what the selection references and does not exist yet -------------------------------


def httpx_delete(url: str, path: str) -> None:
    import httpx

    httpx.delete(url + path, headers={"xi-api-key": "sk_dashboard"}, timeout=10).raise_for_status()


def test_only_agents_tagged_for_this_environment_get_their_tags_refreshed() -> None:
    from agents_cli.engine.normalise import normalise_desired
    from agents_cli.engine.planner import RemoteResource, plan_resource
    from agents_cli.project.state import State

    config = {"name": "Bot", "conversation_config": {"agent": {"first_message": "Hi"}}}
    desired = normalise_desired("agent", "bot", config, ids={}, declared={"agent": {"bot"}}, environ={})

    def planned(tags: list[str]) -> tuple[str, list[str | None]]:
        remote = RemoteResource(id="agent_1", body=desired.body, managed_tags=tags)
        item = plan_resource(desired, remote, State(environment="dev"))
        return item.action, [change.note for change in item.changes]

    assert planned(["agents-cli:env=dev", "agents-cli:name=bot"]) == ("no-op", [])
    assert planned(["agents-cli:env=dev", "agents-cli:name=old"]) == ("update", ["agents-cli tags refreshed"])
    assert planned(["agents-cli:env=dev"]) == ("update", ["agents-cli tags refreshed"])
    assert planned([]) == ("no-op", [])  # made in the dashboard and pulled: pull → plan stays clean
    assert planned(["agents-cli:env=prod", "agents-cli:name=bot"]) == ("no-op", [])  # another env's agent
