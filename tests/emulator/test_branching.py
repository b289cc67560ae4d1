"""The emulator's three-way merge: a field is a conflict only when both branches changed it since the base,
differently; one side's change merges cleanly, ``force`` takes the source's value."""

from __future__ import annotations

from agents_cli.emulator.branching import merge_records, three_way

BASE = {"agent": {"prompt": {"prompt": "base", "llm": "gpt"}, "first_message": "Hi"}}


def test_a_change_on_one_side_only_merges_without_conflict() -> None:
    source = {"agent": {"prompt": {"prompt": "source", "llm": "gpt"}, "first_message": "Hi"}}
    target = {"agent": {"prompt": {"prompt": "base", "llm": "gpt"}, "first_message": "Hey"}}
    merged, conflicts = three_way(BASE, source, target, force=False, path=("conversation_config",))
    assert conflicts == []
    assert merged == {"agent": {"prompt": {"prompt": "source", "llm": "gpt"}, "first_message": "Hey"}}


def test_both_sides_changing_one_field_differently_is_a_conflict_kept_as_the_target_has_it() -> None:
    source = {"agent": {"prompt": {"prompt": "source", "llm": "gpt"}, "first_message": "Hi"}}
    target = {"agent": {"prompt": {"prompt": "target", "llm": "gpt"}, "first_message": "Hi"}}
    merged, conflicts = three_way(BASE, source, target, force=False, path=("conversation_config",))
    assert conflicts == [
        {
            "section": "conversation_config",
            "path": "agent.prompt.prompt",
            "base_value": "base",
            "source_value": "source",
            "target_value": "target",
        }
    ]
    assert merged["agent"]["prompt"]["prompt"] == "target"
    forced, _ = three_way(BASE, source, target, force=True, path=("conversation_config",))
    assert forced["agent"]["prompt"]["prompt"] == "source"


def test_the_same_change_on_both_sides_and_keys_removed_by_the_source_merge_cleanly() -> None:
    same = {"agent": {"prompt": {"prompt": "both"}, "first_message": "Hi"}}
    merged, conflicts = three_way(BASE, same, same, force=False, path=("conversation_config",))
    assert conflicts == [] and merged == same
    removed = {"agent": {"prompt": {"prompt": "base"}, "first_message": "Hi"}}  # the source dropped llm
    merged, conflicts = three_way(BASE, removed, BASE, force=False, path=("conversation_config",))
    assert conflicts == [] and "llm" not in merged["agent"]["prompt"]


def test_merge_records_merges_each_section_and_takes_the_sources_name() -> None:
    base = {"conversation_config": BASE, "platform_settings": {}, "workflow": {}, "name": "A", "tags": []}
    source = {**base, "name": "B", "platform_settings": {"widget": {"variant": "full"}}}
    target = {**base, "conversation_config": {"agent": {**BASE["agent"], "first_message": "Yo"}}}
    merged, conflicts = merge_records(base, source, target, force=False)
    assert conflicts == []
    assert merged["name"] == "B" and merged["platform_settings"] == {"widget": {"variant": "full"}}
    assert merged["conversation_config"]["agent"]["first_message"] == "Yo"
