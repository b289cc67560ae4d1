"""``agents watch``: change detection with debounce, and a real process that re-plans / syncs on edits and
stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from agents_cli.commands.watch import changed_files, scan, wait_for_change
from tests.support.project import Cli, isolated_home

__all__ = ["isolated_home"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_scan_sees_configs_overlays_manifest_and_dotenv(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents.json").write_text("{}")
    (tmp_path / "agents" / "bot.yaml").write_text("name: a\n")
    (tmp_path / "agents" / "bot.prod.yaml").write_text("name: b\n")
    (tmp_path / "agents" / "notes.txt").write_text("ignored")
    before = scan(tmp_path)
    assert {p.name for p in before} == {"agents.json", "bot.yaml", "bot.prod.yaml"}
    (tmp_path / ".env").write_text("X=1\n")
    (tmp_path / "agents" / "bot.yaml").write_text("name: changed\n")
    assert [p.name for p in changed_files(before, scan(tmp_path))] == [".env", "bot.yaml"]


def test_changes_in_quick_succession_are_one_run(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    first, second = tmp_path / "tools" / "a.yaml", tmp_path / "tools" / "b.yaml"
    first.write_text("name: a\n")
    snapshot = scan(tmp_path)
    edits = iter([lambda: first.write_text("name: a2\n"), lambda: second.write_text("name: b\n")])

    def sleep_and_edit(seconds: float) -> None:
        time.sleep(seconds)
        edit = next(edits, None)
        if edit:
            edit()

    _, changed = wait_for_change(tmp_path, snapshot, interval=0.01, debounce=0.1, sleep=sleep_and_edit)
    assert changed == [first, second]


class Watcher:
    """``agents watch`` in a real process (Ctrl-C is a real SIGINT); output lines collected by a thread."""

    def __init__(self, project: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "agents_cli", "watch", "--interval", "0.05", "--debounce", "0.1", *args],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return
        raise AssertionError(f"{text!r} not seen; output so far:\n{''.join(self.seen)}")

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        time.sleep(0.05)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "".join(self.seen)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def project(tmp_path: Path, isolated_home: Path) -> Path:
    root = tmp_path / "proj"
    Cli(tmp_path).ok("init", str(root))
    Cli(root).ok("add", "agent", "bot", "--template", "minimal")
    return root


def test_watch_syncs_on_every_edit_survives_errors_and_stops_on_ctrl_c(project: Path) -> None:
    watcher = Watcher(project, "--sync")
    try:
        watcher.wait_for("watching")
        assert (project / "state" / "local.json").exists()  # the first run synced the new agent
        agent = project / "agents" / "bot.yaml"
        agent.write_text(agent.read_text() + "tags: [watched]\n")
        watcher.wait_for("changed: agents/bot.yaml")
        watcher.wait_for("updated agent bot")
        agent.write_text(agent.read_text() + "temprature: 1\n")  # a typo: validation fails, watching goes on
        watcher.wait_for("temprature")
        watcher.wait_for("watching")
        code, output = watcher.interrupt()
    finally:
        watcher.kill()
    assert code == 0, output
    assert "stopped watching" in output and "Traceback" not in output


def test_watch_plans_without_applying(project: Path) -> None:
    watcher = Watcher(project)
    try:
        watcher.wait_for("watching")
        (project / "agents" / "bot.yaml").write_text("name: Bot\nconversation_config: {}\n")
        watcher.wait_for("changed: agents/bot.yaml")
        watcher.wait_for("Plan: 1 to create")
        code, output = watcher.interrupt()
    finally:
        watcher.kill()
    assert code == 0 and "stopped watching" in output
    assert not (project / "state" / "local.json").exists()
