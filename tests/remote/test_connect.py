"""Connecting (``agents_cli/remote/connect.py``): which key and base URL an environment's client gets (no
request sent), and ``--base-url`` meaning the same on every command: an emulator environment pointed at a
served emulator talks to it (plan, sync, status, list, whoami alike); ``ELEVENLABS_BASE_URL`` never
redirects it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.errors import CredentialsMissing
from agents_cli.host import Host
from agents_cli.project.manifest import load_project
from agents_cli.remote.connect import EMULATOR_BASE_URL, build_client
from tests.support.cli import run_cli
from tests.support.emulator import remote_list, serve_emulator
from tests.support.project import write_project

AGENT = "name: Bot\nconversation_config:\n  agent:\n    first_message: Hello\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
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


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    environments = {
        "local": {"emulator": True},
        "eu": {"api_key_env": "KEY_EU", "residency": "eu-residency"},
        "custom": {"api_key_env": "KEY_CUSTOM", "base_url": "https://proxy.example.com/", "concurrency": 3},
    }
    return write_project(tmp_path, environments=environments, default_environment=None, sections=())


def client_for(root: Path, env: str, environ: dict[str, str] | None = None, **options: object):  # type: ignore[no-untyped-def]
    """The client ``env`` gets when the run's variables are exactly ``environ``."""
    project = load_project(root)
    host = Host.from_process(environ=environ or {})
    return build_client(project.root, project.environment(env), host=host, **options)  # type: ignore[arg-type]


def test_base_url_from_residency_then_env_variable_then_flag(project_root: Path) -> None:
    key = {"KEY_EU": "sk_eu"}
    assert client_for(project_root, "eu", key).base_url == "https://api.eu.residency.elevenlabs.io"
    overridden = {**key, "ELEVENLABS_BASE_URL": "http://127.0.0.1:9999"}
    assert client_for(project_root, "eu", overridden).base_url == "http://127.0.0.1:9999"
    flagged = client_for(project_root, "eu", overridden, base_url="https://flag.example.com")
    assert flagged.base_url == "https://flag.example.com"


def test_explicit_base_url_and_concurrency(project_root: Path) -> None:
    client = client_for(project_root, "custom", {"KEY_CUSTOM": "sk_custom"}, concurrency=3)
    assert (client.base_url, client.concurrency) == ("https://proxy.example.com", 3)


def test_key_from_dotenv_and_variable_wins(project_root: Path) -> None:
    (project_root / ".env").write_text("KEY_EU=sk_from_dotenv\n")
    assert client_for(project_root, "eu")._api_key == "sk_from_dotenv"
    assert client_for(project_root, "eu", {"KEY_EU": "sk_from_variable"})._api_key == "sk_from_variable"


def test_missing_key_names_the_variable(project_root: Path) -> None:
    with pytest.raises(CredentialsMissing) as info:
        client_for(project_root, "eu")
    assert "KEY_EU" in (info.value.hint or "")


def test_emulator_environment_needs_no_key(project_root: Path) -> None:
    client = client_for(project_root, "local")
    assert client.base_url == EMULATOR_BASE_URL


def test_concurrency_from_flag_then_variable_then_environment_then_default(project_root: Path) -> None:
    key = {"KEY_CUSTOM": "sk_custom", "KEY_EU": "sk_eu"}
    assert client_for(project_root, "custom", key).concurrency == 3
    assert client_for(project_root, "eu", key).concurrency == 8
    assert client_for(project_root, "custom", {**key, "AGENTS_CONCURRENCY": "16"}).concurrency == 16
    flagged = client_for(project_root, "custom", {**key, "AGENTS_CONCURRENCY": "16"}, concurrency=2)
    assert flagged.concurrency == 2 and flagged.pacer.ceiling == 2
