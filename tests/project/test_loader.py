"""The loader (``agents_cli/project/loader.py``): YAML 1.2-core scalars, positions for YAML and JSON,
duplicate keys, syntax errors (a tab indent named as such), writers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agents_cli.project.loader import (
    Document,
    LoadError,
    dump_json,
    dump_yaml,
    format_key_path,
    load_file,
    parse_json,
    parse_yaml,
    write_atomic,
)
from tests.support.cli import init_project, run_cli

YAML_PATH = Path("config.yaml")
JSON_PATH = Path("config.json")


def test_yaml_11_booleans_and_dates_stay_strings() -> None:
    text = "on: yes\noff: no\ny: n\nday: 2024-01-31\nstamp: 2024-01-31T10:00:00Z\nversion: 1_000\n"
    data, _ = parse_yaml(text, YAML_PATH)
    assert data == {
        "on": "yes",
        "off": "no",
        "y": "n",
        "day": "2024-01-31",
        "stamp": "2024-01-31T10:00:00Z",
        "version": "1_000",
    }


def test_yaml_12_core_scalars() -> None:
    text = (
        "a: true\nb: False\nc: null\nd: ~\ne:\nf: 42\ng: -3\nh: 0x1F\ni: 0o17\nj: 1.5\nk: 1e3\nl: .inf\n"
        "m: '42'\n"
    )
    data, _ = parse_yaml(text, YAML_PATH)
    assert data == {
        "a": True,
        "b": False,
        "c": None,
        "d": None,
        "e": None,
        "f": 42,
        "g": -3,
        "h": 31,
        "i": 15,
        "j": 1.5,
        "k": 1000.0,
        "l": float("inf"),
        "m": "42",
    }
    assert isinstance(data["f"], int) and not isinstance(data["f"], bool)


def test_yaml_positions_are_one_based_for_keys_and_items() -> None:
    text = "conversation_config:\n  agent:\n    prompt:\n      tool_ids:\n        - a\n        - b\n"
    data, positions = parse_yaml(text, YAML_PATH)
    assert data["conversation_config"]["agent"]["prompt"]["tool_ids"] == ["a", "b"]
    assert positions[("conversation_config",)] == (1, 1)
    assert positions[("conversation_config", "agent", "prompt")] == (3, 5)
    assert positions[("conversation_config", "agent", "prompt", "tool_ids", 1)] == (6, 11)


def test_yaml_duplicate_key_is_an_error_with_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", YAML_PATH)
    assert (caught.value.line, caught.value.column) == (4, 3)
    assert "duplicate key 'c' (first at line 3)" in caught.value.message


def test_yaml_duplicates_can_be_collected_instead_of_raised() -> None:
    found: list[LoadError] = []
    data, _ = parse_yaml("a: 1\na: 2\n", YAML_PATH, duplicates=found)
    assert data == {"a": 2}
    assert [(error.line, error.detail) for error in found] == [(2, "duplicate key 'a' (first at line 1)")]


def test_yaml_syntax_error_has_file_line_and_column() -> None:
    with pytest.raises(LoadError) as caught:
        parse_yaml("a:\n  b: [1, 2\n  c: 3\n", YAML_PATH)
    assert str(caught.value).startswith("config.yaml:3:")
    assert "invalid YAML" in str(caught.value)


def test_yaml_unsafe_tags_and_recursive_aliases_are_rejected() -> None:
    with pytest.raises(LoadError, match="unsupported YAML tag"):
        parse_yaml("a: !!python/object:os.system x\n", YAML_PATH)
    with pytest.raises(LoadError, match="recursive YAML alias"):
        parse_yaml("a: &x [*x]\n", YAML_PATH)


def test_yaml_aliases_expand_to_independent_copies() -> None:
    data, _ = parse_yaml("x: &a [1]\ny: *a\n", YAML_PATH)
    assert data == {"x": [1], "y": [1]}
    assert data["x"] is not data["y"]


def test_json_positions_match_the_text() -> None:
    text = '{\n  "agents": {\n    "bot": {"config": "a.yaml"}\n  },\n  "list": [1, {"k": true}]\n}\n'
    data, positions = parse_json(text, JSON_PATH)
    assert data == json.loads(text)
    assert positions[("agents",)] == (2, 3)
    assert positions[("agents", "bot", "config")] == (3, 13)
    assert positions[("list", 1)] == (5, 15)
    assert positions[("list", 1, "k")] == (5, 16)


def test_json_escapes_are_decoded_exactly() -> None:
    text = r'{"a\u00e9\/": "\ud83d\ude00 \" \\ \/ \n", "b": 1}'
    data, positions = parse_json(text, JSON_PATH)
    assert data == {"aé/": '😀 " \\ / \n', "b": 1}
    assert positions[("b",)] == (1, 43)


def test_json_duplicate_key_and_syntax_error_have_positions() -> None:
    with pytest.raises(LoadError) as caught:
        parse_json('{\n  "a": 1,\n  "a": 2\n}', JSON_PATH)
    assert (caught.value.line, caught.value.column) == (3, 3)
    with pytest.raises(LoadError) as syntax:
        parse_json('{\n  "a": 1,\n}', JSON_PATH)
    assert syntax.value.line == 3
    assert "invalid JSON" in syntax.value.detail


def test_json_nan_is_rejected() -> None:
    with pytest.raises(LoadError, match="not valid JSON"):
        parse_json('{"a": NaN}', JSON_PATH)


def test_load_file_dispatches_on_suffix_and_reports_missing(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("k: on\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"k": "on"}', encoding="utf-8")
    assert load_file(tmp_path / "a.yml").data == load_file(tmp_path / "b.json").data == {"k": "on"}
    with pytest.raises(LoadError, match="file not found"):
        load_file(tmp_path / "missing.yaml")
    with pytest.raises(LoadError, match="unsupported file type"):
        load_file(tmp_path / "c.toml")


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    document = Document(path=YAML_PATH, data={}, positions={(): (1, 1), ("a",): (2, 3), ("a", "b"): (3, 5)})
    assert document.locate(("a", "b", "missing", 0)) == (3, 5)
    assert document.locate(("zzz",)) == (1, 1)
    assert format_key_path(("a", "tool_ids", 0, "b")) == "a.tool_ids[0].b"
    assert format_key_path(()) == "<root>"


def test_dump_yaml_is_deterministic_and_round_trips() -> None:
    data = {
        "z": "yes",
        "a": "line one\nline two\n",
        "list": [1, {"k": "on"}],
        "day": "2024-01-31",
        "unicode": "café",
        "none": None,
    }
    text = dump_yaml(data, header="# hello")
    assert text.startswith("# hello\nz: 'yes'\na: |\n  line one\n  line two\n")
    assert "list:\n  - 1\n  - k: 'on'\n" in text
    assert "café" in text and text.endswith("\n")
    assert list(parse_yaml(text, YAML_PATH)[0].items()) == list(data.items())
    assert dump_yaml(data, header="# hello") == text


def test_dump_json_keeps_order_and_unicode() -> None:
    assert dump_json({"b": 1, "a": "é"}) == '{\n  "b": 1,\n  "a": "é"\n}\n'


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.json"
    write_atomic(target, "one\n")
    write_atomic(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert sorted(path.name for path in target.parent.iterdir()) == ["file.json"]


def test_yaml_merge_keys_work_and_explicit_keys_win() -> None:
    text = "base: &b\n  x: 1\n  y: 2\nmore: &m\n  y: 9\n  z: 3\nagent:\n  <<: [*b, *m]\n  x: 5\n"
    data, positions = parse_yaml(text, YAML_PATH)
    assert data["agent"] == {"y": 2, "z": 3, "x": 5}
    assert positions[("agent", "x")] == (9, 3)
    assert positions[("agent", "z")] == (6, 3)  # where the merged value really is
    with pytest.raises(LoadError, match="merge key"):
        parse_yaml("a:\n  <<: 1\n", YAML_PATH)


def test_write_atomic_modes(tmp_path: Path) -> None:
    import stat

    from agents_cli.project.loader import write_atomic

    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "state" / "dev.json"
        write_atomic(fresh, "{}\n")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # the umask's default, not mkstemp's 0600
        fresh.chmod(0o640)
        write_atomic(fresh, b"{ }\n")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o640  # a replaced file keeps its mode
        assert fresh.read_bytes() == b"{ }\n"
        secret = tmp_path / "credentials.json"
        write_atomic(secret, "{}", mode=0o600)
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    finally:
        os.umask(umask)


def test_a_tab_indent_in_yaml_is_named_as_such(tmp_path: Path) -> None:
    root = init_project(tmp_path)
    run_cli(["add", "agent", "bot"], cwd=root)
    (root / "agents" / "bot.yaml").write_text(
        "name: bot\nconversation_config:\n\tagent: {}\n", encoding="utf-8"
    )
    refused = run_cli(["validate"], cwd=root, expect=1)
    assert (
        "agents/bot.yaml:3:1: invalid YAML: a tab character: YAML indents with spaces only" in refused.stdout
    )


def test_an_unquoted_reference_in_yaml_says_to_quote_it() -> None:
    # PyYAML only says "found character that cannot start any token".
    for text, position in (("tool_ids: [@tool:x]\n", (1, 12)), ("tool_ids:\n  - @tool:x\n", (2, 5))):
        with pytest.raises(LoadError) as caught:
            parse_yaml(text, YAML_PATH)
        assert (caught.value.line, caught.value.column) == position
        assert 'quote values starting with @ ("@tool:x")' in caught.value.detail


def test_json_duplicate_key_names_its_first_line() -> None:
    found: list[LoadError] = []
    parse_json('{\n  "a": 1,\n  "a": 2\n}', JSON_PATH, duplicates=found)
    assert [error.detail for error in found] == ["duplicate key 'a' (first at line 2)"]
