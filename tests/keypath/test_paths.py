"""agents_cli.keypath.paths: the text spelling of key paths (``format_path``/``parse_path``); reading and
writing documents at a path is in test_paths_documents."""

from __future__ import annotations

import random

import pytest

from agents_cli.keypath import (
    ItemKey,
    KeyPath,
    Part,
    format_path,
    parse_path,
)

# -- format_path -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("a", "tool_ids", 0, "b"), "a.tool_ids[0].b"),
        (
            ("conversation_config", "agent", "prompt", "temperature"),
            "conversation_config.agent.prompt.temperature",
        ),
        ((0, "a"), "[0].a"),
        (("a", 0, 1), "a[0][1]"),
        (("0", "x-y", "k:v", "@tool"), "0.x-y.k:v.@tool"),
        (("ñandú", "日本"), "ñandú.日本"),
    ],
)
def test_format_path_plain_keys_and_indexes(path: KeyPath, text: str) -> None:
    assert format_path(path) == text


def test_format_path_empty_path_is_root() -> None:
    assert format_path(()) == ""
    assert format_path((), root="<root>") == "<root>"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("a", "x.y"), 'a["x.y"]'),
        (("a.b",), '["a.b"]'),
        (("",), '[""]'),
        (("a", "", "b"), 'a[""].b'),
        (("[x]", "b"), '["[x]"].b'),
        (("headers", "X Custom"), 'headers["X Custom"]'),
        (("q", 'say "hi"'), 'q["say \\"hi\\""]'),
        (("back\\slash",), '["back\\\\slash"]'),
        (("tab\there",), '["tab\\there"]'),
        (("line\nbreak",), '["line\\nbreak"]'),
    ],
)
def test_format_path_brackets_keys_that_are_not_bare(path: KeyPath, text: str) -> None:
    assert format_path(path) == text
    assert parse_path(text) == path


def test_format_path_brackets_a_key_spelled_like_the_root() -> None:
    assert format_path(("<root>",), root="<root>") == '["<root>"]'
    assert parse_path('["<root>"]', root="<root>") == ("<root>",)
    assert parse_path("<root>", root="<root>") == ()
    assert format_path(("a", "<root>"), root="<root>") == "a.<root>"


@pytest.mark.parametrize(
    ("part", "text"),
    [
        (ItemKey("test_id", "abc"), "[test_id=abc]"),
        (ItemKey("id", "kb:doc-1.v2@x_y"), "[id=kb:doc-1.v2@x_y]"),
        (ItemKey("id", 7), "[id=7]"),
        (ItemKey("id", -7), "[id=-7]"),
        (ItemKey("id", "7"), '[id="7"]'),
        (ItemKey("id", "-7"), '[id="-7"]'),
        (ItemKey("name", "a b"), '[name="a b"]'),
        (ItemKey("name", ""), '[name=""]'),
        (ItemKey("name", "a]b"), '[name="a]b"]'),
        (ItemKey("name", 'q"'), '[name="q\\""]'),
        (ItemKey("odd field", "v"), '["odd field"=v]'),
        (ItemKey("", "v"), '[""=v]'),
    ],
)
def test_format_path_item_keys(part: ItemKey, text: str) -> None:
    assert format_path(("list", part)) == "list" + text
    assert parse_path("list" + text) == ("list", part)


def test_format_path_rejects_parts_that_are_no_part() -> None:
    with pytest.raises(TypeError):
        format_path(("a", True))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_path(("a", 1.5))  # type: ignore[arg-type]


def test_item_key_accepts_only_str_and_int_values() -> None:
    for value in (True, 1.0, None, ["x"]):
        with pytest.raises(TypeError):
            ItemKey("id", value)  # type: ignore[arg-type]
    assert ItemKey("id", 1) != ItemKey("id", "1")


# -- parse_path ------------------------------------------------------------------------------------------


def test_parse_path_reads_today_spelling() -> None:
    assert parse_path("a.tool_ids[0].b") == ("a", "tool_ids", 0, "b")
    assert parse_path("") == ()
    assert parse_path("platform_settings.testing.attached_tests[test_id=t1].workflow_node_id") == (
        "platform_settings",
        "testing",
        "attached_tests",
        ItemKey("test_id", "t1"),
        "workflow_node_id",
    )


@pytest.mark.parametrize(
    "text",
    [
        ".a",
        "a.",
        "a..b",
        "a[",
        "a[]",
        "a[x]",
        "a[0",
        "a[id=]",
        "a[id=x",
        'a["x"',
        'a["x"y]',
        "a]",
        "a b",
        "a[0]b",
    ],
)
def test_parse_path_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValueError, match="invalid key path"):
        parse_path(text)


_KEY_ALPHABET = [
    "a",
    "b",
    "Z",
    "0",
    "7",
    "_",
    "-",
    ".",
    "[",
    "]",
    '"',
    "\\",
    " ",
    "=",
    ":",
    "@",
    "ñ",
    "\n",
    "\t",
]
_SPECIAL_KEYS = ["", ".", "[", "]", "[0]", "a.b", "<root>", "0", "-1", "true", "null", '"', "a=b", "x y"]


def random_key(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(_SPECIAL_KEYS)
    return "".join(rng.choice(_KEY_ALPHABET) for _ in range(rng.randint(0, 6)))


def random_part(rng: random.Random) -> Part:
    roll = rng.random()
    if roll < 0.5:
        return random_key(rng)
    if roll < 0.7:
        return rng.randint(0, 120)
    value: str | int = rng.randint(-50, 50) if rng.random() < 0.3 else random_key(rng)
    field = rng.choice(["id", "test_id", "name", random_key(rng)])
    return ItemKey(field, value)


def test_format_then_parse_round_trips_random_paths() -> None:
    rng = random.Random(20240611)
    for _ in range(3000):
        path = tuple(random_part(rng) for _ in range(rng.randint(0, 5)))
        for root in ("", "<root>"):
            text = format_path(path, root=root)
            assert parse_path(text, root=root) == path, (path, text)
            assert format_path(parse_path(text, root=root), root=root) == text
