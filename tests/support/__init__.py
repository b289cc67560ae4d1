"""What the tests share: building projects, running the CLI, serving and peeking at the emulator.

Not collected by pytest (no ``test_`` prefix). ``tests/conftest.py`` holds the fixtures.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
