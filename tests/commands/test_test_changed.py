"""agents test --changed: agents whose config, tests or referenced tools are as they were when they last
passed are not run (.agents/test-cache.json); --no-cache runs them anyway."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.emulator import ServedEmulator
from tests.support.project import edit, write_project
from tests.support.samples import AGENT, OTHER_AGENT, TEST, TOOL, cli, staging_and_prod

OTHER = (
    OTHER_AGENT.replace("Hi there.", "Hello!")
    + "platform_settings:\n  testing:\n    attached_tests:\n      - test_id: '@test:greets'\n"
)


def _project(root: Path, url: str) -> Path:
    return write_project(
        root,
        environments=staging_and_prod(url),
        default_environment="staging",
        agents={"bot": AGENT, "other": OTHER},
        tools={"lookup": TOOL},
        tests={"greets": TEST},
    )


def test_unchanged_runs_nothing_and_a_changed_tool_selects_its_agents(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    out, _ = cli(project, "test", "--changed")  # no cache yet: everything runs
    assert "2 passed of 2 run(s)" in out
    assert (project / ".agents" / "test-cache.json").exists()

    out, err = cli(project, "test", "--changed")
    assert "0 tests run: nothing changed" in out
    document = json.loads(cli(project, "--format", "json", "test", "--changed")[0])
    assert document["unchanged"] == ["bot", "other"] and document["results"] == []
    assert "not run: bot, other" in err and "--no-cache" in err

    edit(project / "tools" / "lookup.yaml", "Look up an order by its number.", "Find an order by number.")
    out, err = cli(project, "test", "--changed")
    assert "1 passed of 1 run(s)" in out and "not run: other" in err
    assert "bot" in out

    out, _ = cli(project, "test", "--changed", "--no-cache")
    assert "2 passed of 2 run(s)" in out


def test_a_failed_agent_is_run_again(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    flaky = TEST + "dynamic_variables:\n  emulator_outcomes: fail\n"
    (project / "tests" / "greets.yaml").write_text(flaky)
    cli(project, "test", "--changed", expect=1)
    cli(project, "test", "--changed", expect=1)  # nothing recorded for a failure: it runs again
