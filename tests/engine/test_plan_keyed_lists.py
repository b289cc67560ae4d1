"""The planner diffs by key (pure, over normalised documents): keyed list items are matched by their id,
id sets compared as sets, and everything that writes values back (kept drifted fields, the agent PATCH, the
"cannot remove a map key" rule, masking) handles items named by id."""

from __future__ import annotations

import copy
from typing import Any

from agents_cli.engine.drift import field_hashes, salt_for
from agents_cli.engine.normalise import SENSITIVE, Desired, normalise_desired, normalise_remote, send_body
from agents_cli.engine.outcome import still_differing
from agents_cli.engine.planner import RemoteResource, plan_resource
from agents_cli.keypath import ItemKey, get, with_values
from agents_cli.project.state import ResourceState, State, fingerprint

DECLARED = {"tool": {"a", "b"}, "test": {"t0", "t1", "t2", "t3", "new"}, "agent": {"bot"}}
IDS = {"tool": {"a": "tool_a", "b": "tool_b"}, "test": {f"t{n}": f"test_{n}" for n in range(4)}}
TESTS = ("platform_settings", "testing", "attached_tests")
KNOWLEDGE = ("conversation_config", "agent", "prompt", "knowledge_base")


def config(
    tests: tuple[str, ...] = ("t1", "t2"),
    tools: tuple[str, ...] = ("a", "b"),
    faq: str = "FAQ",
    goal: str = "The agent stayed polite.",
) -> dict[str, Any]:
    knowledge = [{"type": "file", "name": faq, "id": "kb_1"}, {"type": "url", "name": "Docs", "id": "kb_2"}]
    prompt = {
        "prompt": "You help.",
        "tool_ids": [f"@tool:{name}" for name in tools],
        "knowledge_base": knowledge,
    }
    criteria = [{"id": "polite", "name": "Polite", "conversation_goal_prompt": goal}]
    return {
        "name": "Bot",
        "conversation_config": {"agent": {"prompt": prompt}},
        "platform_settings": {
            "testing": {"attached_tests": [{"test_id": f"@test:{name}"} for name in tests]},
            "evaluation": {"criteria": criteria},
        },
    }


def desired(document: dict[str, Any], environ: dict[str, str] | None = None) -> Desired:
    return normalise_desired("agent", "bot", document, ids=IDS, declared=DECLARED, environ=environ or {})


def remote(item: Desired) -> RemoteResource:
    """What the server holds after ``item`` was sent (our tags on, normalised back)."""
    return RemoteResource("agent_1", normalise_remote("agent", send_body("agent", "bot", "dev", item.body)))


def synced(item: Desired, body: dict[str, Any] | None = None) -> State:
    """State as a sync of ``item`` leaves it (per-field hashes of the remote, ``body`` or what was sent)."""
    body = remote(item).body if body is None else body
    state = State("dev")
    fields = field_hashes("agent", body, salt_for("dev", "agent", "agent_1"))
    state.set("agent", "bot", ResourceState("agent_1", item.fingerprint, fingerprint(body), fields))
    return state


def test_a_test_inserted_at_the_front_is_one_added_item() -> None:
    before = desired(config())
    item = plan_resource(desired(config(tests=("t0", "t1", "t2"))), remote(before), synced(before))
    assert item.action == "update"
    assert [(change.path, change.change) for change in item.changes] == [
        ("platform_settings.testing.attached_tests[test_id=test_0]", "added")
    ]
    assert item.changes[0].key == (*TESTS, ItemKey("test_id", "test_0"))
    # A deep-merge PATCH sends the list whole (lists replace), the new test first as the config has it.
    assert item.write is not None and item.write.body is not None
    sent = item.write.body["platform_settings"]["testing"]["attached_tests"]
    assert [entry["test_id"] for entry in sent] == ["test_0", "test_1", "test_2"]


def test_reordered_tool_ids_and_tests_plan_no_change() -> None:
    before = desired(config())
    reordered = desired(config(tests=("t2", "t1"), tools=("b", "a")))
    item = plan_resource(reordered, remote(before), synced(before))
    assert item.action == "no-op" and not item.changes
    # Nothing to send; state records the config as it is now (its fingerprint), without a remote write.
    assert item.write is not None and item.write.operation == "record"


def test_a_changed_knowledge_base_item_is_addressed_by_its_id() -> None:
    before = desired(config())
    item = plan_resource(desired(config(faq="Questions")), remote(before), synced(before))
    assert [(change.path, change.before, change.after) for change in item.changes] == [
        ("conversation_config.agent.prompt.knowledge_base[id=kb_1].name", "FAQ", "Questions")
    ]


