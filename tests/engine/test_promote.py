"""A promotion as a plan: the merge preview's fields that differ from the target branch, and its conflicts."""

from __future__ import annotations

from typing import Any

from agents_cli.engine.promote import promotion


def _agent(prompt: str) -> dict[str, Any]:
    return {
        "agent_id": "agent_1",
        "name": "Bot",
        "conversation_config": {"agent": {"first_message": "Hi", "prompt": {"prompt": prompt}}},
        "version_id": "agtvrsn_1",
        "branch_id": "agtbranch_main",
        "tags": [],
    }


def test_the_preview_differing_from_the_target_is_the_promotions_changes() -> None:
    preview = {
        **_agent("terse"),
        "conflicts": [],
        "overridden_fields": [],
        "source_identical_to_target": False,
    }
    item = promotion("bot", "agent_1", ("agtbranch_dev", "agtbranch_main"), _agent("helpful"), preview)
    assert [(c.path, c.before, c.after) for c in item.changes] == [
        ("conversation_config.agent.prompt.prompt", "helpful", "terse")
    ]
    assert item.conflicts == () and item.has_changes


def test_the_previews_conflicts_are_listed_by_path_with_all_three_values() -> None:
    conflict = {
        "section": "conversation_config",
        "path": "agent.prompt.prompt",
        "base_value": "helpful",
        "source_value": "terse",
        "target_value": "hotfix",
    }
    preview = {**_agent("hotfix"), "conflicts": [conflict]}
    item = promotion("bot", "agent_1", ("agtbranch_dev", "agtbranch_main"), _agent("hotfix"), preview)
    assert not item.has_changes
    assert [c.as_dict() for c in item.conflicts] == [
        {
            "path": "conversation_config.agent.prompt.prompt",
            "base": "helpful",
            "source": "terse",
            "target": "hotfix",
        }
    ]
