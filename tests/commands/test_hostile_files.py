"""Files a hostile pull request (or an accident) puts in a project: alias bombs, nesting past any config's,
symlink loops, NUL bytes and over-long names in manifest paths, values of the wrong type, a config path
that leaves the project. Each is exit 1 with a message naming the file — never exit 3, never a hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.project import write_project

AGENT = "name: Bot\nconversation_config:\n  agent:\n    first_message: hi\n"


def _validate(root: Path, *args: str) -> str:
    result = run_cli(["validate", *args], cwd=root, expect=1)
    return result.stdout + result.stderr


def _alias_bomb(levels: int = 7) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{','.join(f'*{previous}' for _ in range(9))}]")
    return "name: Bot\nx-bomb:\n" + "\n".join(f"  {line}" for line in lines) + "\n"


def test_a_yaml_alias_bomb_fails_fast_with_file_and_line(tmp_path: Path) -> None:
    bomb = _alias_bomb()
    assert len(bomb) < 1024
    root = write_project(tmp_path, agents={"bot": bomb})
    out = _validate(root)
    assert "agents/bot.yaml:" in out and "alias" in out, out


def test_aliases_of_ordinary_size_still_work(tmp_path: Path) -> None:
    config = (
        "name: Bot\nx-common: &common\n  first_message: hi\n  language: en\n"
        "conversation_config:\n  agent:\n    <<: *common\n"
    )
    root = write_project(tmp_path, agents={"bot": config})
    run_cli(["validate"], cwd=root)


@pytest.mark.parametrize("depth", [500, 900])
def test_deep_yaml_flow_nesting_is_an_error_not_a_crash(tmp_path: Path, depth: int) -> None:
    root = write_project(tmp_path, agents={"bot": "name: Bot\nx-deep: " + "[" * depth + "]" * depth + "\n"})
    out = _validate(root)
    assert "agents/bot.yaml" in out and "nested" in out, out


@pytest.mark.parametrize("depth", [100, 990, 5000])
def test_deep_json_nesting_in_a_config_is_an_error_not_a_crash(tmp_path: Path, depth: int) -> None:
    root = write_project(tmp_path, agents={"bot": {"name": "Bot"}})
    (root / "agents" / "bot.json").write_text('{"name": "Bot", "x-deep": ' + "[" * depth + "]" * depth + "}")
    out = _validate(root)
    assert "agents/bot.json" in out and "nested" in out, out


def test_deep_json_nesting_in_state_is_an_error_not_a_crash(tmp_path: Path) -> None:
    root = write_project(tmp_path, agents={"bot": AGENT})
    (root / "state").mkdir()
    (root / "state" / "dev.json").write_text('{"agents": ' + "[" * 1000 + "]" * 1000 + "}")
    result = run_cli(["status"], cwd=root, expect=1)
    assert "state/dev.json" in result.stderr and "nested" in result.stderr, result.stderr


def test_deep_json_nesting_in_the_manifest_is_an_error_not_a_crash(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    manifest = json.loads((root / "agents.json").read_text())
    text = json.dumps(manifest)[:-1] + ', "x": ' + "[" * 1000 + "]" * 1000 + "}"
    (root / "agents.json").write_text(text)
    out = _validate(root)
    assert "agents.json" in out and "nested" in out, out


def test_a_symlink_loop_at_a_config_path_is_an_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, agents={"bot": AGENT})
    config = root / "agents" / "bot.yaml"
    config.unlink()
    os.symlink(config, config)
    out = _validate(root)
    assert "agents/bot.yaml" in out, out


@pytest.mark.parametrize("config", ["agents/b\u0000ot.yaml", "agents/" + "b" * 300 + ".yaml", "a" * 5000])
def test_a_nul_byte_or_an_over_long_name_in_a_manifest_path_is_an_error(tmp_path: Path, config: str) -> None:
    root = write_project(tmp_path, manifest={"agents": {"bot": {"config": config}}})
    out = _validate(root)
    assert "bot" in out, out


@pytest.mark.parametrize("value", [5, True, ["dev"], {"dev": 1}, None])
def test_a_default_environment_of_another_type_is_an_error(tmp_path: Path, value: object) -> None:
    root = write_project(tmp_path, agents={"bot": AGENT}, manifest={"default_environment": value})
    out = _validate(root)
    assert "default_environment" in out, out


def test_a_state_path_that_is_a_directory_is_an_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, agents={"bot": AGENT})
    (root / "state" / "dev.json").mkdir(parents=True)
    result = run_cli(["status"], cwd=root, expect=1)
    assert "state/dev.json" in result.stderr and "directory" in result.stderr, result.stderr


def test_a_config_path_outside_the_project_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('"sk_live_do_not_print"')
    root = write_project(tmp_path / "proj", manifest={"agents": {"bot": {"config": "../secret.json"}}})
    out = _validate(root)
    assert "sk_live_do_not_print" not in out and "secret.json:1:1" not in out, out
    assert "../secret.json: config paths must be relative and inside the project" in out, out
    for absolute in (str(secret), "/etc/passwd"):
        root = write_project(tmp_path / "proj", manifest={"agents": {"bot": {"config": absolute}}})
        out = _validate(root)
        assert "sk_live_do_not_print" not in out and "root:" not in out, out
