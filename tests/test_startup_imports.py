"""``agents --help`` must stay light: no heavy library may be imported (its speed: benchmarks/startup.py)."""

from __future__ import annotations

from tests.support.cli import run_process

HEAVY = ("httpx", "jsonschema", "deepdiff", "yaml", "starlette", "uvicorn")


def test_help_imports_no_heavy_library() -> None:
    completed = run_process(["--help"], python_options=("-X", "importtime"))
    assert completed.returncode == 0, completed.stderr
    assert "validate" in completed.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert len(imported) > 10  # the import log was really captured
    assert sorted(set(HEAVY) & imported) == []
