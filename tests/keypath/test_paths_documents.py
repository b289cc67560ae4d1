"""agents_cli.keypath.paths: reading and writing documents at a path (``get``, ``contains``, ``set_in``,
``delete_in``, ``with_values``, ``index_path``) and how paths relate."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from agents_cli.keypath import (
    MISSING,
    ItemKey,
    KeyPath,
    contains,
    delete_in,
    get,
    index_path,
    is_inside,
    outside_lists,
    related,
    set_in,
    with_values,
)

# -- get / contains --------------------------------------------------------------------------------------


def sample() -> dict[str, Any]:
    return {
        "a": {"b": [10, 20], "empty": {}, "none": None},
        "tests": [{"test_id": "t1", "x": 1}, {"test_id": "t2", "x": 2}],
        "nums": [{"id": 1, "v": "int one"}, {"id": "1", "v": "str one"}, {"id": True, "v": "bool"}],
    }


def test_get_follows_keys_indexes_and_item_keys() -> None:
    doc = sample()
    assert get(doc, ()) is doc
    assert get(doc, ("a", "b", 1)) == 20
    assert get(doc, ("tests", ItemKey("test_id", "t2"), "x")) == 2
    assert get(doc, ("a", "none")) is None
    assert get(doc, ("a", "empty")) == {}


def test_get_item_key_value_is_type_sensitive() -> None:
    doc = sample()
    assert get(doc, ("nums", ItemKey("id", 1), "v")) == "int one"
    assert get(doc, ("nums", ItemKey("id", "1"), "v")) == "str one"


def test_get_returns_default_for_what_is_not_there() -> None:
    doc = sample()
    for path in [
        ("missing",),
        ("a", "b", 2),
        ("a", "b", -1),
        ("a", "b", "0"),
        ("a", 0),
        ("tests", ItemKey("test_id", "t9")),
        ("tests", ItemKey("nope", "t1")),
        ("a", "none", "deeper"),
        ("a", ItemKey("id", 1)),
    ]:
        assert get(doc, path) is MISSING, path
        assert get(doc, path, default="d") == "d"
        assert not contains(doc, path)
    assert contains(doc, ("a", "none"))
    assert contains(doc, ())


def test_missing_is_one_falsy_sentinel_that_survives_deepcopy() -> None:
    assert repr(MISSING) == "MISSING"
    assert not MISSING
    assert copy.deepcopy(MISSING) is MISSING
    assert copy.deepcopy({"k": MISSING})["k"] is MISSING


# -- set_in ----------------------------------------------------------------------------------------------


def test_set_in_replaces_values_in_place() -> None:
    doc = sample()
    set_in(doc, ("a", "b", 0), 11)
    set_in(doc, ("tests", ItemKey("test_id", "t1"), "x"), 100)
    assert doc["a"]["b"] == [11, 20]
    assert doc["tests"][0] == {"test_id": "t1", "x": 100}


def test_set_in_creates_dicts_on_the_way_and_replaces_scalars_in_the_way() -> None:
    doc: dict[str, Any] = {"a": {"none": None}}
    set_in(doc, ("x", "y", "z"), 1)
    set_in(doc, ("a", "none", "k"), 2)
    assert doc == {"a": {"none": {"k": 2}}, "x": {"y": {"z": 1}}}


def test_set_in_creates_lists_before_indexes_and_item_keys() -> None:
    doc: dict[str, Any] = {}
    set_in(doc, ("l", 0), "first")
    set_in(doc, ("l", 1), "second")
    set_in(doc, ("tests", ItemKey("test_id", "t1"), "x"), 5)
    assert doc == {"l": ["first", "second"], "tests": [{"test_id": "t1", "x": 5}]}


def test_set_in_appends_or_replaces_a_keyed_item() -> None:
    doc = sample()
    set_in(doc, ("tests", ItemKey("test_id", "t3")), {"test_id": "t3", "x": 3})
    set_in(doc, ("tests", ItemKey("test_id", "t1")), {"test_id": "t1", "x": -1})
    assert [item["x"] for item in doc["tests"]] == [-1, 2, 3]


def test_set_in_refuses_what_it_cannot_make() -> None:
    doc = sample()
    with pytest.raises(ValueError):
        set_in(doc, (), 1)
    with pytest.raises(IndexError):
        set_in(doc, ("a", "b", 5), 1)
    with pytest.raises(IndexError):
        set_in(doc, ("a", "b", 5, "x"), 1)
    with pytest.raises(TypeError):
        set_in(doc, ("a", "b", "key"), 1)  # a key into a list
    with pytest.raises(TypeError):
        set_in(doc, ("a", "b", "key", "deeper"), 1)  # the list is not replaced by a dict
    assert doc["a"]["b"] == [10, 20]
    with pytest.raises(TypeError):
        set_in(doc, ("a", 0), 1)  # an index into a dict


# -- delete_in -------------------------------------------------------------------------------------------


def test_delete_in_removes_keys_indexes_and_keyed_items() -> None:
    doc = sample()
    assert delete_in(doc, ("a", "none"))
    assert delete_in(doc, ("a", "b", 0))
    assert delete_in(doc, ("tests", ItemKey("test_id", "t1")))
    assert doc["a"] == {"b": [20], "empty": {}}
    assert doc["tests"] == [{"test_id": "t2", "x": 2}]


def test_delete_in_of_an_absent_path_changes_nothing() -> None:
    doc = sample()
    before = copy.deepcopy(doc)
    for path in [("zz",), ("a", "b", 9), ("a", "zz", "y"), ("tests", ItemKey("test_id", "t9")), ("a", 0)]:
        assert not delete_in(doc, path)
    assert doc == before
    with pytest.raises(ValueError):
        delete_in(doc, ())


# -- relations -------------------------------------------------------------------------------------------


def test_is_inside_is_strict_and_part_wise() -> None:
    assert is_inside(("a", "b"), ("a",))
    assert is_inside(("a", 0), ("a",))
    assert is_inside(("a",), ())
    assert not is_inside(("a",), ("a",))
    assert not is_inside(("ab",), ("a",))  # text prefixes are no parents
    assert not is_inside(("a", ItemKey("id", 0)), ("a", 0))


def test_related_means_equal_inside_or_containing() -> None:
    others = [("a", "b"), ("l", ItemKey("id", "x"))]
    assert related(("a", "b"), others)
    assert related(("a", "b", "c"), others)
    assert related(("a",), others)
    assert related(("l", ItemKey("id", "x"), "v"), others)
    assert not related(("a", "bc"), others)
    assert not related(("l", ItemKey("id", "y")), others)
    assert not related(("l", 0), others)
    assert not related(("a", "b"), [])


def test_outside_lists_cuts_at_the_first_list_part() -> None:
    assert outside_lists(("a", "b")) == ("a", "b")
    assert outside_lists(("a", 0, "b")) == ("a",)
    assert outside_lists(("a", ItemKey("id", "x"), "b")) == ("a",)
    assert outside_lists(()) == ()


# -- with_values -----------------------------------------------------------------------------------------


def test_with_values_replaces_existing_paths_in_a_copy() -> None:
    doc = sample()
    before = copy.deepcopy(doc)
    values: dict[KeyPath, Any] = {
        ("a", "b", 1): 21,
        ("tests", ItemKey("test_id", "t2"), "x"): 22,
        ("zz", "y"): 1,
        ("a", "b", 9): 1,
    }
    result = with_values(doc, values)
    assert result["a"]["b"] == [10, 21]
    assert result["tests"][1] == {"test_id": "t2", "x": 22}
    assert "zz" not in result and len(result["a"]["b"]) == 2  # absent paths are left out, never made
    assert doc == before


def test_with_values_copies_only_the_containers_on_its_paths() -> None:
    doc = sample()
    result = with_values(doc, {("a", "b", 0): 0, ("a", "b", 1): 1})
    assert result is not doc and result["a"] is not doc["a"] and result["a"]["b"] is not doc["a"]["b"]
    assert result["tests"] is doc["tests"] and result["a"]["empty"] is doc["a"]["empty"]
    assert with_values(doc, {}) is doc


# -- index_path ------------------------------------------------------------------------------------------


def test_index_path_turns_item_keys_into_the_indexes_of_this_document() -> None:
    doc = sample()
    assert index_path(doc, ("tests", ItemKey("test_id", "t2"), "x")) == ("tests", 1, "x")
    assert index_path(doc, ("nums", ItemKey("id", "1"), "v")) == ("nums", 1, "v")  # the str id, not the int
    assert index_path(doc, ("a", "b", 0)) == ("a", "b", 0)
    assert index_path(doc, ("tests", ItemKey("test_id", "t9"), "x")) is None
    assert index_path(doc, ("a", ItemKey("id", 1))) is None  # a dict, not a list
    assert index_path(doc, ("zz", "y", 3)) == ("zz", "y", 3)  # past the document: kept as it is
    assert index_path(doc, ("zz", ItemKey("id", 1))) is None
