"""Field-level drift as pure functions: the per-field hash map, which leaves moved, keeping remote values,
the minimal agent PATCH, and the planner's split into local changes, drifted fields and conflicts."""

from __future__ import annotations

import json
from typing import Any

from agents_cli.cli.render.plan import plan_summary
from agents_cli.engine.drift import (
    changed_leaves,
    field_hashes,
    keep_remote,
    merge_kept,
    merge_patch,
    salt_for,
)
from agents_cli.engine.normalise import normalise_desired, normalise_remote
from agents_cli.engine.planner import RemoteResource, plan
from agents_cli.keypath import KeyPath, format_path, leaves, parse_path
from agents_cli.project.state import ResourceState, State, fingerprint, parse_state

DECLARED: dict[str, set[str]] = {"tool": set(), "test": set(), "agent": {"bot"}}
SALT = salt_for("dev", "agent", "agent_1")


def texts(paths: Any) -> set[str]:
    """Key paths (a set, or a map's keys) as text, to compare with literal spellings."""
    return {format_path(path) for path in paths}


def by_text(mapping: dict[KeyPath, Any]) -> dict[str, Any]:
    return {format_path(path): value for path, value in mapping.items()}


def by_path(mapping: dict[str, Any]) -> dict[KeyPath, Any]:
    return {parse_path(text): value for text, value in mapping.items()}


def agent(first_message: str = "Hello!", temperature: float = 0.3, prompt: str = "You help.") -> dict:  # type: ignore[type-arg]
    config = {
        "name": "Bot",
        "conversation_config": {
            "agent": {
                "first_message": first_message,
                "prompt": {"prompt": prompt, "temperature": temperature},
            }
        },
    }
    return normalise_desired("agent", "bot", config, ids={}, declared=DECLARED, environ={}).body


def test_map_holds_only_non_default_leaves_as_short_salted_hashes() -> None:
    body = agent()
    hashes = field_hashes("agent", body, SALT)
    assert texts(hashes) == {
        "name",
        "conversation_config.agent.first_message",
        "conversation_config.agent.prompt.prompt",
        "conversation_config.agent.prompt.temperature",
    }
    assert all(len(digest) == 16 for digest in hashes.values())
    assert "Hello!" not in json.dumps(by_text(hashes)) and "You help." not in json.dumps(by_text(hashes))
    # Salted per resource: the same value elsewhere hashes differently; deterministic for the same salt.
    other = field_hashes("agent", body, salt_for("dev", "agent", "agent_2"))
    assert other[("name",)] != hashes[("name",)]
    assert field_hashes("agent", body, SALT) == hashes


def test_changed_leaves_finds_edits_resets_to_default_and_new_keys() -> None:
    recorded = field_hashes("agent", agent(), SALT)
    assert changed_leaves("agent", agent(), recorded, SALT) == set()
    assert texts(changed_leaves("agent", agent(first_message="Hi"), recorded, SALT)) == {
        "conversation_config.agent.first_message"
    }
    reset = agent()
    del reset["conversation_config"]["agent"]["prompt"]["temperature"]
    reset = normalise_remote("agent", reset)  # back to the schema default
    assert texts(changed_leaves("agent", reset, recorded, SALT)) == {
        "conversation_config.agent.prompt.temperature"
    }
    more = agent()
    more["tags"] = ["vip"]
    assert texts(changed_leaves("agent", more, recorded, SALT)) == {"tags"}


def test_list_entries_grow_and_shrink_as_leaves() -> None:
    body = {"tool_config": {"type": "client", "name": "t", "description": "d", "parameters": None}}
    tool = normalise_remote("tool", body)
    salt = salt_for("dev", "tool", "tool_1")
    recorded = field_hashes("tool", tool, salt)
    grown = normalise_remote("tool", {**body, "tool_config": {**body["tool_config"], "assignments": []}})
    assert changed_leaves("tool", grown, recorded, salt) == set()
    assert by_text(leaves({"a": [{"b": 1}], "c": [1, 2], "d": {}})) == {"a[0].b": 1, "c": [1, 2], "d": {}}


