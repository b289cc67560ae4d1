"""``agents emulator``: ``serve`` refuses an impossible port as a usage error, not a crash."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli


def test_emulator_serve_rejects_an_impossible_port_as_a_usage_error(tmp_path: Path) -> None:
    # Before: "internal error: OverflowError: bind(): port must be 0-65535." with exit 3 (a bug).
    refused = run_cli(["emulator", "serve", "--port", "99999"], cwd=tmp_path, expect=1)
    assert "--port must be between 0 and 65535 (got 99999)" in refused.stderr
    assert "internal error" not in refused.stderr
