"""The one way tests run ``agents``: in-process (``run_cli``), as a real process (``run_process``), as a
process whose output is read while it runs (``CliProcess``), or on a pseudo-terminal (``on_a_terminal``).

Usage::

    result = run_cli(["validate", "--json"], cwd=tmp_path, expect=1)
    assert "temprature" in result.stdout
"""

from __future__ import annotations

import os
import pty
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner, Result

from agents_cli.cli.main import app
from agents_cli.host import Host
from tests.support import REPO_ROOT
from tests.support.waiting import EVENT_DEADLINE_S

__all__ = [
    "REPO_ROOT",
    "CliProcess",
    "agents_invocations",
    "check_invocation",
    "init_project",
    "invoke",
    "on_a_terminal",
    "run_cli",
    "run_process",
    "start_process",
]
# Where a shell line's `agents …` command ends: a redirection, a pipe, a list operator, a comment.
SHELL_BREAKS = re.compile(r"\s(?:>|\|\||\||&&|;|2>|#)")


# What an in-process run sees of the test process's variables: where home, config and state are and the
# keyring backend a fixture chose. Never an API key, base URL or timeout from the developer's shell: the
# run's variables are exactly these plus the ones the test passes.
PASSED_THROUGH = ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "PATH", "TMPDIR", "PYTHON_KEYRING_BACKEND")


def invoke(args: Sequence[str], *, env: Mapping[str, str] | None = None, input: str | None = None) -> Result:
    """``agents ARGS…`` in-process exactly as given (no folder, no default variables), with a ``Host`` whose
    variables are ``env`` (and ``PASSED_THROUGH``) alone."""
    environ = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ} | dict(env or {})

    def host() -> Host:  # made inside the run, once the runner has put its streams in place
        return Host.from_process(environ=environ)

    return CliRunner().invoke(
        app,
        list(args),
        env=dict(env or {}),
        input=input,
        prog_name="agents",
        catch_exceptions=False,
        obj=host,
    )


