"""A rebase as a plan: the rebase preview's fields that differ from the branch, its conflicts, and with
--force the conflicting fields as changes to main's values and the PATCH that resolves them."""

from __future__ import annotations

from typing import Any

from agents_cli.engine.promote import Conflict
from agents_cli.engine.rebase import rebasing, resolution


def _agent(first: str, prompt: str) -> dict[str, Any]:
    return {
        "agent_id": "agent_1",
        "name": "Bot",
        "conversation_config": {"agent": {"first_message": first, "prompt": {"prompt": prompt}}},
        "version_id": "agtvrsn_1",
        "branch_id": "agtbranch_dev",
        "tags": [],
    }


CONFLICT = {
    "section": "conversation_config",
    "path": "agent.prompt.prompt",
    "base_value": "helpful",
    "source_value": "production",
    "target_value": "dev",
}
BRANCHES = ("agtbranch_main", "agtbranch_dev")


def test_mains_changes_the_branch_takes_are_the_rebases_changes() -> None:
    preview = {**_agent("Hi there", "dev"), "conflicts": [], "source_identical_to_target": False}
    item = rebasing("bot", "agent_1", BRANCHES, _agent("Hello", "dev"), preview, force=False)
    assert [(c.path, c.before, c.after) for c in item.changes] == [
        ("conversation_config.agent.first_message", "Hello", "Hi there")
    ]
    assert item.source_branch == "agtbranch_main" and item.target_branch == "agtbranch_dev"


def test_conflicts_are_listed_and_with_force_become_changes_to_mains_values() -> None:
    preview = {**_agent("Hi there", "dev"), "conflicts": [CONFLICT], "source_identical_to_target": False}
    held = rebasing("bot", "agent_1", BRANCHES, _agent("Hello", "dev"), preview, force=False)
    assert [(c.path, c.base, c.source, c.target) for c in held.conflicts] == [
        ("conversation_config.agent.prompt.prompt", "helpful", "production", "dev")
    ]
    assert [c.path for c in held.changes] == ["conversation_config.agent.first_message"]
    forced = rebasing("bot", "agent_1", BRANCHES, _agent("Hello", "dev"), preview, force=True)
    assert [(c.path, c.before, c.after) for c in forced.changes] == [
        ("conversation_config.agent.first_message", "Hello", "Hi there"),
        ("conversation_config.agent.prompt.prompt", "dev", "production"),
    ]


def test_the_resolution_sets_each_conflicting_field_to_mains_value() -> None:
    conflicts = (
        Conflict("conversation_config.agent.prompt.prompt", "a", "main prompt", "b"),
        Conflict("conversation_config.agent.first_message", "a", "main hello", "b"),
        Conflict("platform_settings.widget.variant", None, "compact", "full"),
    )
    assert resolution(conflicts) == {
        "conversation_config": {
            "agent": {"prompt": {"prompt": "main prompt"}, "first_message": "main hello"}
        },
        "platform_settings": {"widget": {"variant": "compact"}},
    }
