"""``agents auth``: login stores a key in the keyring (or a 0600 file without one) and verifies it over
loopback HTTP against the emulator with GET /v1/user, logout removes it, whoami shows masked key / source /
base URL; a rejected key and a key lacking a permission are told apart, and no key ever shows up in any
output, debug log or file."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from agents_cli.emulator.server import RunningEmulator, running_emulator
from agents_cli.emulator.settings import EmulatorSettings
from tests.support.cli import init_project, run_cli, run_process
from tests.support.emulator import ServedEmulator
from tests.support.keyring import MemoryKeyring
from tests.support.project import all_text_under, edit_manifest, write_project

GOOD = "sk_good0123456789abcdefGOODKEY1"
OTHER = "sk_other0123456789abcdefOTHER22"
NO_USER_READ = "sk_nouser0123456789abcdefNOUSR3"
NO_CONVAI = "sk_noconv0123456789abcdefNOCNV4"
WRONG = "sk_wrong0123456789abcdefWRONGK5"
ALL_KEYS = (GOOD, OTHER, NO_USER_READ, NO_CONVAI, WRONG)
KEY = "sk_1234567890abcdefSECRETabcd"


class RestrictedKeys:
    """Answers like the real API does for scoped keys: 401 ``missing_permissions`` naming the permission."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            key = dict(scope["headers"]).get(b"xi-api-key", b"").decode()
            path = scope["path"]
            lacking = None
            if key == NO_USER_READ and path == "/v1/user":
                lacking = "user_read"
            elif key == NO_CONVAI:
                lacking = "user_read" if path == "/v1/user" else "convai_read"
            if lacking:
                message = (
                    f"The API key you used is missing the permission {lacking} to execute this operation."
                )
                body = json.dumps({"detail": {"status": "missing_permissions", "message": message}}).encode()
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    settings = EmulatorSettings(api_keys=(GOOD, OTHER, NO_USER_READ, NO_CONVAI))
    with running_emulator(settings, wrap=RestrictedKeys) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> Path:
    return write_project(
        tmp_path / "proj",
        environments={
            "local": {"emulator": True},
            "dev": {"api_key_env": "KEY_DEV", "base_url": emulator.url},
        },
    )


def _all_output(*results: Any) -> str:
    return "\n".join(r.stdout + r.stderr for r in results)


