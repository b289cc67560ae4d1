"""The HTML report of agents test, loaded in a real headless browser (Debian's chromium, installed by
.ci/run): the rendered DOM shows the failing test's rationale, and the file asks for nothing from the
network."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.emulator import ServedEmulator
from tests.support.project import write_project
from tests.support.samples import AGENT, TEST, TOOL, cli, staging_and_prod

FAILING = TEST.replace("The agent greets the user.", "The agent says 'refund approved'.")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (.ci/run installs it: apt-get install chromium)")
    return found


def _rendered_dom(browser: str, page: Path, profile: Path) -> str:
    """The DOM after the page's scripts ran, with every host unresolvable (the report must not need one)."""
    completed = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # tests may run as root in containers
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_the_report_renders_the_failing_rationale_in_chromium(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    browser = _chromium()
    project = write_project(
        tmp_path / "proj",
        environments=staging_and_prod(served_emulator.url),
        default_environment="staging",
        agents={"bot": AGENT},
        tools={"lookup": TOOL},
        tests={"greets": FAILING},
    )
    cli(project, "test", "--repeat", "2", "--html", "report.html", expect=1)
    page = project / "report.html"
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "the report loads something remote"
    dom = _rendered_dom(browser, page, tmp_path / "profile")
    assert 'data-rendered="yes"' in dom  # the inline script ran
    assert "refund approved" in dom and "FAILED" in dom
    assert "0/2 (0%)" in dom  # the pass rate
    assert "greets [1/2]" in dom and "user</span> Hi" in dom  # each run, with its transcript
