"""agents_cli.keypath.compare: the diff of lists, by the list policy: keyed lists by item key, sets and
scalar lists as one value, lists of dicts without ids by position, a custom policy per path, and the
lists of real API shapes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from agents_cli.keypath import (
    MISSING,
    Change,
    ItemKey,
    Keyed,
    KeyPath,
    ListMode,
    default_list_policy,
    diff,
    format_path,
    get,
    key_field,
    leaf_path,
    leaves,
)
from tests.support.documents import PROMPT, TESTS, agent

# -- diff: keyed lists -----------------------------------------------------------------------------------


def test_keyed_list_insert_at_front_is_one_added_item() -> None:
    changes = diff(agent(["t1", "t2"], []), agent(["t0", "t1", "t2"], []))
    assert changes == [
        Change((*TESTS, ItemKey("test_id", "t0")), None, {"test_id": "t0", "workflow_node_id": None}, "added")
    ]
    assert format_path(changes[0].path) == "platform_settings.testing.attached_tests[test_id=t0]"


def test_keyed_list_reorder_is_no_change() -> None:
    assert diff(agent(["t1", "t2", "t3"], []), agent(["t3", "t1", "t2"], [])) == []


def test_keyed_list_item_field_change_is_under_its_item_key() -> None:
    after = agent(["t1", "t2"], [])
    after["platform_settings"]["testing"]["attached_tests"][1]["workflow_node_id"] = "node_1"
    assert diff(agent(["t2", "t1"], []), after) == [
        Change((*TESTS, ItemKey("test_id", "t2"), "workflow_node_id"), None, "node_1")
    ]


def test_keyed_list_removed_items_come_after_those_of_after() -> None:
    changes = diff(agent(["gone", "t1"], []), agent(["t1", "new"], []))
    assert [(c.path[-1], c.kind) for c in changes] == [
        (ItemKey("test_id", "new"), "added"),
        (ItemKey("test_id", "gone"), "removed"),
    ]


def test_keyed_list_from_or_to_empty_lists_items() -> None:
    assert [c.kind for c in diff(agent([], []), agent(["a", "b"], []))] == ["added", "added"]
    assert [c.kind for c in diff(agent(["a"], []), agent([], []))] == ["removed"]


def test_key_field_priority_and_refusals() -> None:
    assert key_field([{"name": "n", "id": "i"}]) == "id"
    assert key_field([{"test_id": "t", "name": "n"}]) == "test_id"
    assert key_field([{"id": None, "name": "n"}]) == "name"  # an unset id is no id
    assert key_field([{"id": "x"}, {"id": "x"}]) is None  # duplicates are no identity
    assert key_field([{"id": 1}, {"id": "1"}]) == "id"  # distinct by type
    assert key_field([{"id": True}]) is None
    assert key_field([{"id": 1.5}]) is None
    assert key_field([{"id": "a"}, {"name": "b"}]) is None
    assert key_field([{"id": "a"}, "b"]) is None
    assert key_field([]) is None


def test_keyed_list_with_duplicate_ids_diffs_by_position() -> None:
    before = {"criteria": [{"id": "x", "v": 1}, {"id": "x", "v": 2}]}
    after = {"criteria": [{"id": "x", "v": 1}, {"id": "x", "v": 3}]}
    assert diff(before, after) == [Change(("criteria", 1, "v"), 2, 3)]


def test_list_that_stops_being_keyed_diffs_by_position() -> None:
    before = {"l": [{"id": "a"}, {"id": "b"}]}
    after = {"l": [{"id": "a"}, {"id": "a"}]}
    assert diff(before, after) == [Change(("l", 1, "id"), "b", "a")]


def test_transcripts_stay_positional_even_with_ids() -> None:
    turns = [{"id": "m1", "role": "user"}, {"id": "m2", "role": "agent"}]
    assert default_list_policy(("chat_history",), turns) == "positional"
    assert [c.path for c in diff({"chat_history": turns}, {"chat_history": turns[::-1]})] == [
        ("chat_history", 0, "id"),
        ("chat_history", 0, "role"),
        ("chat_history", 1, "id"),
        ("chat_history", 1, "role"),
    ]
    inner = ("from_conversation_metadata", "original_agent_reply", 0, "tool_calls")
    assert default_list_policy(inner, [{"id": "a"}]) == "positional"


# -- diff: sets and scalar lists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["tool_ids", "mcp_server_ids", "native_mcp_server_ids", "additional_tool_ids", "tags"]
)
def test_set_reorder_is_no_change(name: str) -> None:
    assert diff({name: ["a", "b", "c"]}, {name: ["c", "a", "b"]}) == []
    assert default_list_policy((name,), ["a"]) == "set"


def test_set_difference_is_one_change_with_whole_lists() -> None:
    before, after = agent([], ["t1", "t2"]), agent([], ["t3", "t1"])
    assert diff(before, after) == [Change((*PROMPT, "tool_ids"), ["t1", "t2"], ["t3", "t1"])]


def test_set_counts_duplicates() -> None:
    assert diff({"tool_ids": ["a", "a"]}, {"tool_ids": ["a"]}) == [Change(("tool_ids",), ["a", "a"], ["a"])]


def test_scalar_list_of_the_same_length_is_one_change() -> None:
    before = {"keywords": ["a", "b", "c"]}
    assert diff(before, {"keywords": ["a", "x", "c"]}) == [
        Change(("keywords",), ["a", "b", "c"], ["a", "x", "c"])
    ]
    assert diff(before, {"keywords": ["c", "b", "a"]}) == [
        Change(("keywords",), ["a", "b", "c"], ["c", "b", "a"])
    ]
    assert diff(before, {"keywords": ["a", "b"]}) == [Change(("keywords",), ["a", "b", "c"], ["a", "b"])]
    assert diff(before, copy.deepcopy(before)) == []


def test_scalar_list_gaining_a_dict_is_one_change() -> None:
    assert diff({"l": [1, 2]}, {"l": [1, {"a": 2}]}) == [Change(("l",), [1, 2], [1, {"a": 2}])]


def test_lists_of_dicts_without_ids_diff_by_position() -> None:
    before = {"assignments": [{"dynamic_variable": "a"}]}
    after = {"assignments": [{"dynamic_variable": "b"}, {"dynamic_variable": "c"}]}
    assert diff(before, after) == [
        Change(("assignments", 0, "dynamic_variable"), "a", "b"),
        Change(("assignments", 1), None, {"dynamic_variable": "c"}, "added"),
    ]


# -- the policy is a parameter -----------------------------------------------------------------------------


def test_a_custom_policy_decides_per_path() -> None:
    def headers_by_key(path: KeyPath, items: list[Any]) -> ListMode:
        if path and path[-1] == "custom_sip_headers":
            return Keyed("key")
        return default_list_policy(path, items)

    before = {"custom_sip_headers": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]}
    after = {"custom_sip_headers": [{"key": "b", "value": "2"}, {"key": "a", "value": "9"}]}
    assert diff(before, after, headers_by_key) == [
        Change(("custom_sip_headers", ItemKey("key", "a"), "value"), "1", "9")
    ]
    assert len(diff(before, after)) == 4  # positional by default
    assert (("custom_sip_headers", ItemKey("key", "a"), "value")) in leaves(after, headers_by_key)


def test_a_policy_can_make_an_ordered_list_of_dicts_one_value() -> None:
    def whole(path: KeyPath, items: list[Any]) -> ListMode:
        return "whole"

    assert diff({"l": [{"id": "a"}]}, {"l": [{"id": "b"}]}, whole) == [
        Change(("l",), [{"id": "a"}], [{"id": "b"}])
    ]
    assert leaves({"l": [{"id": "a"}]}, whole) == {("l",): [{"id": "a"}]}


def test_a_keyed_answer_the_items_cannot_honour_is_positional() -> None:
    def by_key(path: KeyPath, items: list[Any]) -> ListMode:
        return Keyed("key")

    lacking = {"l": [{"key": "a"}, {"other": "b"}]}
    duplicate = {"l": [{"key": "a", "v": 1}, {"key": "a", "v": 2}]}
    assert leaves(lacking, by_key) == {("l", 0, "key"): "a", ("l", 1, "other"): "b"}
    assert diff(duplicate, {"l": [{"key": "a", "v": 1}, {"key": "a", "v": 3}]}, by_key) == [
        Change(("l", 1, "v"), 2, 3)
    ]
    assert leaf_path(duplicate, ("l", 1, "v"), by_key) == ("l", 1, "v")
    assert diff({"l": [1, 2]}, {"l": [1, 3]}, by_key) == [Change(("l", 1), 2, 3)]


# -- the real API shapes ---------------------------------------------------------------------------------


def normalised(body: dict[str, Any]) -> dict[str, Any]:
    from agents_cli.spec.model import models

    result, errors = models().apply("Body_Create_Agent_v1_convai_agents_create_post", body, strict=False)
    assert errors == []
    assert isinstance(result, dict)
    return result


def real_agent() -> dict[str, Any]:
    return {
        "name": "Support",
        "conversation_config": {
            "agent": {
                "prompt": {
                    "prompt": "p",
                    "tool_ids": ["tool_a", "tool_b"],
                    "knowledge_base": [{"type": "file", "name": "Doc", "id": "kb_1"}],
                }
            }
        },
        "platform_settings": {
            "testing": {"attached_tests": [{"test_id": "test_1"}, {"test_id": "test_2"}]},
            "evaluation": {"criteria": [{"id": "solved", "name": "Solved", "conversation_goal_prompt": "g"}]},
            "data_collection": {"order": {"type": "string", "description": "d"}},
        },
        "workflow": {
            "nodes": {"start": {"type": "start"}, "end": {"type": "end"}},
            "edges": {"e1": {"source": "start", "target": "end"}},
        },
    }


def test_real_agent_lists_are_keyed_by_their_ids() -> None:
    doc = normalised(real_agent())
    paths = leaves(doc)
    assert (*TESTS, ItemKey("test_id", "test_2"), "test_id") in paths
    assert (*PROMPT, "knowledge_base", ItemKey("id", "kb_1"), "usage_mode") in paths
    assert ("platform_settings", "evaluation", "criteria", ItemKey("id", "solved"), "name") in paths
    assert (*PROMPT, "tool_ids") in paths


def test_real_agent_workflow_and_data_collection_are_maps_that_diff_by_key() -> None:
    before = normalised(real_agent())
    body = real_agent()
    body["workflow"]["nodes"] = {"mid": {"type": "end"}, **body["workflow"]["nodes"]}
    body["workflow"]["edges"]["e1"]["target"] = "mid"
    body["platform_settings"]["data_collection"]["email"] = {"type": "string", "description": "e"}
    after = normalised(body)
    assert isinstance(after["workflow"]["nodes"], dict)
    assert isinstance(after["platform_settings"]["data_collection"], dict)
    changes = diff(before, after)
    assert [(c.path, c.kind) for c in changes] == [
        (("platform_settings", "data_collection", "email"), "added"),
        (("workflow", "edges", "e1", "target"), "changed"),
        (("workflow", "nodes", "mid"), "added"),
    ]


def test_real_agent_reordered_tests_and_tool_ids_is_no_change() -> None:
    body = real_agent()
    body["conversation_config"]["agent"]["prompt"]["tool_ids"].reverse()
    body["platform_settings"]["testing"]["attached_tests"].reverse()
    assert diff(normalised(real_agent()), normalised(body)) == []
    assert get(normalised(body), (*TESTS, ItemKey("test_id", "test_1"), "workflow_node_id"), "x") is None
    assert get(body, (*TESTS, ItemKey("test_id", "nope")), MISSING) is MISSING