def test_login_verifies_stores_and_whoami_reports(
    project: Path, emulator: RunningEmulator, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    login = run_cli(["--debug", "auth", "login", "--env", "dev"], cwd=project, input=GOOD + "\n")
    assert f"key sk_g…KEY1 accepted by {emulator.url} (user: Emulator)" in login.stderr
    assert memory_keyring.passwords == {("agents-cli", "dev"): GOOD}

    whoami = run_cli(["--debug", "auth", "whoami", "--env", "dev", "--json"], cwd=project)
    report = json.loads(whoami.stdout)
    assert report == {
        "environment": "dev",
        "base_url": emulator.url,
        "key": "sk_g…KEY1",
        "key_source": "keyring",
        "user": {
            "user_id": "emulator-user",
            "first_name": "Emulator",
            "seat_type": "workspace_admin",
            "created_at": 0,
            "tier": "emulator",
        },
    }
    table = run_cli(["auth", "whoami", "--env", "dev"], cwd=project)
    assert "sk_g…KEY1 (from keyring)" in table.stdout and f"base URL     {emulator.url}" in table.stdout

    # The variable wins over the keyring, and whoami says so.
    from_env = run_cli(["auth", "whoami", "--env", "dev", "--json"], cwd=project, env={"KEY_DEV": OTHER})
    assert json.loads(from_env.stdout)["key_source"] == "env:KEY_DEV"
    assert json.loads(from_env.stdout)["key"] == "sk_o…ER22"

    outputs = _all_output(login, whoami, table, from_env)
    for key in ALL_KEYS:
        assert key not in outputs
        assert key not in all_text_under(tmp_path)


def test_rejected_key_is_said_plainly_and_not_stored(
    project: Path, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    refused = run_cli(["--debug", "auth", "login", "--env", "dev"], cwd=project, expect=1, input=WRONG)
    assert "the API rejected the key for environment 'dev' (sk_w…NGK5 from input): invalid or revoked" in (
        refused.stderr
    )
    assert memory_keyring.passwords == {}
    whoami = run_cli(
        ["--debug", "auth", "whoami", "--env", "dev"], cwd=project, expect=1, env={"KEY_DEV": WRONG}
    )
    assert "rejected the key for environment 'dev' (sk_w…NGK5 from env:KEY_DEV)" in whoami.stderr
    assert "Traceback" in whoami.stderr  # --debug shows where it came from...
    for key in ALL_KEYS:
        assert key not in _all_output(refused, whoami)  # ...but never the key itself
        assert key not in all_text_under(tmp_path)


def test_key_lacking_a_permission_names_it(project: Path, memory_keyring: MemoryKeyring) -> None:
    # Real but without user_read: good enough for agents, stored with a warning; whoami names the permission.
    login = run_cli(["auth", "login", "--env", "dev"], cwd=project, input=NO_USER_READ)
    assert "can read agents but lacks 'user_read'" in login.stderr
    assert memory_keyring.passwords == {("agents-cli", "dev"): NO_USER_READ}
    whoami = run_cli(["auth", "whoami", "--env", "dev"], cwd=project, expect=1)
    assert "lacks the permission 'user_read' needed for GET /v1/user" in whoami.stderr
    assert "grant user_read to this key" in whoami.stderr
    # Without the agents permission the key is useless to this tool: refused, naming convai_read.
    refused = run_cli(["auth", "login", "--env", "dev"], cwd=project, expect=1, input=NO_CONVAI)
    assert "lacks the permission 'convai_read' needed for GET /v1/convai/agents" in refused.stderr
    assert memory_keyring.passwords == {("agents-cli", "dev"): NO_USER_READ}
    no_verify = run_cli(["auth", "login", "--env", "dev", "--no-verify"], cwd=project, input=NO_CONVAI)
    assert "stored the key" in no_verify.stderr
    for key in ALL_KEYS:
        assert key not in _all_output(login, whoami, refused, no_verify)


def test_missing_key_and_emulator_environment(project: Path, memory_keyring: MemoryKeyring) -> None:
    missing = run_cli(["auth", "whoami", "--env", "dev"], cwd=project, expect=1)
    assert "no API key for environment 'dev'" in missing.stderr
    assert "set KEY_DEV" in missing.stderr and "agents auth login --env dev" in missing.stderr
    local = json.loads(run_cli(["auth", "whoami", "--env", "local", "--json"], cwd=project).stdout)
    assert local["base_url"] == "emulator (in-process)" and local["key"] is None
    assert local["user"]["user_id"] == "emulator-user"


def test_debug_log_of_a_real_process_never_carries_the_key(project: Path, emulator: RunningEmulator) -> None:
    """In a subprocess --debug really logs (in-process, pytest owns logging): HTTP lines yes, key no."""
    done = run_process(
        ["--debug", "auth", "whoami", "--env", "dev", "--json"], cwd=project, env={"KEY_DEV": GOOD}
    )
    assert done.returncode == 0, done.stderr
    assert "GET /v1/user -> 200" in done.stderr
    assert json.loads(done.stdout)["key_source"] == "env:KEY_DEV"
    assert GOOD not in done.stdout + done.stderr
    assert GOOD not in all_text_under(project)


def test_login_no_verify_and_logout_never_print_the_key(
    memory_keyring: MemoryKeyring, isolated_home: Path, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "proj")
    login = run_cli(
        ["--debug", "auth", "login", "--env", "dev", "--no-verify", "--key-stdin"],
        cwd=project,
        input=KEY + "\n",
    )
    assert "stored the key for environment 'dev' in the OS keyring" in login.stderr
    assert memory_keyring.passwords[("agents-cli", "dev")] == KEY
    logout = run_cli(["--debug", "auth", "logout", "--env", "dev"], cwd=project)
    assert "removed the stored key of environment 'dev'" in logout.stderr
    assert memory_keyring.passwords == {}
    again = run_cli(["auth", "logout", "--env", "dev"], cwd=project)
    assert "no stored key" in again.stderr
    for text in (login.stdout, login.stderr, logout.stdout, logout.stderr, all_text_under(tmp_path)):
        assert KEY not in text


def test_login_to_file_fallback_warns_when_the_variable_shadows_it(
    no_keyring: None, isolated_home: Path, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "proj")
    result = run_cli(
        ["auth", "login", "--no-verify"],
        cwd=project,
        input=KEY,
        env={"ELEVENLABS_API_KEY_DEV": "sk_othervariablevalue"},
    )
    path = isolated_home / ".config" / "agents-cli" / "credentials.json"
    assert f"in {path}" in result.stderr
    assert "env:ELEVENLABS_API_KEY_DEV also provides a key" in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KEY not in result.stdout + result.stderr


def test_login_refuses_empty_stdin_and_the_emulator(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", environments={"local": {"emulator": True}, "dev": {}})
    assert (
        "no API key on stdin"
        in run_cli(["auth", "login", "--env", "dev"], cwd=project, expect=1, input="\n").stderr
    )
    refused = run_cli(["auth", "login", "--env", "local", "--no-verify"], cwd=project, expect=1, input=KEY)
    assert "embedded emulator and needs no API key" in refused.stderr


def test_login_with_a_rejected_typed_key_points_at_the_key_not_a_variable(
    tmp_path: Path, served_emulator: ServedEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the hint said "check ELEVENLABS_API_KEY_DEV", a variable the user never set or used here.
    # The keyring library reads its backend from the process: no keyring, so the key goes to the file.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    root = init_project(tmp_path / "p")
    dev = {"api_key_env": "UNSET_KEY_DEV", "base_url": served_emulator.url}
    edit_manifest(root, lambda manifest: manifest["environments"].update(dev=dev))
    served_emulator.configure(api_keys=(served_emulator.api_key,))
    wrong = "sk_wrong_key_0123456789"
    refused = run_cli(["auth", "login", "--env", "dev", "--key-stdin"], cwd=root, expect=1, input=wrong)
    assert "the API rejected the key for environment 'dev'" in refused.stderr
    assert "hint: check the key you entered" in refused.stderr
    assert "UNSET_KEY_DEV" not in refused.stderr
    assert wrong not in refused.stdout + refused.stderr
