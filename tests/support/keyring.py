"""A keyring in this process only, so tests never touch the developer's real keychain (the fixtures
``isolated_home``, ``memory_keyring`` and ``no_keyring`` in tests/conftest.py use it)."""

from __future__ import annotations

from keyring.backend import KeyringBackend

# The variables a developer's shell may hold that would change which key a test sees.
KEY_VARIABLES = (
    "ELEVENLABS_API_KEY",
    "ELEVENLABS_API_KEY_DEV",
    "ELEVENLABS_API_KEY_PROD",
    "ELEVENLABS_BASE_URL",
)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only."""

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
