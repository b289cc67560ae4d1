"""Which tests agents test runs: agent globs ('support-*'), --tag, test globs, and a test that names a
workflow node running at it (workflow_node_id in run-tests)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.emulator import ServedEmulator, remote
from tests.support.project import write_project
from tests.support.samples import AGENT, TEST, TOOL, cli, staging_and_prod

PLAIN = AGENT.replace("tags: [support]\n", "")
VIP = AGENT.replace("tags: [support]", "tags: [support, vip]")
NODE_TEST = "x-agents:\n  workflow_node: node_checkout\n" + TEST


def _project(root: Path, url: str) -> Path:
    return write_project(
        root,
        environments=staging_and_prod(url),
        default_environment="staging",
        agents={"support-a": AGENT, "support-b": VIP, "other": PLAIN},
        tools={"lookup": TOOL},
        tests={"greets": TEST},
    )


def _agents_run(project: Path, *args: str) -> list[str]:
    cli(project, "test", *args, "--json", "r.json")
    report = json.loads((project / "r.json").read_text())
    return sorted({result["agent"] for result in report["results"]})


def test_globs_and_tags_select_agents(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    assert _agents_run(project, "support-*") == ["support-a", "support-b"]
    assert _agents_run(project, "--tag", "vip") == ["support-b"]
    assert _agents_run(project, "--tag", "support", "--tag", "vip") == ["support-b"]
    assert _agents_run(project, "--test", "gre*") == ["other", "support-a", "support-b"]
    _, err = cli(project, "test", "nothing-*", expect=1)
    assert "nothing-*" in err


def test_a_test_naming_a_workflow_node_runs_at_it(tmp_path: Path, served_emulator: ServedEmulator) -> None:
    project = _project(tmp_path / "proj", served_emulator.url)
    (project / "tests" / "greets.yaml").write_text(NODE_TEST)
    cli(project, "test", "other", "--json", "r.json")
    invocation_id = json.loads((project / "r.json").read_text())["results"][0]["invocation_id"]
    runs = remote(served_emulator.url, "GET", f"/v1/convai/test-invocations/{invocation_id}").json()[
        "test_runs"
    ]
    assert [run["workflow_node_id"] for run in runs] == ["node_checkout"]
