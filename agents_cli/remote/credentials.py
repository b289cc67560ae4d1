"""Where an environment's API key comes from, and where ``agents auth login`` keeps it.

Lookup order (first hit wins): the environment variable named by the environment's ``api_key_env`` (it always
wins, so CI never depends on a keyring), the project's ``.env``, the OS keyring, then the fallback file.
Keys are stored in the OS keyring through the ``keyring`` library; when no usable backend exists (headless
Linux without a Secret Service, containers) they go to ``$XDG_CONFIG_HOME/agents-cli/credentials.json``, a
0600 file in a 0700 folder. ``keyring`` is imported lazily: resolving a key from the environment must stay
cheap and must work even when the library's backends cannot load.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents_cli.host import Host
from agents_cli.project.loader import write_atomic
from agents_cli.project.manifest import Environment
from agents_cli.remote.errors import CredentialsFileUnusable, EmptyKey, KeyMissing

log = logging.getLogger("agents_cli.remote.credentials")

KEYRING_SERVICE = "agents-cli"
CREDENTIALS_FILE_NAME = "credentials.json"
CREDENTIALS_FILE_VERSION = 1
FILE_MODE = 0o600
FOLDER_MODE = 0o700
SOURCE_ENV_PREFIX = "env:"
SOURCE_DOTENV = ".env"
SOURCE_KEYRING = "keyring"
SOURCE_FILE_PREFIX = "file:"


@dataclass(frozen=True, repr=False)
class ResolvedKey:
    """An API key and where it was found. ``repr`` masks the value so debug dumps never carry the key."""

    value: str
    source: str  # "env:VAR", ".env", "keyring" or "file:<path>"

    def __repr__(self) -> str:
        return f"ResolvedKey(value={mask(self.value)!r}, source={self.source!r})"

    @property
    def masked(self) -> str:
        return mask(self.value)


@dataclass(frozen=True)
class StoredKey:
    """Where ``store_key`` put a key: ``"keyring"`` or ``"file:<path>"``."""

    location: str


def mask(key: str) -> str:
    """``sk_1234…abcd``-style: enough to tell keys apart, never enough to use one."""
    if len(key) < 12:
        return "…" + key[-2:] if len(key) > 4 else "…"
    return f"{key[:4]}…{key[-4:]}"


# -- the fallback file -----------------------------------------------------------------------------
def config_dir(host: Host | None = None) -> Path:
    """``$XDG_CONFIG_HOME/agents-cli``, else ``~/.config/agents-cli``."""
    return (host or Host.from_process()).config_home / "agents-cli"


def credentials_file(host: Host | None = None) -> Path:
    return config_dir(host) / CREDENTIALS_FILE_NAME


def _read_file_keys(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CredentialsFileUnusable(str(path), exc.strerror or str(exc)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CredentialsFileUnusable(str(path), "invalid JSON", line=exc.lineno, column=exc.colno) from exc
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        return {}
    return {str(name): value for name, value in keys.items() if isinstance(value, str)}


def _write_file_keys(path: Path, keys: dict[str, str]) -> None:
    """Atomic, and never world- or group-readable, even for the instant between create and chmod."""
    folder = path.parent
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)  # mkdir honours the umask, and an existing folder may be wider
    if not keys:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    payload = json.dumps({"version": CREDENTIALS_FILE_VERSION, "keys": dict(sorted(keys.items()))}, indent=2)
    write_atomic(path, payload + "\n", mode=FILE_MODE)


# -- the keyring -----------------------------------------------------------------------------------
def _usable_keyring() -> Any | None:
    """The active keyring backend, or None when none is worth using (the 'fail' backend, import errors)."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # a broken keyring install must not stop the env-var and file paths
        log.debug("keyring unavailable: %s", type(exc).__name__)
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:
        log.debug("no keyring backend: %s", type(exc).__name__)
        return None
    if isinstance(backend, fail.Keyring):
        return None
    # The chainer with no members behaves like 'fail' without being one.
    if getattr(backend, "backends", None) == []:
        return None
    return backend


