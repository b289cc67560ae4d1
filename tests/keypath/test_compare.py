"""agents_cli.keypath.compare: string walkers, leaves, the list policy and diff."""

from __future__ import annotations

import copy
import dataclasses
import random
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
    map_strings,
    parse_path,
    set_form,
    set_in,
    strict_equal,
    walk_strings,
)

TESTS = ("platform_settings", "testing", "attached_tests")
PROMPT = ("conversation_config", "agent", "prompt")


def agent(tests: list[str], tool_ids: list[str]) -> dict[str, Any]:
    return {
        "platform_settings": {
            "testing": {"attached_tests": [{"test_id": t, "workflow_node_id": None} for t in tests]}
        },
        "conversation_config": {"agent": {"prompt": {"tool_ids": tool_ids, "temperature": 0.5}}},
    }


# -- walkers ---------------------------------------------------------------------------------------------


def walker_doc() -> dict[str, Any]:
    return {"a": ["x", {"b": "y", "n": 1}], "key not yielded": None, "c": {"d": "z"}, "t": True}


def test_walk_strings_yields_string_values_with_index_paths_in_document_order() -> None:
    assert list(walk_strings(walker_doc())) == [(("a", 0), "x"), (("a", 1, "b"), "y"), (("c", "d"), "z")]
    assert list(walk_strings("alone")) == [((), "alone")]


def test_walk_strings_leaves_its_input_unchanged() -> None:
    doc = walker_doc()
    before = copy.deepcopy(doc)
    list(walk_strings(doc))
    assert doc == before


def test_map_strings_is_pure_and_shares_no_container() -> None:
    doc = walker_doc()
    before = copy.deepcopy(doc)
    seen: list[KeyPath] = []

    def upper(path: KeyPath, value: str) -> Any:
        seen.append(path)
        return value.upper()

    result = map_strings(doc, upper)
    assert doc == before
    assert result == {"a": ["X", {"b": "Y", "n": 1}], "key not yielded": None, "c": {"d": "Z"}, "t": True}
    assert seen == [("a", 0), ("a", 1, "b"), ("c", "d")]
    result["a"][1]["n"] = 2
    result["c"]["d"] = "changed"
    assert doc == before


# -- leaves ----------------------------------------------------------------------------------------------


def test_leaves_recurse_dicts_and_keep_empty_containers_and_scalar_lists_whole() -> None:
    doc = {"a": {"b": 1, "empty": {}}, "nothing": [], "words": ["b", "a"], "n": None}
    assert leaves(doc) == {
        ("a", "b"): 1,
        ("a", "empty"): {},
        ("nothing",): [],
        ("words",): ["b", "a"],
        ("n",): None,
    }
    assert leaves({}) == {(): {}}
    assert leaves(3) == {(): 3}


def test_leaves_of_a_set_are_its_sorted_form() -> None:
    assert leaves({"tool_ids": ["t2", "t1", "t2"]}) == {("tool_ids",): ["t1", "t2", "t2"]}
    assert leaves({"tags": ["b", "a"]}) == {("tags",): ["a", "b"]}


def test_leaves_of_keyed_lists_use_item_keys() -> None:
    found = leaves(agent(["t1", "t2"], []))
    assert found[(*TESTS, ItemKey("test_id", "t2"), "test_id")] == "t2"
    assert found[(*TESTS, ItemKey("test_id", "t1"), "workflow_node_id")] is None


def test_leaves_of_other_lists_of_containers_use_indexes() -> None:
    doc = {"rows": [[1, 2], [3]], "mixed": [1, {"a": 2}], "same": [{"id": "x"}, {"id": "x"}]}
    assert leaves(doc) == {
        ("rows", 0): [1, 2],
        ("rows", 1): [3],
        ("mixed", 0): 1,
        ("mixed", 1, "a"): 2,
        ("same", 0, "id"): "x",
        ("same", 1, "id"): "x",
    }


# -- random documents: round trips and leaves spelled like diff paths ----------------------------------

_ODD_KEYS = ["a.b", "", "[x]", "x y", '"q"', "tool_ids", "tags", "id", "k=v", "ñ", "0", "<root>"]


def random_scalar(rng: random.Random) -> Any:
    return rng.choice([0, 1, -3, 1.5, True, False, None, "", "s", "t 1", "7", "@tool:x"])


def random_keyed_list(rng: random.Random, depth: int) -> list[Any]:
    field = rng.choice(["id", "test_id", "tool_id", "name"])
    ids: list[str | int] = rng.sample(["a", "b c", "7", "x.y", "[z]", 'q"', "ñ"], rng.randint(1, 4))
    if rng.random() < 0.3:
        ids = [rng.randint(0, 999) * 10 + index for index in range(len(ids))]
    return [{field: ident, "v": random_doc(rng, depth + 1)} for ident in ids]


