"""Shared fixtures. The repository root goes on sys.path so tests run without installing the package.

``served_emulator``: the emulator on 127.0.0.1 (a free port, background uvicorn thread), yielding a
``ServedEmulator`` (``url``, ``api_key``, ``configure(...)``, the recorded exchanges). Every JSON response it
sends during the test is checked against the spec's response schema for its route when the test ends, so
each test using it is also a contract test. ``emulator_app``: the Starlette app over an in-memory store.
``isolated_home``: HOME and XDG_CONFIG_HOME in the test's folder, no key variables; ``memory_keyring`` and
``no_keyring`` on top of it. The helpers the tests share are in ``tests/support/``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from tests.support.emulator import ServedEmulator
    from tests.support.keyring import MemoryKeyring


def _use_the_clis_words() -> None:
    """Structured errors read as the CLI words them, also in tests that call core code directly."""
    from agents_cli.cli.wording import words
    from agents_cli.errors import use_wording

    use_wording(words)


_use_the_clis_words()


@pytest.fixture
def served_emulator() -> Iterator[ServedEmulator]:
    from agents_cli.emulator.server import running_emulator
    from agents_cli.emulator.settings import EmulatorSettings
    from tests.support.contract import contract_violations
    from tests.support.emulator import ResponseRecorder, ServedEmulator

    recorder = ResponseRecorder()
    with running_emulator(EmulatorSettings(), wrap=recorder.wrap) as running:
        yield ServedEmulator(running.url, running, recorder)
    violations = contract_violations(recorder.exchanges)
    assert not violations, "responses that do not fit the spec:\n" + "\n".join(violations[:10])


@pytest.fixture
def emulator_app() -> Iterator[Starlette]:
    from agents_cli.emulator.app import create_app
    from agents_cli.emulator.settings import EmulatorSettings
    from agents_cli.emulator.store import Store

    store = Store(None)
    yield create_app(EmulatorSettings(), store)
    store.close()


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME and XDG_CONFIG_HOME inside tmp_path, no API key variables, NO_COLOR unset."""
    from tests.support.keyring import KEY_VARIABLES

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in (*KEY_VARIABLES, "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def memory_keyring(isolated_home: Path) -> Iterator[MemoryKeyring]:
    import keyring

    from tests.support.keyring import MemoryKeyring

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
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
