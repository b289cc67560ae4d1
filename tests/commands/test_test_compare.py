"""agents test --compare deployed: the same tests against the deployed agent and the local config in one
run; a test that passes deployed and fails locally is a regression (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.emulator import ServedEmulator
from tests.support.project import edit, write_project
from tests.support.samples import AGENT, TEST, TOOL, cli, staging_and_prod

SAYS_BRIEF = TEST.replace("The agent greets the user.", "The agent says 'be brief'.")


def test_a_local_edit_that_breaks_a_test_is_a_regression(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = write_project(
        tmp_path / "proj",
        environments=staging_and_prod(served_emulator.url),
        default_environment="staging",
        agents={"bot": AGENT},
        tools={"lookup": TOOL},
        tests={"greets": SAYS_BRIEF},
    )
    cli(project, "sync", "--yes")
    out, _ = cli(project, "test", "--compare", "deployed")
    assert "compare with deployed: 0 regression(s), 0 fixed" in out

    edit(project / "agents" / "bot.yaml", "Be brief.", "Explain everything in detail.")
    out, _ = cli(project, "test", "--compare", "deployed", "--json", "r.json", "--html", "r.html", expect=1)
    assert "passed → failed (regression)" in out and "1 regression(s)" in out
    report = json.loads((project / "r.json").read_text())
    assert report["comparison"] == [
        {"agent": "bot", "name": "greets", "deployed": "passed", "local": "failed", "regression": True}
    ]
    assert "Compare: deployed → local" in (project / "r.html").read_text()


def test_compare_needs_the_local_side(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = write_project(
        tmp_path / "proj",
        environments=staging_and_prod(served_emulator.url),
        default_environment="staging",
        agents={"bot": AGENT},
        tools={"lookup": TOOL},
        tests={"greets": TEST},
    )
    _, err = cli(project, "test", "--compare", "deployed", "--against", "deployed", expect=1)
    assert "--compare deployed" in err
