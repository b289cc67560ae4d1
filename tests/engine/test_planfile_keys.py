"""Saved plans store key paths as ``keypath.format_path`` text and read them back with ``parse_path``: every
path of a plan (changes, pending references, kept drifted fields, placeholders, sensitive places) survives
the round trip through the file as the same tuple (pure: no IO)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents_cli.engine.errors import PlanNotSavable
from agents_cli.engine.plan import FieldChange, Pending, Plan, ResourcePlan, Write
from agents_cli.engine.planfile import REMOTE_MARK, PlanFileError, parse_plan, plan_document
from agents_cli.keypath import ItemKey, KeyPath

TESTS: KeyPath = ("platform_settings", "testing", "attached_tests")
KEPT: KeyPath = (*TESTS, ItemKey("test_id", "test_2"), "test_id")
ODD: KeyPath = ("platform_settings", "data_collection", "order.number", "description")
HEADER: KeyPath = ("conversation_config", "agent", "prompt", "tool_ids", 0)


def saved(item: ResourcePlan) -> tuple[dict[str, Any], ResourcePlan]:
    """The file's resource entry and the resource read back from the file's text."""
    document = plan_document(Plan("dev", (item,)), files={}, state=None, resolved={item.key: []})
    text = json.dumps(document)
    return json.loads(text)["resources"][0], parse_plan(json.loads(text), "plan.json").plan.resources[0]


def resource(**extra: Any) -> ResourcePlan:
    added = (*TESTS, ItemKey("test_id", "test_1"))
    changes = (
        FieldChange("platform_settings.testing.attached_tests[test_id=test_1]", None, {}, "added", key=added),
        FieldChange('platform_settings.data_collection["order.number"].description', "a", "b", key=ODD),
    )
    drifted = (FieldChange("…", "x", "y", key=KEPT),)
    write = Write(
        "update",
        body={"a": 1},
        expect={"a": 1},
        pending=(Pending(HEADER, "tool", "lookup"),),
        kept=("platform_settings.testing.attached_tests[test_id=test_2].test_id",),
        kept_keys=(KEPT,),
    )
    return ResourcePlan(
        "agent",
        "bot",
        "drift",
        remote_id="agent_1",
        changes=changes,
        drifted=drifted,
        write=write,
        sensitive=(KEPT, ODD),
        **extra,
    )


def test_every_key_path_is_stored_as_text_and_read_back_as_the_same_tuple() -> None:
    stored, item = saved(resource())
    assert [change["key"] for change in stored["changes"]] == [
        "platform_settings.testing.attached_tests[test_id=test_1]",
        'platform_settings.data_collection["order.number"].description',
    ]
    assert stored["write"]["kept_keys"] == [
        "platform_settings.testing.attached_tests[test_id=test_2].test_id"
    ]
    assert stored["write"]["pending"][0]["path"] == "conversation_config.agent.prompt.tool_ids[0]"
    original = resource()
    assert [change.key for change in item.changes] == [change.key for change in original.changes]
    assert [change.key for change in item.drifted] == [KEPT]
    assert item.write is not None and item.write.kept_keys == (KEPT,)
    assert item.write.pending == (Pending(HEADER, "tool", "lookup"),)
    assert item.sensitive == (KEPT, ODD)


def test_placeholder_places_round_trip_by_list_index() -> None:
    templates = ((("tool_config", "api_schema", "request_headers", "Authorization"), "Bearer ${T}"),)
    stored, item = saved(resource(templates=templates))
    assert stored["templates"] == [["tool_config.api_schema.request_headers.Authorization", "Bearer ${T}"]]
    assert item.templates == templates


@pytest.mark.parametrize("key", [["a", 0], "a[", 'a["x'])
def test_a_malformed_key_path_is_a_plan_file_error(key: Any) -> None:
    document = plan_document(Plan("dev", (resource(),)), files={}, state=None, resolved={})
    document["resources"][0]["changes"][0]["key"] = key
    with pytest.raises(PlanFileError, match="key path"):
        parse_plan(document, "plan.json")


def kept_secret(remote_order: tuple[str, str]) -> ResourcePlan:
    """A tool-like resource whose drifted ``items[id=b].token`` (a placeholder locally) is kept as the remote
    has it; the remote holds the two items in ``remote_order``."""
    items = {"a": {"id": "a", "token": "x"}, "b": {"id": "b", "token": "remote secret"}}
    expect = {"items": [items["a"], items["b"]]}
    kept: KeyPath = ("items", ItemKey("id", "b"), "token")
    write = Write("update", body=expect, expect=expect, kept=("items[id=b].token",), kept_keys=(kept,))
    remote = {"items": [items[name] for name in remote_order]}
    templates = ((("items", 1, "token"), "${TOKEN}"),)
    return ResourcePlan(
        "tool", "t", "drift", remote_id="tool_1", write=write, remote_body=remote, templates=templates
    )


def test_a_kept_placeholder_value_is_read_again_from_the_remote_at_the_same_item() -> None:
    document = plan_document(Plan("dev", (kept_secret(("a", "b")),)), files={}, state=None, resolved={})
    stored = document["resources"][0]["write"]["expect"]
    assert stored["items"][1]["token"] == {REMOTE_MARK: True}
    assert "remote secret" not in json.dumps(document)


def test_a_kept_placeholder_value_at_another_remote_position_cannot_be_saved() -> None:
    with pytest.raises(PlanNotSavable, match=r"items\[id=b\]\.token"):
        plan_document(Plan("dev", (kept_secret(("b", "a")),)), files={}, state=None, resolved={})
