"""agents test --repeat N --min-pass-rate: the exit code follows each test's pass rate, which the table,
JUnit and JSON show. The emulator fails repetition i of a test whose ``emulator_outcomes`` says so
(docs/emulator-evaluation.md), so a 3-in-5 test is reproducible."""

from __future__ import annotations

import json
from pathlib import Path

from junitparser import JUnitXml

from tests.support.emulator import ServedEmulator
from tests.support.project import write_project
from tests.support.samples import AGENT, TEST, TOOL, cli, staging_and_prod

FLAKY = TEST + "dynamic_variables:\n  emulator_outcomes: pass,fail,pass,fail,pass\n"


def _project(root: Path, url: str, test: str = FLAKY) -> Path:
    return write_project(
        root,
        environments=staging_and_prod(url),
        default_environment="staging",
        agents={"bot": AGENT},
        tools={"lookup": TOOL},
        tests={"greets": test},
    )


def test_three_in_five_passes_at_0_6_and_fails_at_0_8(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    out, _ = cli(
        project, "test", "--repeat", "5", "--min-pass-rate", "0.6", "--json", "r.json", "--junit", "r.xml"
    )
    assert "3/5 (60%)" in out and "1 of 1 test(s) reached their pass rate" in out
    report = json.loads((project / "r.json").read_text())
    assert report["passed"] is True
    assert report["pass_rates"] == [
        {
            "agent": "bot",
            "name": "greets",
            "kind": "test",
            "passes": 3,
            "runs": 5,
            "pass_rate": 0.6,
            "min_pass_rate": 0.6,
            "passed": True,
        }
    ]
    suite = next(iter(JUnitXml.fromfile(str(project / "r.xml"))))
    rates = {p.name: p.value for p in suite.properties()}
    assert rates["pass_rate.greets"] == "3/5 (needs 0.6: passed)"

    out, _ = cli(project, "test", "--repeat", "5", "--min-pass-rate", "0.8", expect=1)
    assert "FAILED" in out and "0 of 1 test(s) reached their pass rate" in out


def test_a_test_file_sets_its_own_pass_rate(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = _project(tmp_path / "proj", served_emulator.url, FLAKY + "x-agents:\n  min_pass_rate: 0.6\n")
    cli(project, "test", "--repeat", "5")
    cli(project, "test", "--repeat", "5", "--min-pass-rate", "1", expect=0)  # the file's own rate wins
    (project / "tests" / "greets.yaml").write_text(FLAKY + "x-agents:\n  min_pass_rate: 2\n")
    _, err = cli(project, "test", expect=1)
    assert "x-agents.min_pass_rate" in err


def test_without_a_pass_rate_one_failed_run_fails(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    cli(project, "test", "--repeat", "2", expect=1)
    cli(project, "test", expect=0)  # the first repetition passes
