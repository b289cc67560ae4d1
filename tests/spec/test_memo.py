"""``agents_cli.spec.memo.ApplyMemo``: memoised applies give the same results as plain ones, as fresh
copies, and never keep a result with errors."""

from __future__ import annotations

from agents_cli.spec.memo import ApplyMemo
from agents_cli.spec.model import models

CREATE_BODY = "Body_Create_Agent_v1_convai_agents_create_post"


def _memo_for(name: str, sections: tuple[str, ...]) -> ApplyMemo:
    properties = models().schema(name)["properties"]
    return ApplyMemo(properties[section] for section in sections)


def test_memoised_apply_gives_the_same_result_and_fresh_copies() -> None:
    body = {
        "name": "a",
        "conversation_config": {"agent": {"first_message": "Hi"}},
        "platform_settings": {"widget": {"variant": "compact"}},
    }
    memo = _memo_for(CREATE_BODY, ("platform_settings", "conversation_config"))
    plain, plain_errors = models().apply(CREATE_BODY, body)
    first, first_errors = models().apply(CREATE_BODY, body, memo=memo)
    second, second_errors = models().apply(CREATE_BODY, body, memo=memo)
    assert first == second == plain and first_errors == second_errors == plain_errors == []
    assert isinstance(first, dict) and isinstance(second, dict)
    first["platform_settings"]["widget"]["variant"] = "changed"  # a caller mutating its result...
    third, _ = models().apply(CREATE_BODY, body, memo=memo)
    assert third == plain  # ...does not change what the memo hands out next


def test_memo_never_keeps_a_result_with_errors() -> None:
    memo = _memo_for(CREATE_BODY, ("platform_settings",))
    bad = {"conversation_config": {}, "platform_settings": {"widget": {"variant": 7}}}
    for loc in (("body",), ("body", "again")):
        # The second call must not be answered from the memo: its errors carry its own loc.
        _, errors = models().apply(CREATE_BODY, bad, memo=memo, loc=loc)
        assert [error["loc"] for error in errors] == [[*loc, "platform_settings", "widget", "variant"]]
    good = {"conversation_config": {}, "platform_settings": {"widget": {"variant": "compact"}}}
    assert models().apply(CREATE_BODY, good, memo=memo)[1] == []
