"""The sample projects of the tests.

``sample_project``: the plan/sync/pull project, tool ``lookup`` (a webhook with a ``${E2E_ORDERS_TOKEN}``
header), test ``greets`` and agent ``bot`` referring to both, in two environments, ``staging`` and ``prod``,
both pointing at the same served emulator (one workspace) with their own key variables (``KEYS``); ``cli``
and ``cli_json`` run ``agents`` on it with those keys. ``offline_project``: for the commands that need no
remote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.cli import run_cli
from tests.support.project import write_project

SECRET = "e2e-s3cret-value-91f3"
KEYS = {"KEY_STAGING": "sk_staging", "KEY_PROD": "sk_prod", "E2E_ORDERS_TOKEN": SECRET}

TOOL = """\
type: webhook
name: lookup_order
description: Look up an order by its number.
api_schema:
  url: https://orders.example.com/api/orders/{order_number}
  method: GET
  request_headers:
    Authorization: Bearer ${E2E_ORDERS_TOKEN}
  path_params_schema:
    order_number:
      type: string
      description: The order number.
"""

AGENT = """\
name: Support Bot
tags: [support]
conversation_config:
  agent:
    first_message: Hello!
    prompt:
      prompt: |
        You help customers.
        Be brief.
      temperature: 0.3
      tool_ids:
        - "@tool:lookup"
platform_settings:
  testing:
    attached_tests:
      - test_id: "@test:greets"
"""

TEST = """\
type: llm
name: Greets the user
chat_history:
  - role: user
    message: Hi
    time_in_call_secs: 0
success_condition: The agent greets the user.
success_examples:
  - type: success
    response: Hello!
failure_examples:
  - type: failure
    response: What?
"""


# An agent whose remote echoes defaults the file leaves out (a built-in tool's `type: system`, a criterion's
# `type: prompt`).
AGENT_WITH_DEFAULT_TYPES = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello!
    prompt:
      prompt: You help customers.
      temperature: 0.3
      built_in_tools:
        end_call:
          name: end_call
          description: ''
          params:
            system_tool_type: end_call
platform_settings:
  evaluation:
    criteria:
      - id: resolved
        name: Resolved
        conversation_goal_prompt: The issue was resolved.
"""
AGENT_WITH_EXPLICIT_DEFAULTS = AGENT_WITH_DEFAULT_TYPES.replace(
    "    first_message: Hello!\n", "    first_message: Hello!\n    language: en\n"
)
OTHER_AGENT = """\
name: Other Bot
conversation_config:
  agent:
    first_message: Hi there.
"""

# A scenario file's content (agents test's simulated conversations): every key the API takes.
SCENARIO = {
    "agents": ["support-bot"],
    "persona": "You are an impatient customer whose order #123 is late.",
    "first_message": "Where is my order?",
    "language": "en",
    "dynamic_variables": {"customer_name": "Ada"},
    "partial_history": [{"role": "user", "message": "Hello"}],
    "tool_mocks": {"Lookup Order": {"default_return_value": '{"status": "shipped"}'}},
    "evaluation_criteria": [
        {"id": "mentions_status", "conversation_goal_prompt": "The agent says 'shipped'."}
    ],
    "turn_limit": 6,
}

OFFLINE_ENVIRONMENTS = {
    "local": {"emulator": True},
    "dev": {"api_key_env": "ELEVENLABS_API_KEY_DEV"},
    "eu": {"residency": "eu-residency"},
    "prod": {"base_url": "https://api.in.residency.elevenlabs.io/"},
}


def offline_project(root: Path) -> Path:
    """A project for commands that need no remote: agent ``support-bot`` (referring to ``@tool:lookup``),
    tool ``lookup``, test ``greets``; the agent has remote ids in ``dev`` and ``eu`` (state), none in
    ``prod``."""
    agent = (
        "name: Support Bot\nconversation_config:\n  agent:\n    prompt:\n      tool_ids: ['@tool:lookup']\n"
    )
    return write_project(
        root,
        environments=OFFLINE_ENVIRONMENTS,
        agents={"support-bot": agent},
        tools={"lookup": "type: webhook\nname: lookup\n"},
        tests={"greets": "type: llm\nname: greets\n"},
        state={
            "dev": {"agents": {"support-bot": "agent_dev_1"}},
            "eu": {"agents": {"support-bot": "agent_eu_1"}},
        },
    )


def staging_and_prod(base_url: str) -> dict[str, Any]:
    return {
        "staging": {"api_key_env": "KEY_STAGING", "base_url": base_url},
        "prod": {"api_key_env": "KEY_PROD", "base_url": base_url},
    }


def sample_project(root: Path, base_url: str, *, agents: dict[str, str] | None = None) -> Path:
    """The project with tool ``lookup``, test ``greets`` and agent ``bot`` (or the given agent files)."""
    return write_project(
        root,
        environments=staging_and_prod(base_url),
        default_environment="staging",
        agents=agents if agents is not None else {"bot": AGENT},
        tools={"lookup": TOOL},
        tests={"greets": TEST},
    )


def with_two_agents(project: Path, url: str) -> Path:
    """The sample project with a second agent, ``other``, synced to ``staging``."""
    sample_project(project, url, agents={"bot": AGENT, "other": OTHER_AGENT})
    cli(project, "sync")
    return project


def cli(project: Path, *args: str, expect: int = 0, env: dict[str, str] | None = None) -> tuple[str, str]:
    """``agents ARGS…`` on the project with the sample keys (and ``env``): (stdout, stderr)."""
    result = run_cli(list(args), cwd=project, expect=expect, env={**KEYS, **(env or {})})
    return result.stdout, result.stderr


def cli_json(project: Path, *args: str, expect: int = 0, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``agents ARGS… --json`` on the project with the sample keys (and ``env``): the document it printed."""
    data: dict[str, Any] = json.loads(cli(project, *args, "--json", expect=expect, env=env)[0])
    return data


def synced_then_edited_remotely(root: Path, base_url: str) -> str:
    """Sync the sample project to staging, then change agent ``bot``'s first message remotely (a dashboard
    edit); the agent's remote id."""
    from tests.support.emulator import remote_patch
    from tests.support.project import state

    run_cli(["sync", "--yes"], cwd=root, env=KEYS)
    bot: str = state(root, "staging")["agents"]["bot"]["id"]
    edit = {"conversation_config": {"agent": {"first_message": "Dashboard"}}}
    assert remote_patch(base_url, f"/v1/convai/agents/{bot}", edit).status_code == 200
    return bot