def run_cli(
    args: Sequence[str],
    *,
    cwd: Path,
    expect: int = 0,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> Result:
    """Invoke ``agents --chdir CWD ARGS…`` in-process (no os.chdir, so tests stay independent); fail with
    its output when it exits other than ``expect``."""
    environment = {"NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    result = invoke(["--chdir", str(cwd), *args], env=environment, input=input)
    if result.exit_code != expect:
        raise AssertionError(
            f"`agents {' '.join(args)}` exited {result.exit_code}, expected {expect}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def init_project(root: Path) -> Path:
    """A project at ``root`` as ``agents init`` makes it: environments local, dev, prod; nothing declared."""
    run_cli(["init", str(root)], cwd=root)
    return root


def process_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's variables, the repository importable, no colour, then ``env``."""
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1", **(env or {})}


def command(args: Sequence[str], python_options: Sequence[str] = ()) -> list[str]:
    return [sys.executable, *python_options, "-m", "agents_cli", *args]


def run_process(
    args: Sequence[str],
    *,
    cwd: Path = REPO_ROOT,
    env: Mapping[str, str] | None = None,
    python_options: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess (``python [options] -m agents_cli ARGS…``), its output captured."""
    return subprocess.run(
        command(args, python_options),
        cwd=cwd,
        env=process_environment(env),
        capture_output=True,
        text=True,
        timeout=EVENT_DEADLINE_S,
        check=False,
    )


def start_process(
    args: Sequence[str], *, cwd: Path = REPO_ROOT, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """The real CLI started in a subprocess, stdout and stderr each a pipe (read them with communicate)."""
    return subprocess.Popen(
        command(args),
        cwd=cwd,
        env=process_environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class CliProcess:
    """``agents ARGS…`` in a real process (Ctrl-C is a real SIGINT); its output lines (stdout and stderr
    together) collected by a thread as they come."""

    def __init__(self, args: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command(args),
            cwd=cwd,
            env=process_environment({"PYTHONUNBUFFERED": "1", **(env or {})}),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, deadline_s: float = EVENT_DEADLINE_S) -> None:
        """Read output lines until one contains ``text``; fail only when none has after ``deadline_s``."""
        give_up = time.monotonic() + deadline_s
        while True:
            try:
                line = self.lines.get(timeout=max(give_up - time.monotonic(), 0))
            except queue.Empty:
                raise AssertionError(f"{text!r} not seen; output so far:\n{''.join(self.seen)}") from None
            self.seen.append(line)
            if text in line:
                return

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C; (exit code, all the output) once the process has ended and its output is read."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=EVENT_DEADLINE_S)
        self.reader.join(timeout=EVENT_DEADLINE_S)  # ends at the end of the output
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "".join(self.seen)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=EVENT_DEADLINE_S)


def on_a_terminal(
    args: Sequence[str], cwd: Path, *, env: Mapping[str, str] | None = None, answer: str | None = None
) -> tuple[int, str]:
    """The CLI with stdout and stderr on a pseudo-terminal; with ``answer`` stdin too, and ``answer`` is typed
    at the first ``[y/N]`` prompt. Returns (exit code, everything written). ``NO_COLOR`` is unset unless
    ``env`` sets it."""
    leader, follower = pty.openpty()
    environment = {name: value for name, value in os.environ.items() if name != "NO_COLOR"}
    environment.update({"PYTHONPATH": str(REPO_ROOT), "COLUMNS": "200", "TERM": "xterm-256color"})
    process = subprocess.Popen(
        command(args),
        cwd=cwd,
        stdin=subprocess.DEVNULL if answer is None else follower,
        stdout=follower,
        stderr=follower,
        env={**environment, **(env or {})},
    )
    os.close(follower)
    chunks: list[bytes] = []
    answered = answer is None
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO once the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
        if not answered and b"[y/N]" in b"".join(chunks):
            os.write(leader, str(answer).encode() + b"\n")
            answered = True
    os.close(leader)
    return process.wait(timeout=EVENT_DEADLINE_S), b"".join(chunks).decode("utf-8", "replace")


def _root() -> tuple[Any, Any]:
    root = typer.main.get_command(app)
    return root, root.context_class(root, info_name="agents", **root.context_settings)


def check_invocation(tokens: list[str]) -> list[str]:
    """Walk ``agents …`` tokens through the click tree; return the command path. Unknown names fail."""
    from agents_cli.cli.main import hoist_global_flags

    assert tokens[0] == "agents"
    tokens = ["agents", *hoist_global_flags(tokens[1:])]  # `agents plan --format markdown`, as main reads it
    command, ctx = _root()
    path = ["agents"]
    index = 1
    while index < len(tokens):
        token = tokens[index]
        if token.startswith("-"):
            name = token.split("=", 1)[0]
            matches = [p for p in command.get_params(ctx) if p.param_type_name == "option" and name in p.opts]
            assert matches, f"'{' '.join(path)}' has no option {name}"
            if not matches[0].is_flag and "=" not in token:
                index += 1
        elif getattr(command, "list_commands", None) is not None:
            assert token in command.list_commands(ctx), f"'{' '.join(path)}' has no command {token!r}"
            command = command.get_command(ctx, token)
            ctx = command.context_class(command, info_name=token, parent=ctx)
            path.append(token)
        index += 1
    assert getattr(command, "list_commands", None) is None, f"'{' '.join(path)}' needs a subcommand"
    return path


def agents_invocations(text: str) -> list[list[str]]:
    """The tokens of every ``agents …`` command line in ``text`` (a script, a code block, a workflow step):
    after a ``$ `` prompt, ``run:`` or leading ``VAR=value``, up to a redirection, pipe or comment."""
    found = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.strip().removeprefix("$ ").removeprefix("- run: ").removeprefix("run: ")
        line = re.sub(r"^[A-Z_]+=\S+ ", "", line)  # leading VAR=value
        if not line.startswith("agents "):
            continue
        command = SHELL_BREAKS.split(" " + line, maxsplit=1)[0].strip()
        found.append(shlex.split(command))
    return found