def _keyring_get(env_name: str) -> str | None:
    backend = _usable_keyring()
    if backend is None:
        return None
    try:
        value = backend.get_password(KEYRING_SERVICE, env_name)
    except Exception as exc:  # locked or unreachable keyring: fall through to the file
        log.debug("keyring read failed: %s", type(exc).__name__)
        return None
    return value if isinstance(value, str) and value else None


def _keyring_set(env_name: str, key: str) -> bool:
    backend = _usable_keyring()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, env_name, key)
    except Exception as exc:
        log.debug("keyring write failed, using the file: %s", type(exc).__name__)
        return False
    return True


def _keyring_delete(env_name: str) -> bool:
    backend = _usable_keyring()
    if backend is None:
        return False
    try:
        if backend.get_password(KEYRING_SERVICE, env_name) is None:
            return False
        backend.delete_password(KEYRING_SERVICE, env_name)
    except Exception as exc:
        log.debug("keyring delete failed: %s", type(exc).__name__)
        return False
    return True


# -- .env ------------------------------------------------------------------------------------------
def read_dotenv(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (``export`` prefix, quotes and ``#`` comments allowed); no interpolation."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return {}
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        name = name.strip()
        if name.startswith("export "):
            name = name[len("export ") :].strip()
        value = value.strip()
        closing = value.find(value[0], 1) if value[:1] in ("'", '"') else -1
        # A quoted value ends at its closing quote: 'KEY="abc"  # note' is abc, as in dotenv tools.
        value = value[1:closing] if closing > 0 else value.split(" #", 1)[0].rstrip()
        if name:
            values[name] = value
    return values


# -- public API ------------------------------------------------------------------------------------
def find_api_key(
    environment: Environment, project_root: Path | None, host: Host | None = None
) -> ResolvedKey | None:
    """The key for ``environment`` from the first source that has one, or None."""
    host = host or Host.from_process()
    variable = environment.api_key_env
    from_env = host.environ.get(variable, "").strip()
    if from_env:
        return ResolvedKey(from_env, SOURCE_ENV_PREFIX + variable)
    if project_root is not None:
        from_dotenv = read_dotenv(project_root / ".env").get(variable, "").strip()
        if from_dotenv:
            return ResolvedKey(from_dotenv, SOURCE_DOTENV)
    from_keyring = _keyring_get(environment.name)
    if from_keyring:
        return ResolvedKey(from_keyring, SOURCE_KEYRING)
    path = credentials_file(host)
    from_file = _read_file_keys(path).get(environment.name)
    if from_file:
        return ResolvedKey(from_file, SOURCE_FILE_PREFIX + str(path))
    return None


def resolve_api_key(
    environment: Environment, project_root: Path | None, host: Host | None = None
) -> ResolvedKey:
    """Like ``find_api_key`` but a missing key is a ``CredentialsMissing`` naming both ways to provide one."""
    found = find_api_key(environment, project_root, host)
    if found is None:
        raise KeyMissing(environment.name, environment.api_key_env)
    return found


def store_key(env_name: str, key: str, host: Host | None = None) -> StoredKey:
    """Keep ``key`` for ``env_name``: the OS keyring if one is usable, else the 0600 file."""
    if not key.strip():
        raise EmptyKey()
    key = key.strip()
    if _keyring_set(env_name, key):
        # A stale copy in the file would be shadowed anyway; remove it so logout really logs out.
        _remove_from_file(env_name, host)
        return StoredKey(SOURCE_KEYRING)
    path = credentials_file(host)
    keys = _read_file_keys(path)
    keys[env_name] = key
    _write_file_keys(path, keys)
    return StoredKey(SOURCE_FILE_PREFIX + str(path))


def _remove_from_file(env_name: str, host: Host | None) -> bool:
    path = credentials_file(host)
    keys = _read_file_keys(path)
    if env_name not in keys:
        return False
    del keys[env_name]
    _write_file_keys(path, keys)
    return True


def delete_key(env_name: str, host: Host | None = None) -> list[str]:
    """Forget ``env_name``'s stored key wherever we keep keys; returns the locations it was removed from."""
    removed: list[str] = []
    if _keyring_delete(env_name):
        removed.append(SOURCE_KEYRING)
    if _remove_from_file(env_name, host):
        removed.append(SOURCE_FILE_PREFIX + str(credentials_file(host)))
    return removed
