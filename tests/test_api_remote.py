"""Which key and base URL an environment's client gets (no request is sent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents_cli.errors import CredentialsMissing
from agents_cli.project.manifest import load_project
from agents_cli.remote.connect import EMULATOR_BASE_URL, build_client
from tests.support.project import write_project


@pytest.fixture
def project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("KEY_EU", "KEY_CUSTOM", "ELEVENLABS_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no stored keys from the developer
    environments = {
        "local": {"emulator": True},
        "eu": {"api_key_env": "KEY_EU", "residency": "eu-residency"},
        "custom": {"api_key_env": "KEY_CUSTOM", "base_url": "https://proxy.example.com/"},
    }
    return write_project(tmp_path, environments=environments, default_environment=None, sections=())


def client_for(root: Path, env: str, **options: object):  # type: ignore[no-untyped-def]
    project = load_project(root)
    return build_client(project.root, project.environment(env), **options)  # type: ignore[arg-type]


def test_base_url_from_residency_then_env_variable_then_flag(
    project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEY_EU", "sk_eu")
    assert client_for(project_root, "eu").base_url == "https://api.eu.residency.elevenlabs.io"
    monkeypatch.setenv("ELEVENLABS_BASE_URL", "http://127.0.0.1:9999")
    assert client_for(project_root, "eu").base_url == "http://127.0.0.1:9999"
    assert (
        client_for(project_root, "eu", base_url="https://flag.example.com").base_url
        == "https://flag.example.com"
    )


def test_explicit_base_url_and_concurrency(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEY_CUSTOM", "sk_custom")
    client = client_for(project_root, "custom", concurrency=3)
    assert (client.base_url, client.concurrency) == ("https://proxy.example.com", 3)


def test_key_from_dotenv_and_variable_wins(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project_root / ".env").write_text("KEY_EU=sk_from_dotenv\n")
    assert client_for(project_root, "eu")._api_key == "sk_from_dotenv"
    monkeypatch.setenv("KEY_EU", "sk_from_variable")
    assert client_for(project_root, "eu")._api_key == "sk_from_variable"


def test_missing_key_names_the_variable(project_root: Path) -> None:
    with pytest.raises(CredentialsMissing) as info:
        client_for(project_root, "eu")
    assert "KEY_EU" in (info.value.hint or "")


def test_emulator_environment_needs_no_key(project_root: Path) -> None:
    client = client_for(project_root, "local")
    assert client.base_url == EMULATOR_BASE_URL
