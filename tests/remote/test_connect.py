"""``--base-url`` means the same on every command: an emulator environment pointed at a served emulator
talks to it (plan, sync, status, list, whoami alike); ``ELEVENLABS_BASE_URL`` never redirects it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import remote_list, serve_emulator

AGENT = "name: Bot\nconversation_config:\n  agent:\n    first_message: Hello\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    monkeypatch.delenv("ELEVENLABS_API_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no stored keys from the developer
    run_cli(["init"], cwd=tmp_path)
    (tmp_path / "agents" / "bot.yaml").write_text(AGENT)
    manifest = json.loads((tmp_path / "agents.json").read_text())
    manifest["agents"] = {"bot": {"config": "agents/bot.yaml"}}
    (tmp_path / "agents.json").write_text(json.dumps(manifest))
    return tmp_path


def test_every_command_takes_base_url_for_an_emulator_environment(project: Path) -> None:
    with serve_emulator() as url:
        flag = ["--env", "local", "--base-url", url]
        assert "Plan: 1 to create" in run_cli(["plan", *flag], cwd=project).stdout
        run_cli(["sync", *flag, "--yes"], cwd=project)
        [remote] = remote_list(url, "/v1/convai/agents", "agents")
        assert remote["name"] == "Bot"
        assert "No changes." in run_cli(["plan", *flag], cwd=project).stdout
        status = json.loads(run_cli(["status", *flag, "--json"], cwd=project).stdout)
        assert status["summary"]["in sync"] == 1
        listed = json.loads(run_cli(["list", "--remote", *flag, "--json"], cwd=project).stdout)
        assert [row["local_name"] for row in listed["resources"]] == ["bot"]
        whoami = json.loads(run_cli(["auth", "whoami", *flag, "--json"], cwd=project).stdout)
        assert whoami["base_url"] == url
    # The embedded emulator never saw any of it.
    assert "Plan: 1 to create" in run_cli(["plan", "--env", "local"], cwd=project).stdout


def test_elevenlabs_base_url_never_redirects_an_emulator_environment(project: Path) -> None:
    result = run_cli(
        ["plan", "--env", "local"], cwd=project, env={"ELEVENLABS_BASE_URL": "http://127.0.0.1:9"}
    )
    assert "Plan: 1 to create" in result.stdout
