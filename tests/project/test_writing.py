"""project.writing's StagedWrites: files written and fsynced ahead (pull, as answers arrive), visible only
once committed, each put in place atomically; discarded ones leave nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

from agents_cli.project.writing import StagedWrites


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_staged_file_is_written_ahead_and_visible_only_once_committed(tmp_path: Path) -> None:
    target = tmp_path / "bot.yaml"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    staged = StagedWrites()
    staged.stage(target, "new\n")
    staged.stage(tmp_path / "other.yaml", "other\n")  # staged, but not among what is committed
    assert target.read_text() == "old\n"
    staged.commit([(target, "new\n"), (tmp_path / "fresh" / "tool.yaml", "tool\n")])
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640  # the replaced file's mode, as write_atomic keeps it
    assert (tmp_path / "fresh" / "tool.yaml").read_text() == "tool\n"  # not staged: written at commit
    assert not (tmp_path / "other.yaml").exists()
    assert leftovers(tmp_path) == []


def test_a_changed_content_is_written_as_committed_not_as_staged(tmp_path: Path) -> None:
    target = tmp_path / "bot.yaml"
    staged = StagedWrites()
    staged.stage(target, "first\n")
    staged.stage(target, "second\n")
    staged.commit([(target, "third\n")])
    assert target.read_text() == "third\n"
    assert leftovers(tmp_path) == []


def test_discarded_writes_leave_nothing(tmp_path: Path) -> None:
    target = tmp_path / "bot.yaml"
    target.write_text("old\n")
    staged = StagedWrites()
    staged.stage(target, "new\n")
    staged.stage(tmp_path / "missing" / "tool.yaml", "tool\n")  # no folder is made before a commit
    staged.discard()
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == [] and not (tmp_path / "missing").exists()
