"""Key storage and lookup (``agents_cli/remote/credentials.py``): keyring, the 0600 fallback file, the
environment variable winning, ``.env`` parsing (quotes and trailing comments), masking."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from agents_cli.errors import CredentialsMissing
from agents_cli.host import Host
from agents_cli.project.manifest import Environment
from agents_cli.remote import credentials
from tests.support.keyring import MemoryKeyring

KEY = "sk_1234567890abcdefSECRETabcd"
DEV = Environment(name="dev", api_key_env="ELEVENLABS_API_KEY_DEV")


def test_mask_keeps_only_the_ends() -> None:
    assert credentials.mask("sk_1234567890abcd") == "sk_1…abcd"
    assert credentials.mask("short") == "…rt"
    assert credentials.mask("") == "…"
    assert "SECRET" not in repr(credentials.ResolvedKey(KEY, "keyring"))


def test_store_uses_the_keyring_when_one_exists(memory_keyring: MemoryKeyring, isolated_home: Path) -> None:
    stored = credentials.store_key("dev", KEY)
    assert stored.location == "keyring"
    assert memory_keyring.passwords == {("agents-cli", "dev"): KEY}
    assert not credentials.credentials_file().exists()
    assert credentials.resolve_api_key(DEV, None) == credentials.ResolvedKey(KEY, "keyring")
    assert credentials.delete_key("dev") == ["keyring"]
    assert credentials.find_api_key(DEV, None) is None


def test_without_a_keyring_the_file_is_0600_in_a_0700_folder(no_keyring: None, isolated_home: Path) -> None:
    os.umask(0o022)  # a typical umask would make both world-readable without explicit modes
    stored = credentials.store_key("dev", KEY)
    path = isolated_home / ".config" / "agents-cli" / "credentials.json"
    assert stored.location == f"file:{path}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text())["keys"] == {"dev": KEY}
    found = credentials.resolve_api_key(DEV, None)
    assert (found.value, found.source) == (KEY, f"file:{path}")
    credentials.store_key("prod", "sk_prodprodprodprod")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # rewrites keep the mode
    assert credentials.delete_key("dev") == [f"file:{path}"]
    assert json.loads(path.read_text())["keys"] == {"prod": "sk_prodprodprodprod"}


def test_an_existing_wide_folder_is_tightened(no_keyring: None, isolated_home: Path) -> None:
    folder = isolated_home / ".config" / "agents-cli"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    credentials.store_key("dev", KEY)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_environment_variable_always_wins(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials.store_key("dev", "sk_fromkeyringfromkeyring")
    (tmp_path / ".env").write_text('# comment\nexport ELEVENLABS_API_KEY_DEV="sk_fromdotenvfromdotenv"\n')
    assert credentials.resolve_api_key(DEV, tmp_path).source == ".env"
    host = Host.from_process(environ={"ELEVENLABS_API_KEY_DEV": "sk_fromvariablefromvariable"})
    found = credentials.resolve_api_key(DEV, tmp_path, host)
    assert (found.value, found.source) == ("sk_fromvariablefromvariable", "env:ELEVENLABS_API_KEY_DEV")


def test_dotenv_parsing() -> None:
    text = "A=1\nexport B = 'two words'\nC=three # trailing\n#D=4\nnot a line\nE=\"x#y\"\n"
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"everyday-dotenv-{os.getpid()}"
    path.write_text(text)
    try:
        assert credentials.read_dotenv(path) == {"A": "1", "B": "two words", "C": "three", "E": "x#y"}
    finally:
        path.unlink()


def test_missing_key_names_both_remedies(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(CredentialsMissing) as caught:
        credentials.resolve_api_key(DEV, None)
    assert "ELEVENLABS_API_KEY_DEV" in (caught.value.hint or "")
    assert "agents auth login --env dev" in (caught.value.hint or "")


def test_dotenv_quoted_value_with_a_trailing_comment(tmp_path: Path) -> None:
    # Before: 'export KEY="sk_…"  # dev key' gave the key *with* its quotes, and the API rejected it.
    from agents_cli.remote.credentials import read_dotenv

    dotenv = tmp_path / ".env"
    dotenv.write_text(
        'export KEY_A="sk_abc def"  # dev key\nKEY_B=\'sk_b\' # prod\nKEY_C=plain # note\nKEY_D="a#b"\n',
        encoding="utf-8",
    )
    assert read_dotenv(dotenv) == {"KEY_A": "sk_abc def", "KEY_B": "sk_b", "KEY_C": "plain", "KEY_D": "a#b"}
