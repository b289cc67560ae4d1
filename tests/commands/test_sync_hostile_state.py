"""State files edited by hand, in a merge conflict or by a hostile pull request: a stray entry claiming a live
agent's id, swapped ids, ids that would reach other routes, an unknown version, another environment's file,
leftover temp files. Each is refused before any write (the remote is checked afterwards), or cleaned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_get, remote_list
from tests.support.samples import KEYS, cli, with_two_agents

AGENTS = "/v1/convai/agents"


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    return with_two_agents(tmp_path / "proj", served_emulator.url)


def _state_file(project: Path) -> Path:
    return project / "state" / "staging.json"


def _edit_state(project: Path, change: Any) -> dict[str, Any]:
    path = _state_file(project)
    data: dict[str, Any] = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))
    return data


def _writes(served: ServedEmulator) -> list[str]:
    return [f"{x.method} {x.path}" for x in served.exchanges if x.method in {"POST", "PATCH", "DELETE"}]


def _agent_ids(url: str) -> list[str]:
    return sorted(agent["agent_id"] for agent in remote_list(url, AGENTS, "agents"))


def test_a_stray_entry_claiming_a_tracked_agents_id_is_refused_naming_both(
    project: Path, served_emulator: ServedEmulator
) -> None:
    before = _agent_ids(served_emulator.url)
    data = _edit_state(project, lambda d: d["agents"].update(ghost={"id": d["agents"]["bot"]["id"]}))
    served_emulator.exchanges.clear()
    _, stderr = cli(project, "sync", "--prune", "--yes", expect=1)
    assert "'ghost'" in stderr and "'bot'" in stderr and data["agents"]["bot"]["id"] in stderr
    assert _writes(served_emulator) == []
    assert _agent_ids(served_emulator.url) == before


def test_a_stray_entry_whose_remote_is_tagged_for_a_declared_name_is_refused(
    project: Path, served_emulator: ServedEmulator
) -> None:
    """Only ``ghost`` claims bot's id (bot's own entry lost): pruning ghost would delete bot and a sync would
    create bot again under a new id."""
    before = _agent_ids(served_emulator.url)
    _edit_state(project, lambda d: d["agents"].update(ghost=d["agents"].pop("bot")))
    served_emulator.exchanges.clear()
    for args in (["plan"], ["sync", "--yes"], ["sync", "--prune", "--yes"]):
        _, stderr = cli(project, *args, expect=1)
        assert "'ghost'" in stderr and "'bot'" in stderr, stderr
    assert _writes(served_emulator) == []
    assert _agent_ids(served_emulator.url) == before


def test_swapped_ids_are_refused_before_any_write(project: Path, served_emulator: ServedEmulator) -> None:
    def swap(data: dict[str, Any]) -> None:
        agents = data["agents"]
        agents["bot"], agents["other"] = agents["other"], agents["bot"]

    data = _edit_state(project, swap)
    bot_before = remote_get(served_emulator.url, f"{AGENTS}/{data['agents']['other']['id']}").json()
    served_emulator.exchanges.clear()
    for args in (["plan"], ["sync", "--yes"], ["sync", "--yes", "--force"]):
        _, stderr = cli(project, *args, expect=1)
        assert "'bot'" in stderr and "'other'" in stderr, stderr
    assert _writes(served_emulator) == []
    bot_after = remote_get(served_emulator.url, f"{AGENTS}/{data['agents']['other']['id']}").json()
    assert bot_after["name"] == bot_before["name"] == "Support Bot"


def test_an_entry_tracking_another_environments_agent_is_refused(
    project: Path, served_emulator: ServedEmulator
) -> None:
    cli(project, "sync", "--env", "prod")
    prod = json.loads((project / "state" / "prod.json").read_text())
    _edit_state(project, lambda d: d["agents"].update(other=prod["agents"]["other"]))
    served_emulator.exchanges.clear()
    _, stderr = cli(project, "sync", "--yes", "--force", expect=1)
    assert "'other'" in stderr and "prod" in stderr, stderr
    assert _writes(served_emulator) == []


@pytest.mark.parametrize("bad_id", ["../tools/{tool}", "agent_x?x=1", "agent x", "", "a/b", "%2e%2e"])
def test_ids_outside_the_api_alphabet_are_refused_when_state_is_read(
    project: Path, served_emulator: ServedEmulator, bad_id: str
) -> None:
    def plant(data: dict[str, Any]) -> None:
        data["agents"]["bot"]["id"] = bad_id.format(tool=data["tools"]["lookup"]["id"])

    _edit_state(project, plant)
    served_emulator.exchanges.clear()
    _, stderr = cli(project, "sync", "--yes", "--force", expect=1)
    assert "staging.json" in stderr and "agents.bot" in stderr, stderr
    assert served_emulator.exchanges == []


@pytest.mark.parametrize("version", [0, -1, "2", 1.5, True, None, [2]])
def test_an_unknown_state_version_is_refused(project: Path, version: Any) -> None:
    _edit_state(project, lambda d: d.update(version=version))
    _, stderr = cli(project, "plan", expect=1)
    assert "staging.json" in stderr and "version" in stderr, stderr


def test_a_state_file_of_another_environment_is_refused(project: Path) -> None:
    _edit_state(project, lambda d: d.update(environment="prod"))
    _, stderr = cli(project, "plan", expect=1)
    assert "staging.json" in stderr and '"prod"' in stderr and "'staging'" in stderr, stderr


def test_leftover_temp_files_are_removed_under_the_lock_and_ignored_by_git(project: Path) -> None:
    leftover = project / "state" / ".staging.json.k3j2_x.tmp"
    leftover.write_text('{"half": ')
    other_env = project / "state" / ".prod.json.abc.tmp"
    other_env.write_text("{")
    cli(project, "sync", "--yes")
    assert not leftover.exists()
    assert other_env.exists()  # another environment's: only its own sync (under its lock) removes it
    root = project.parent / "fresh"
    root.mkdir()
    run_cli(["init", str(root)], cwd=root, env=KEYS)
    import fnmatch

    patterns = [line for line in (root / ".gitignore").read_text().splitlines() if line and line[0] != "#"]
    assert any(fnmatch.fnmatch("state/.staging.json.k3j2_x.tmp", pattern) for pattern in patterns), patterns
