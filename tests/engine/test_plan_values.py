"""The plan is a value: frozen, and everything a flag changes is decided in it, not at apply time."""

from __future__ import annotations

import dataclasses

import pytest

from agents_cli.engine.normalise import KNOWN_AFTER_APPLY, normalise_desired, normalise_remote, send_body
from agents_cli.engine.plan import PlanOptions
from agents_cli.engine.planner import RemoteResource, plan
from agents_cli.project.state import State

DECLARED = {"tool": {"lookup"}, "test": set(), "agent": {"bot"}}


def bot(temperature: float, *, tool_id: str | None = "tool_1"):  # type: ignore[no-untyped-def]
    config = {
        "name": "Bot",
        "conversation_config": {
            "agent": {"prompt": {"prompt": "Hi.", "temperature": temperature, "tool_ids": ["@tool:lookup"]}}
        },
    }
    ids = {"tool": {"lookup": tool_id}} if tool_id else {}
    return normalise_desired("agent", "bot", config, ids=ids, declared=DECLARED, environ={})


def remote_of(item) -> RemoteResource:  # type: ignore[no-untyped-def]
    return RemoteResource("agent_1", normalise_remote("agent", send_body("agent", "bot", "dev", item.body)))


def test_a_plan_and_its_parts_cannot_be_changed() -> None:
    result = plan([bot(0.1)], {("agent", "bot"): remote_of(bot(0.3))}, State("dev"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.resources[0].action = "no-op"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.options.force = True  # type: ignore[misc]
    assert isinstance(result.resources, tuple) and isinstance(result.resources[0].changes, tuple)


def test_an_update_holds_the_exact_patch_and_what_the_remote_must_become() -> None:
    desired = bot(0.1)
    [item] = plan([desired], {("agent", "bot"): remote_of(bot(0.3))}, State("dev")).resources
    assert item.write is not None and item.write.operation == "update"
    # A deep-merge PATCH of exactly the changed field: the remote keeps everything else (our tags too).
    assert item.write.body == {"conversation_config": {"agent": {"prompt": {"temperature": 0.1}}}}
    assert item.write.expect == desired.body


def test_replace_is_decided_when_planning() -> None:
    options = PlanOptions(replace=frozenset({("agent", "bot")}))
    [item] = plan(
        [bot(0.1)], {("agent", "bot"): remote_of(bot(0.3))}, State("dev"), options=options
    ).resources
    assert item.action == "replace" and item.write is not None and item.write.operation == "replace"


def test_a_reference_created_in_the_same_run_is_a_marked_place_in_the_write() -> None:
    desired = bot(0.3, tool_id=None)
    [item] = plan([desired], {}, State("dev")).resources
    assert item.write is not None and item.write.operation == "create"
    [pending] = item.write.pending
    assert (pending.kind, pending.name) == ("tool", "lookup")
    node = item.write.body
    for part in pending.path:
        node = node[part]  # type: ignore[index]
    assert node == KNOWN_AFTER_APPLY
    # The fingerprint names the reference, not an id: it is final before the tool exists.
    assert item.desired_fingerprint == bot(0.3, tool_id="tool_9").fingerprint
