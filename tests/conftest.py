"""Shared fixtures. The repository root goes on sys.path so tests run without installing the package.

``served_emulator``: the emulator on 127.0.0.1 (a free port, background uvicorn thread), yielding a
``ServedEmulator`` (``url``, ``api_key``, ``configure(...)``, the recorded exchanges). Every JSON response it
sends during the test is checked against the spec's response schema for its route when the test ends, so
each test using it is also a contract test; ``client`` is an httpx client on it. ``emulator_app``: the
Starlette app over an in-memory store. ``emulator``: the emulator on loopback without the contract checks (a
``RunningEmulator``); ``emulator_url``: the URL of one, with ``ELEVENLABS_BASE_URL`` unset. The sample
project (tests/support/samples.py): ``served_project`` on ``served_emulator``, ``synced`` synced to
``staging`` on ``emulator``. ``isolated_home``: HOME and XDG_CONFIG_HOME in the test's folder, no key
variables; ``memory_keyring`` and ``no_keyring`` on top of it. The helpers the tests share are in
``tests/support/``.
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
    import httpx
    from starlette.applications import Starlette

    from agents_cli.emulator.server import RunningEmulator
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
def client(served_emulator: ServedEmulator) -> Iterator[httpx.Client]:
    """An HTTP client on ``served_emulator`` with its key."""
    import httpx

    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers, timeout=10) as http:
        yield http


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    from agents_cli.emulator.server import running_emulator

    with running_emulator() as running:
        yield running


@pytest.fixture
def emulator_url() -> Iterator[str]:
    from tests.support.emulator import serve_emulator

    with serve_emulator() as url:
        yield url


@pytest.fixture
def served_project(tmp_path: Path, served_emulator: ServedEmulator) -> Path:
    """The sample project on the served emulator, not synced yet."""
    from tests.support.samples import sample_project

    return sample_project(tmp_path / "proj", served_emulator.url)


@pytest.fixture
def synced(tmp_path: Path, emulator: RunningEmulator, isolated_home: Path) -> Path:
    """The sample project (tool ``lookup``, test ``greets``, agent ``bot``) synced to ``staging``."""
    from tests.support.cli import run_cli
    from tests.support.samples import KEYS, sample_project

    project = sample_project(tmp_path / "synced", emulator.url)
    run_cli(["sync", "--env", "staging", "--yes"], cwd=project, env=KEYS)
    return project


@pytest.fixture
def emulator_app() -> Iterator[Starlette]:
    from agents_cli.emulator.app import create_app
    from agents_cli.emulator.settings import EmulatorSettings
    from agents_cli.emulator.store import Store

    store = Store(None)
    yield create_app(EmulatorSettings(), store)
    store.close()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test: HOME and XDG_CONFIG_HOME in a fresh folder of their own (beside tmp_path, which stays
    the test's), no API key variables, NO_COLOR unset.

    The one place tests touch the process's variables: our code reads the ``Host`` a test hands it, but the
    keyring library and ``Path.home()`` read the process, and a developer's stored keys must never leak in."""
    from tests.support.keyring import KEY_VARIABLES

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))  # crash logs
    for name in (*KEY_VARIABLES, "NO_COLOR", "AGENTS_HTTP_TIMEOUT"):
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
