"""What pull takes (``agents_cli/pull/selection.py``): which remote resources, under which local names
(name tags, API names, unique names), and the references between them."""

from __future__ import annotations

from typing import Any

from agents_cli.kinds.tags import env_tag, name_tag
from agents_cli.pull.files import to_references
from agents_cli.pull.selection import reference_map, select, unique_name

LISTED: dict[str, list[dict[str, Any]]] = {
    "tool": [
        {"id": "tool_1", "tool_config": {"name": "lookup_order"}},
        {"id": "tool_2", "tool_config": {"name": "owned_by_prod"}},
    ],
    "test": [{"id": "test_1", "name": "Greets"}, {"id": "folder_1", "name": "F", "entity_type": "folder"}],
    "agent": [
        {"agent_id": "agent_1", "name": "Support Bot", "tags": []},
        {"agent_id": "agent_2", "name": "Tagged", "tags": [env_tag("dev"), name_tag("kept-name")]},
        {"agent_id": "agent_3", "name": "Other Env", "tags": [env_tag("prod"), name_tag("x")]},
        {"agent_id": "agent_4", "name": "Support Bot", "tags": []},
        {"agent_id": "agent_5", "name": "Mine", "tags": []},
    ],
}


def _select(mode: str, **extra: Any) -> list[tuple[str, str, str, str]]:
    arguments: dict[str, Any] = {
        "tracked": {"agent": {"mine": "agent_5"}},
        "local_api_names": {},
        "claimed": {"tool": {"tool_2"}},
        **extra,
    }
    chosen = select("dev", LISTED, mode=mode, **arguments)  # type: ignore[arg-type]
    return [(c.kind, c.name, c.remote_id, c.origin) for c in chosen]


def test_new_mode_imports_untracked_and_skips_other_environments() -> None:
    assert _select("new") == [
        ("tool", "lookup_order", "tool_1", "new"),
        ("test", "greets", "test_1", "new"),
        ("agent", "support-bot", "agent_1", "new"),
        ("agent", "kept-name", "agent_2", "new"),  # this environment's name tag wins over the API name
        ("agent", "support-bot-2", "agent_4", "new"),  # same API name: unique local names
    ]


def test_update_mode_takes_only_tracked_and_all_takes_both() -> None:
    assert _select("update") == [("agent", "mine", "agent_5", "tracked")]
    assert len(_select("all")) == 6


def test_matching_an_existing_local_resource_by_api_name() -> None:
    chosen = _select("new", local_api_names={"agent": {"Support Bot": "bot"}}, reserved={"agent": {"bot"}})
    assert ("agent", "bot", "agent_1", "matched") in chosen
    assert ("agent", "support-bot", "agent_4", "new") in chosen  # only one remote can match a local name


def test_unique_names_and_references() -> None:
    assert unique_name("Support Bot", {"support-bot", "support-bot-2"}, "agent-x") == "support-bot-3"
    assert unique_name("!!!", set(), "agent-abc") == "agent-abc"
    refs = reference_map([], {"tool": {"lookup": "tool_1"}})
    assert to_references({"tool_ids": ["tool_1", "other"]}, refs) == {"tool_ids": ["@tool:lookup", "other"]}