def test_a_remote_edit_of_one_item_drifts_only_that_item_and_is_kept() -> None:
    before = desired(config())
    edited = remote(before)
    edited.body["conversation_config"]["agent"]["prompt"]["knowledge_base"][1]["name"] = "Manual"
    local = desired(config(tests=("t0", "t1", "t2"), faq="Questions"))
    item = plan_resource(local, edited, synced(before))
    assert item.action == "drift"
    assert [change.path for change in item.changes] == [
        "conversation_config.agent.prompt.knowledge_base[id=kb_1].name",
        "platform_settings.testing.attached_tests[test_id=test_0]",
    ]
    assert [change.path for change in item.drifted] == [
        "conversation_config.agent.prompt.knowledge_base[id=kb_2].name"
    ]
    write = item.write
    assert write is not None and write.kept_keys == ((*KNOWLEDGE, ItemKey("id", "kb_2"), "name"),)
    assert write.body is not None and write.expect is not None
    # The list is sent whole: the local change to kb_1 with the remote's (kept) kb_2.
    sent = write.body["conversation_config"]["agent"]["prompt"]["knowledge_base"]
    assert [entry["name"] for entry in sent] == ["Questions", "Manual"]
    # After the write the remote equals the expectation; only a kept field may differ from the config.
    after = copy.deepcopy(write.expect)
    assert still_differing(after, write.expect, write.kept_keys) == []
    assert still_differing(local.body, write.expect, write.kept_keys) == []
    assert still_differing(local.body, write.expect, ()) == [
        "conversation_config.agent.prompt.knowledge_base[id=kb_2].name"
    ]


def test_removing_a_keyed_item_is_applicable_but_a_map_key_is_not() -> None:
    before = desired(config())
    with_map = copy.deepcopy(remote(before).body)
    with_map["platform_settings"]["data_collection"] = {"order": {"type": "string", "description": "d"}}
    found = RemoteResource("agent_1", with_map)
    item = plan_resource(desired(config(tests=("t1",))), found, synced(before, with_map))
    marked = {change.path: change.cannot_apply is not None for change in item.changes}
    assert marked == {
        "platform_settings.testing.attached_tests[test_id=test_2]": False,
        "platform_settings.data_collection.order": True,
    }


def test_a_placeholder_inside_a_keyed_item_is_masked_at_its_item_key() -> None:
    applied = desired(config(goal="${GOAL}"), {"GOAL": "first secret"})
    rotated = desired(config(goal="${GOAL}"), {"GOAL": "second secret"})
    item = plan_resource(rotated, remote(applied), synced(applied))
    [change] = item.changes
    assert change.path == "platform_settings.evaluation.criteria[id=polite].conversation_goal_prompt"
    assert (change.before, change.after) == (SENSITIVE, SENSITIVE)
    assert "secret" not in repr(item.as_dict())


def test_places_apply_fills_in_follow_items_a_kept_removal_moves() -> None:
    """Removed remotely since the last sync (drift, kept): test t1 and knowledge-base item kb_1. Sync keeps
    them removed, which moves the items after them; the pending reference (a test not created yet) and the
    placeholder are filled in where their items are then, not where they were in the config."""
    document = config(tests=("t1", "t2", "t3"), faq="${FAQ}")
    document["conversation_config"]["agent"]["prompt"]["knowledge_base"].reverse()  # kb_2, then kb_1 (FAQ)
    before = desired(document, {"FAQ": "Questions"})
    edited = copy.deepcopy(remote(before).body)
    del edited["platform_settings"]["testing"]["attached_tests"][0]
    del edited["conversation_config"]["agent"]["prompt"]["knowledge_base"][0]  # kb_2
    document["platform_settings"]["testing"]["attached_tests"].insert(2, {"test_id": "@test:new"})
    item = plan_resource(
        desired(document, {"FAQ": "Questions"}), RemoteResource("agent_1", edited), synced(before)
    )
    assert sorted(change.path for change in item.drifted) == [
        "conversation_config.agent.prompt.knowledge_base[id=kb_2]",
        "platform_settings.testing.attached_tests[test_id=test_1]",
    ]
    write = item.write
    assert write is not None and write.expect is not None
    [pending] = write.pending
    assert pending.path == (*TESTS, 1, "test_id")  # was [2] in the config: t1 before it stays removed
    filled = with_values(write.expect, {pending.path: "test_new"})
    assert [entry["test_id"] for entry in filled["platform_settings"]["testing"]["attached_tests"]] == [
        "test_2",
        "test_new",
        "test_3",
    ]
    assert item.templates == (((*KNOWLEDGE, 0, "name"), "${FAQ}"),)
    assert get(write.expect, (*KNOWLEDGE, 0, "name")) == "Questions"
