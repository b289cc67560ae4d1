"""Helpers for the auth and everyday-command tests: isolated keyring and home, tiny projects, the CLI.

Imported by ``test_auth_*.py`` and ``test_everyday_*.py`` (not collected itself: no ``test_`` prefix).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from typer.testing import CliRunner

from agents_cli.cli.main import app

KEY_VARIABLES = (
    "ELEVENLABS_API_KEY",
    "ELEVENLABS_API_KEY_DEV",
    "ELEVENLABS_API_KEY_PROD",
    "ELEVENLABS_BASE_URL",
)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only, so tests never touch the developer's real keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME and XDG_CONFIG_HOME inside tmp_path, no API key variables, NO_COLOR unset."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in (*KEY_VARIABLES, "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def memory_keyring(isolated_home: Path) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(isolated_home: Path) -> Iterator[None]:
    """No usable keyring backend: keys must go to the 0600 file."""
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def write_project(
    root: Path,
    *,
    environments: dict[str, Any] | None = None,
    agents: dict[str, str] | None = None,
    tools: dict[str, str] | None = None,
    tests: dict[str, str] | None = None,
    state: dict[str, dict[str, dict[str, str]]] | None = None,
    default_environment: str = "dev",
) -> Path:
    """A minimal project: ``agents``/``tools``/``tests`` map local names to YAML text; ``state`` maps env →
    kind section → name → id."""
    root.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "version": 1,
        "default_environment": default_environment,
        "environments": environments or {"dev": {"api_key_env": "ELEVENLABS_API_KEY_DEV"}},
        "agents": {},
        "tools": {},
        "tests": {},
    }
    for section, entries in (("agents", agents), ("tools", tools), ("tests", tests)):
        for name, text in (entries or {}).items():
            relative = f"{section}/{name}.yaml"
            (root / section).mkdir(exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8")
            manifest[section][name] = {"config": relative}
    (root / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for env, sections in (state or {}).items():
        document: dict[str, Any] = {"version": 1, "environment": env, "agents": {}, "tools": {}, "tests": {}}
        for section, ids in sections.items():
            document[section] = {name: {"id": remote_id} for name, remote_id in ids.items()}
        (root / "state").mkdir(exist_ok=True)
        (root / "state" / f"{env}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return root


class Cli:
    """Runs ``agents`` in-process; ``ok``/``fails`` assert the exit code and show the output if wrong."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.runner = CliRunner()

    def run(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(
            app,
            ["-C", str(self.cwd), *args],
            input=input,
            env=env,
            prog_name="agents",
            catch_exceptions=False,
        )

    def ok(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        result = self.run(*args, input=input, env=env)
        assert result.exit_code == 0, (
            f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        return result

    def fails(
        self, *args: str, code: int = 1, input: str | None = None, env: dict[str, str] | None = None
    ) -> Any:
        result = self.run(*args, input=input, env=env)
        assert result.exit_code == code, (
            f"exit {result.exit_code} (wanted {code})\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        return result


def all_text_under(folder: Path) -> str:
    """Every readable file below ``folder`` concatenated (to prove a secret was written nowhere)."""
    chunks = []
    for path in folder.rglob("*"):
        if path.is_file():
            try:
                chunks.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return "\n".join(chunks)


def env_without_keys() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in KEY_VARIABLES}
