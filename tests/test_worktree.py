"""The default version description: the commit subject and short hash, '(uncommitted changes)' when a file
outside state/ and .agents/ differs, and what it says outside a repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from agents_cli.worktree import NOT_A_REPOSITORY, describe_worktree, version_description


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def test_a_clean_tree_is_described_by_its_commit_and_a_dirty_one_says_so(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "agents.json").write_text("{}\n", encoding="utf-8")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first config")
    short = _git(tmp_path, "rev-parse", "--short", "HEAD")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "prod.json").write_text("{}\n", encoding="utf-8")  # every sync writes it
    (tmp_path / ".agents").mkdir()
    (tmp_path / ".agents" / "validated.json").write_text("{}\n", encoding="utf-8")
    assert describe_worktree(tmp_path) == f"first config ({short})"
    (tmp_path / "agents.json").write_text('{"version": 1}\n', encoding="utf-8")
    assert describe_worktree(tmp_path) == f"first config ({short}) (uncommitted changes)"
    assert version_description(tmp_path, "hotfix for the outage") == "hotfix for the outage"


def test_outside_a_repository_the_description_says_so(tmp_path: Path) -> None:
    assert describe_worktree(tmp_path) == NOT_A_REPOSITORY
