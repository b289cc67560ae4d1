"""What the project's git working tree says about itself: the default description of the versions a sync
makes (``subject (abc1234)``), read with the ``git`` command. IO lives here, not in the engine.

The tree counts as clean when no file outside ``state/`` (which every sync rewrites) and ``.agents/`` (our
cache) differs from the commit: ``(uncommitted changes)`` is appended otherwise. Outside a repository (or
without git) the description says so rather than failing a sync.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from agents_cli.project.state import STATE_DIR

CACHE_DIR = ".agents"
UNCOMMITTED = "(uncommitted changes)"
NOT_A_REPOSITORY = "(not a git repository)"
MAX_DESCRIPTION = 4096  # what the API takes (a branch's description)


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def describe_worktree(root: Path) -> str:
    """``<commit subject> (<short hash>)``, then `` (uncommitted changes)`` when the tree is not clean."""
    head = _git(root, "log", "-1", "--format=%h%x00%s")
    if head is None or "\x00" not in head:
        return NOT_A_REPOSITORY
    short, subject = head.split("\x00", 1)
    changed = _git(
        root, "status", "--porcelain", "--", ".", f":(exclude){STATE_DIR}", f":(exclude){CACHE_DIR}"
    )
    described = f"{subject} ({short})"
    if changed is None or changed:
        described = f"{described} {UNCOMMITTED}"
    return described[:MAX_DESCRIPTION]


def version_description(root: Path, message: str | None) -> str:
    """``--message`` when given, else the working tree's description."""
    return message[:MAX_DESCRIPTION] if message else describe_worktree(root)
