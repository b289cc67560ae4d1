"""agents_cli.keypath.compare: string walkers, leaves, diff of dicts, scalars and types, and leaf_path
(the diff of lists, by policy, and of real API shapes is in test_compare_lists)."""

from __future__ import annotations

import copy
import dataclasses
import random
from typing import Any

import pytest

from agents_cli.keypath import (
    Change,
    ItemKey,
    KeyPath,
    diff,
    format_path,
    get,
    leaf_path,
    leaves,
    map_strings,
    parse_path,
    set_form,
    set_in,
    strict_equal,
    walk_strings,
)
from tests.support.documents import PROMPT, TESTS, agent

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
