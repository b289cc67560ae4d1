"""State version 2: per-field hashes keyed by ``keypath`` leaf paths. Version-1 ``fields`` (list items by
index, sets hashed in their order) are not read: such entries are judged per resource and recorded again by
the next sync, so old state never reads as drift (pure: no IO)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents_cli.engine.drift import field_hashes, salt_for
from agents_cli.engine.normalise import Desired, normalise_desired, normalise_remote, send_body
from agents_cli.engine.planner import RemoteResource, plan_resource
from agents_cli.errors import ConfigError
from agents_cli.keypath import ItemKey, format_path
from agents_cli.project.state import STATE_VERSION, ResourceState, State, fingerprint, parse_state
from tests.support.project import version_1_fields

DECLARED = {"tool": {"a", "b", "c"}, "test": {"t1", "t2"}, "agent": {"bot"}}
IDS = {"tool": {"a": "tool_a", "b": "tool_b", "c": "tool_c"}, "test": {"t1": "test_1", "t2": "test_2"}}
SALT = salt_for("dev", "agent", "agent_1")


def bot(tools: tuple[str, ...]) -> Desired:
    config = {
        "name": "Bot",
        "conversation_config": {
            "agent": {"prompt": {"prompt": "Hi.", "tool_ids": [f"@tool:{t}" for t in tools]}}
        },
        "platform_settings": {
            "testing": {"attached_tests": [{"test_id": "@test:t1"}, {"test_id": "@test:t2"}]}
        },
    }
    return normalise_desired("agent", "bot", config, ids=IDS, declared=DECLARED, environ={})


def remote_body(item: Desired) -> dict[str, Any]:
    return normalise_remote("agent", send_body("agent", "bot", "dev", item.body))


def state_document(item: Desired, version: int, fields: dict[str, str]) -> dict[str, Any]:
    body = remote_body(item)
    entry = {"id": "agent_1", "fingerprint": item.fingerprint, "remote_fingerprint": fingerprint(body)}
    return {"version": version, "environment": "dev", "agents": {"bot": {**entry, "fields": fields}}}


def test_version_2_round_trips_keyed_leaf_paths_as_text() -> None:
    body = remote_body(bot(("b", "a")))
    state = State("dev")
    state.set(
        "agent", "bot", ResourceState("agent_1", "sha256:1", "sha256:2", field_hashes("agent", body, SALT))
    )
    data = json.loads(state.to_json())
    assert data["version"] == STATE_VERSION == 2
    fields = data["agents"]["bot"]["fields"]
    assert "platform_settings.testing.attached_tests[test_id=test_1].test_id" in fields
    assert "conversation_config.agent.prompt.tool_ids" in fields
    loaded = parse_state("dev", data, "x").get("agent", "bot")
    assert loaded is not None and loaded.fields == state.get("agent", "bot").fields  # type: ignore[union-attr]
    assert ("platform_settings", "testing", "attached_tests", ItemKey("test_id", "test_1"), "test_id") in (
        loaded.fields or {}
    )


def test_the_helper_writes_version_1_fields_as_agents_did() -> None:
    """Where both spellings agree (no list of dicts, no unordered set), the hashes are the same."""
    body = {"name": "Bot", "conversation_config": {"agent": {"first_message": "Hello!"}}}
    body = normalise_remote("agent", body)
    current = {format_path(path): digest for path, digest in field_hashes("agent", body, SALT).items()}
    assert version_1_fields("agent", body, SALT) == {k: v for k, v in current.items() if v != "-"}


@pytest.mark.parametrize("version", [1, None])
def test_version_1_fields_are_not_read(version: int | None) -> None:
    item = bot(("b", "a"))
    legacy = version_1_fields("agent", remote_body(item), SALT)
    assert "platform_settings.testing.attached_tests[0].test_id" in legacy
    document = state_document(item, 1, legacy)
    if version is None:
        del document["version"]
    entry = parse_state("dev", document, "x").get("agent", "bot")
    assert entry is not None and entry.fields is None and entry.remote_fingerprint is not None


def test_old_state_plans_a_local_change_not_drift_and_is_recorded_again() -> None:
    synced = bot(("b", "a"))  # remotely in this order: version 1 hashed the set unsorted
    legacy = version_1_fields("agent", remote_body(synced), SALT)
    state = parse_state("dev", state_document(synced, 1, legacy), "x")
    remote = RemoteResource("agent_1", remote_body(synced))
    # A tool added locally: a local change. Read as version 2, the unsorted set's hash would say the remote
    # moved there, and the change would be held back as drift.
    item = plan_resource(bot(("b", "a", "c")), remote, state)
    assert item.action == "update" and not item.drifted
    assert [change.path for change in item.changes] == ["conversation_config.agent.prompt.tool_ids"]
    read_as_version_2 = parse_state("dev", state_document(synced, 2, legacy), "x")
    assert plan_resource(bot(("b", "a", "c")), remote, read_as_version_2).action == "drift"
    # Nothing changed: no drift, and the entry is recorded again (state only, no remote write).
    unchanged = plan_resource(bot(("a", "b")), remote, state)
    assert unchanged.action == "no-op" and unchanged.refresh_state
    assert unchanged.write is not None and unchanged.write.operation == "record"


def test_a_later_version_is_refused_and_a_hand_edited_path_is_not_read() -> None:
    item = bot(("a",))
    with pytest.raises(ConfigError, match="version 3 state file"):
        parse_state("dev", state_document(item, 3, {}), "state/dev.json")
    # Another environment's state lends only its ids (never to adopt): read whatever its version.
    other = parse_state("prod", state_document(item, 3, {"name": "0123"}), "x", ids_only=True)
    assert other.ids("agent") == {"bot": "agent_1"} and other.get("agent", "bot").fields is None  # type: ignore[union-attr]
    edited = parse_state("dev", state_document(item, 2, {"name": "0123", "a[": "4567"}), "x")
    entry = edited.get("agent", "bot")
    assert entry is not None and entry.fields is None
