"""What pull writes per file (``agents_cli/pull/files.py``): values equal to a default pruned (discriminators
and list lengths kept), overlays of the differences only, credential headers turned into placeholders, and
the user's file shape kept where it still means the same."""

from __future__ import annotations

from agents_cli.pull.files import (
    MISSING,
    extract_secret_headers,
    overlay_between,
    prune,
    readable_order,
    settle_on_existing,
)


def test_prune_keeps_discriminators_and_list_lengths() -> None:
    value = {"type": "webhook", "a": 1, "b": {"c": 2, "d": 3}, "items": [{"x": 1, "y": 2}, {"x": 1, "y": 5}]}
    default = {
        "type": "webhook",
        "a": 1,
        "b": {"c": 2, "d": 0},
        "items": [{"x": 1, "y": 2}, {"x": 1, "y": 2}],
    }
    assert prune(value, default) == {"type": "webhook", "b": {"d": 3}, "items": [{}, {"y": 5}]}
    assert prune({"b": {"c": 2}}, {"b": {"c": 2}}) is MISSING
    assert list(readable_order({"z": 1, "name": "n", "type": "t"})) == ["type", "name", "z"]


def test_overlay_holds_only_differences() -> None:
    base = {
        "name": "Bot",
        "conversation_config": {"agent": {"first_message": "Hi", "prompt": {"prompt": "P"}}},
    }
    wanted = {
        "name": "Bot",
        "conversation_config": {"agent": {"first_message": "Yo", "prompt": {"prompt": "P"}}},
    }
    assert overlay_between(base, wanted) == {"conversation_config": {"agent": {"first_message": "Yo"}}}
    assert overlay_between(base, base) is MISSING


def test_credential_headers_become_placeholders() -> None:
    config = {
        "tool_config": {
            "name": "lookup order",
            "api_schema": {
                "request_headers": {"Authorization": "Bearer abc", "Accept": "json", "X-Api-Key": "k"}
            },
        }
    }
    environ: dict[str, str] = {}
    paths, warnings = extract_secret_headers("tool", "lookup order", config, environ)
    headers = config["tool_config"]["api_schema"]["request_headers"]
    assert headers == {
        "Authorization": "${LOOKUP_ORDER_AUTHORIZATION}",
        "Accept": "json",
        "X-Api-Key": "${LOOKUP_ORDER_X_API_KEY}",
    }
    assert environ == {"LOOKUP_ORDER_AUTHORIZATION": "Bearer abc", "LOOKUP_ORDER_X_API_KEY": "k"}
    assert len(paths) == 2 and "set LOOKUP_ORDER_AUTHORIZATION" in warnings[0]
    assert extract_secret_headers("agent", "x", config, environ) == ([], [])


def test_settling_on_a_file_of_another_shape_keeps_the_pulled_value() -> None:
    """A value of the user's file is put back where it still means the same; where the file has a map and
    the pulled config a list, there is nothing to put back (and no error)."""
    settled = settle_on_existing({"a": [1, 2], "b": 1}, {"a": {"x": 1}, "b": 2}, {}, lambda _config: {})
    assert settled == {"a": [1, 2], "b": 2}