def test_keep_remote_sets_changed_added_and_removed_paths() -> None:
    desired: dict[str, Any] = {"a": {"x": 1, "y": 2}, "items": [{"v": 1}, {"v": 2}], "local_only": True}
    remote = {"a": {"x": 9, "y": 3}, "items": [{"v": 1}], "remote_only": "r"}
    body = keep_remote(desired, remote, [("a", "x"), ("items", 1), ("local_only",), ("remote_only",)])
    assert body == {"a": {"x": 9, "y": 2}, "items": [{"v": 1}], "remote_only": "r"}
    assert desired["a"]["x"] == 1  # the desired body is not modified


def test_merge_patch_cuts_paths_at_lists_and_missing_keys() -> None:
    body = {"a": {"b": {"c": 1, "d": 2}, "e": [{"f": 1}]}, "g": 3}
    assert merge_patch(body, [("a", "b", "c"), ("a", "e", 0, "f")]) == {"a": {"b": {"c": 1}, "e": [{"f": 1}]}}
    assert merge_patch(body, [("a", "b", "gone")]) == {"a": {"b": {"c": 1, "d": 2}}}
    assert merge_patch(body, [("gone",)]) == body


def test_merge_kept_keeps_old_hashes_under_kept_paths() -> None:
    old = by_path({"a.b": "1", "a.c": "2", "d[0].e": "3"})
    new = by_path({"a.b": "9", "a.c": "8", "f": "7"})
    kept = [parse_path("a.b"), parse_path("d")]
    assert by_text(merge_kept(new, old, kept)) == {"a.b": "1", "a.c": "8", "f": "7", "d[0].e": "3"}


def _state_after_apply(body: dict) -> State:  # type: ignore[type-arg]
    state = State("dev")
    fp = fingerprint(body)
    state.set("agent", "bot", ResourceState("agent_1", fp, fp, field_hashes("agent", body, SALT)))
    return state


def _desired(**kwargs: object):  # type: ignore[no-untyped-def]
    config = {
        "name": "Bot",
        "conversation_config": {
            "agent": {
                "first_message": kwargs.get("first_message", "Hello!"),
                "prompt": {
                    "prompt": kwargs.get("prompt", "You help."),
                    "temperature": kwargs.get("temperature", 0.3),
                },
            }
        },
    }
    return normalise_desired("agent", "bot", config, ids={}, declared=DECLARED, environ={})


def test_plan_splits_local_changes_drift_and_conflicts() -> None:
    state = _state_after_apply(agent())
    remote = agent(first_message="From the dashboard", temperature=0.5)
    local = _desired(temperature=0.1, prompt="You help a lot.")
    result = plan([local], {("agent", "bot"): RemoteResource("agent_1", remote)}, state)
    item = result.resources[0]
    assert item.action == "drift"
    assert [c.path for c in item.changes] == ["conversation_config.agent.prompt.prompt"]
    assert [(c.path, c.before, c.after, c.conflict) for c in item.drifted] == [
        ("conversation_config.agent.first_message", "From the dashboard", "Hello!", False),
        ("conversation_config.agent.prompt.temperature", 0.5, 0.1, True),
    ]
    assert item.drifted[0].key == ("conversation_config", "agent", "first_message")
    assert result.as_dict()["summary"]["drifted_fields"] == 2
    assert "1 drifted (2 fields changed remotely" in plan_summary(result)

    # Only local changes: a plain update, nothing drifted.
    update = plan([local], {("agent", "bot"): RemoteResource("agent_1", agent())}, state).resources[0]
    assert update.action == "update" and not update.drifted and len(update.changes) == 2


def test_remote_edit_equal_to_local_is_a_no_op_that_refreshes_state() -> None:
    state = _state_after_apply(agent())
    remote = agent(first_message="Same")
    item = plan(
        [_desired(first_message="Same")], {("agent", "bot"): RemoteResource("agent_1", remote)}, state
    )
    assert item.resources[0].action == "no-op" and item.resources[0].refresh_state
    current = plan([_desired()], {("agent", "bot"): RemoteResource("agent_1", agent())}, state)
    assert not current.resources[0].refresh_state


def test_state_round_trips_fields_and_loads_entries_without_them() -> None:
    state = _state_after_apply(agent())
    data = json.loads(state.to_json())
    assert list(data["agents"]["bot"]["fields"]) == sorted(data["agents"]["bot"]["fields"])
    assert parse_state("dev", data, "x").as_dict() == state.as_dict()
    del data["agents"]["bot"]["fields"]
    legacy = parse_state("dev", data, "x").get("agent", "bot")
    assert legacy is not None and legacy.fields is None and legacy.remote_fingerprint
