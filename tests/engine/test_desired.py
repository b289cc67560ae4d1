"""engine/desired: an environment's ``variables`` in agents.json give ``${NAME}`` placeholders defaults; a
variable set in the process or .env wins."""

from __future__ import annotations

from pathlib import Path

from agents_cli.engine.desired import load_desired
from agents_cli.project.manifest import load_project
from tests.support.project import write_project
from tests.support.samples import TOOL


def _project(root: Path) -> Path:
    environments = {"local": {"emulator": True, "variables": {"E2E_ORDERS_TOKEN": "fake-local"}}}
    return write_project(root, environments=environments, default_environment="local", tools={"lookup": TOOL})


def test_a_default_fills_an_unset_placeholder_and_the_process_wins(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path / "proj"))
    assert load_desired(project, "local", environ={}).environ["E2E_ORDERS_TOKEN"] == "fake-local"
    given = load_desired(project, "local", environ={"E2E_ORDERS_TOKEN": "real"})
    assert given.environ["E2E_ORDERS_TOKEN"] == "real"
    (tmp_path / "proj" / ".env").write_text("E2E_ORDERS_TOKEN=from-dotenv\n")
    assert load_desired(project, "local", environ={}).environ["E2E_ORDERS_TOKEN"] == "from-dotenv"
