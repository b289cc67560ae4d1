"""``agents --help`` must stay light: no heavy library may be imported (its speed: benchmarks/startup.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.support.cli import REPO_ROOT

HEAVY = ("httpx", "jsonschema", "deepdiff", "yaml", "starlette", "uvicorn")


def test_help_imports_no_heavy_library() -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "agents_cli", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "validate" in completed.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert len(imported) > 10  # the import log was really captured
    assert sorted(set(HEAVY) & imported) == []