def random_doc(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return random_scalar(rng)
    if roll < 0.65:
        keys = {rng.choice(_ODD_KEYS) if rng.random() < 0.4 else f"k{i}" for i in range(rng.randint(0, 4))}
        return {key: random_doc(rng, depth + 1) for key in keys}
    if roll < 0.75:
        return [random_scalar(rng) for _ in range(rng.randint(0, 3))]
    if roll < 0.9:
        return random_keyed_list(rng, depth)
    return [random_doc(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def documents(count: int) -> list[Any]:
    rng = random.Random(611)
    return [{"root": random_doc(rng), "tool_ids": ["b", "a"]} for _ in range(count)]


def test_every_leaf_and_string_path_round_trips_as_text_and_resolves() -> None:
    for doc in documents(400):
        for path, value in leaves(doc).items():
            assert parse_path(format_path(path)) == path
            found = get(doc, path)
            assert strict_equal(found, value) or strict_equal(set_form(found), value), (path, value)
        for path, text in walk_strings(doc):
            assert parse_path(format_path(path, root="<root>"), root="<root>") == path
            assert get(doc, path) == text


def _is_id_leaf(path: KeyPath) -> bool:
    return len(path) >= 2 and isinstance(path[-2], ItemKey) and path[-2].field == path[-1]


def _other_value(value: Any) -> Any:
    """A different value of the same container kind (a dict turning scalar would change how the list
    holding it is compared, which is another test's subject)."""
    if isinstance(value, list):
        return [*value, "extra"]
    return {"different": True} if isinstance(value, dict) else {"was": value}


def test_a_changed_leaf_is_one_change_at_the_leaf_path() -> None:
    checked = 0
    for doc in documents(300):
        assert diff(doc, copy.deepcopy(doc)) == []
        for path, value in leaves(doc).items():
            if _is_id_leaf(path) or not path:
                continue  # changing an item's id changes which item it is (removed + added)
            changed = copy.deepcopy(doc)
            set_in(changed, path, _other_value(value))
            found = [change.path for change in diff(doc, changed)]
            if value == {}:  # an empty dict that gains a key: the change is the new key, inside the leaf
                assert found == [(*path, "different")], format_path(path)
            else:
                assert found == [path], format_path(path)
            checked += 1
    assert checked > 1000


# -- diff: dicts, scalars, types ---------------------------------------------------------------------------


def test_diff_reports_dict_keys_changed_added_and_removed_in_stable_order() -> None:
    before = {"same": 1, "gone": 2, "moved": {"x": 1}, "also_gone": 3}
    after = {"new": 0, "moved": {"x": 2}, "same": 1}
    assert diff(before, after) == [
        Change(("new",), None, 0, "added"),
        Change(("moved", "x"), 1, 2),
        Change(("gone",), 2, None, "removed"),
        Change(("also_gone",), 3, None, "removed"),
    ]


@pytest.mark.parametrize(
    ("before", "after"), [(1, True), (1, 1.0), (0, False), (True, 1.0), ("1", 1), (None, {})]
)
def test_diff_tells_json_types_apart(before: Any, after: Any) -> None:
    assert diff({"v": before}, {"v": after}) == [Change(("v",), before, after)]
    assert diff({"v": [before]}, {"v": [after]}) == [Change(("v",), [before], [after])]
    assert diff({"tool_ids": [before]}, {"tool_ids": [after]}) == [Change(("tool_ids",), [before], [after])]


def test_diff_of_equal_documents_is_empty() -> None:
    doc = agent(["t1"], ["a"])
    assert diff(doc, copy.deepcopy(doc)) == []
    assert diff(None, None) == []
    assert diff([], []) == []


def test_diff_of_odd_dict_keys_keeps_them_as_keys() -> None:
    before = {"headers": {"a.b": "1", "": "2", "[x]": "3"}}
    after = {"headers": {"a.b": "one", "": "2"}}
    changes = diff(before, after)
    assert [(format_path(c.path), c.kind) for c in changes] == [
        ('headers["a.b"]', "changed"),
        ('headers["[x]"]', "removed"),
    ]
    assert [parse_path(format_path(c.path)) for c in changes] == [c.path for c in changes]


def test_diff_of_empty_containers() -> None:
    assert diff({}, {"a": 1}) == [Change(("a",), None, 1, "added")]
    assert diff({"a": {}}, {"a": {"b": 1}}) == [Change(("a", "b"), None, 1, "added")]
    assert diff({"a": []}, {"a": [1]}) == [Change(("a",), [], [1])]
    assert diff({"a": {}}, {"a": []}) == [Change(("a",), {}, [])]
    assert diff({"a": [{"x": 1}]}, {"a": []}) == [Change(("a", 0), {"x": 1}, None, "removed")]


def test_change_is_frozen() -> None:
    change = Change(("a",), 1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.after = 3  # type: ignore[misc]


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


# -- leaf_path -------------------------------------------------------------------------------------------


def test_leaf_path_turns_index_paths_into_diff_spelling() -> None:
    doc = agent(["t1", "t2"], ["a", "b"])
    doc["rows"] = [{"v": "x"}]
    assert leaf_path(doc, (*TESTS, 1, "test_id")) == (*TESTS, ItemKey("test_id", "t2"), "test_id")
    assert leaf_path(doc, (*PROMPT, "tool_ids", 1)) == (*PROMPT, "tool_ids")
    assert leaf_path(doc, ("rows", 0, "v")) == ("rows", 0, "v")
    assert leaf_path(doc, ("nothing", 3, "x")) == ("nothing", 3, "x")
    assert leaf_path(doc, (*TESTS, 9, "x")) == (*TESTS, 9, "x")
    assert leaf_path(doc, ()) == ()


def test_leaf_path_of_every_string_is_a_leaf_or_inside_one() -> None:
    for doc in documents(200):
        found = leaves(doc)
        for path, _text in walk_strings(doc):
            assert leaf_path(doc, path) in found


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
