"""The one error boundary: words for expected errors, 130 for Ctrl-C, exit 3 with a crash log for a bug —
and the log never holds a key."""

from __future__ import annotations

import io
import json
from pathlib import Path

from agents_cli.cli.boundary import run
from agents_cli.cli.output import Output
from agents_cli.context import AppContext
from agents_cli.errors import ConfigError
from agents_cli.host import Host

KEY = "sk_live_0123456789abcdef0123"


def context(tmp_path: Path, *, json_output: bool = False) -> tuple[AppContext, io.StringIO, io.StringIO]:
    stdout, stderr = io.StringIO(), io.StringIO()
    host = Host(
        environ={"ELEVENLABS_API_KEY_PROD": KEY, "XDG_STATE_HOME": str(tmp_path / "state")},
        stdin=io.StringIO(),
        stdout=stdout,
        stderr=stderr,
        home=tmp_path,
        cwd=tmp_path,
        argv=("plan", "--env", "prod"),
    )
    app = AppContext(host=host, out=Output(host=host), format="json" if json_output else "text")
    return app, stdout, stderr


def test_a_bug_exits_3_and_names_a_crash_log_without_the_key(tmp_path: Path) -> None:
    app, _, stderr = context(tmp_path)

    def buggy(app: AppContext, request: None) -> int:
        raise ZeroDivisionError(f"division by zero while using {KEY}")

    assert run(app, "plan", buggy, None) == 3
    message = stderr.getvalue()
    assert "error: internal error: ZeroDivisionError" in message and KEY not in message
    [log] = list((tmp_path / "state" / "agents-cli").glob("crash-*.log"))
    assert f"a crash log is in {log}" in message
    text = log.read_text()
    assert "agents 0.1.0 crashed" in text and "command: agents plan --env prod" in text
    assert "Traceback" in text and "ZeroDivisionError" in text and "in buggy" in text
    assert KEY not in text and "[redacted]" in text
    assert (log.stat().st_mode & 0o777) == 0o600


def test_an_expected_error_is_worded_and_with_json_also_a_document(tmp_path: Path) -> None:
    app, stdout, stderr = context(tmp_path, json_output=True)

    def refuses(app: AppContext, request: None) -> int:
        raise ConfigError("the manifest is broken", hint="fix it")

    assert run(app, "plan", refuses, None) == 1
    assert stderr.getvalue() == "error: the manifest is broken\nhint: fix it\n"
    assert json.loads(stdout.getvalue()) == {
        "error": {"message": "the manifest is broken", "hint": "fix it", "exit_code": 1}
    }
    assert not (tmp_path / "state").exists()  # no crash log for an expected error


def test_ctrl_c_exits_130_with_the_commands_hint(tmp_path: Path) -> None:
    app, _, stderr = context(tmp_path)

    def interrupted(app: AppContext, request: None) -> int:
        raise KeyboardInterrupt

    assert run(app, "sync", interrupted, None) == 130
    assert (
        "error: interrupted" in stderr.getvalue() and "run the same 'agents sync' again" in stderr.getvalue()
    )
