"""Shell completion (``agents_cli/cli/completion.py``): the bash script, command and option names, and the
environment, resource and template names read from the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.cli import invoke, run_cli
from tests.support.samples import offline_project


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    return offline_project(tmp_path / "proj")


def test_bash_completion_script_and_completions(project: Path) -> None:
    script = invoke(["--show-completion", "bash"])
    assert script.exit_code == 0
    assert "_AGENTS_COMPLETE=complete_bash" in script.stdout
    assert "complete -o default -F _agents_completion agents" in script.stdout
    completions = invoke(
        [], env={"_AGENTS_COMPLETE": "complete_bash", "COMP_WORDS": "agents au", "COMP_CWORD": "1"}
    )
    assert completions.stdout.split() == ["auth"]
    options = invoke(
        [],
        env={"_AGENTS_COMPLETE": "complete_bash", "COMP_WORDS": "agents delete x --ke", "COMP_CWORD": "3"},
    )
    assert options.stdout.split() == ["--keep-local"]


def _complete(cwd: Path, words: str) -> list[str]:
    index = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"_AGENTS_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}
    old = Path.cwd()
    os.chdir(cwd)  # completion reads agents.json from the shell's folder
    try:
        result = invoke([], env=env)
    finally:
        os.chdir(old)
    return result.stdout.split()


def test_completion_offers_environment_resource_and_template_names(tmp_path: Path) -> None:
    run_cli(["init", "."], cwd=tmp_path)
    run_cli(["add", "agent", "Support Bot", "--template", "minimal"], cwd=tmp_path)
    run_cli(["add", "tool", "Lookup", "--template", "webhook"], cwd=tmp_path)
    assert _complete(tmp_path, "agents plan --env ") == ["dev", "local", "prod"]
    assert _complete(tmp_path, "agents plan --env p") == ["prod"]
    assert _complete(tmp_path, "agents sync --only ") == ["lookup", "support-bot"]
    assert _complete(tmp_path, "agents widget ") == ["support-bot"]
    assert _complete(tmp_path, "agents add agent x --template cu") == ["customer-service"]
    assert _complete(tmp_path, "agents add tool x --template ") == ["client", "webhook"]
    assert _complete(tmp_path / "agents", "agents delete l") == ["lookup"]  # found from a subfolder
    assert _complete(tmp_path.parent, "agents plan --env ") == []  # no project: nothing, no error
