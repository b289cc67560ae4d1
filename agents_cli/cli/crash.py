"""Crash logs: an unexpected exception (exit 3) is written down with what a bug report needs — version,
platform, the command, the traceback — and nothing secret: every value of an environment variable whose
name says it is a key, token, secret or password is replaced in the log, and so is every value a ${VAR}
placeholder resolved to in this run (a secret's value, whatever its variable is called), and anything
that looks like an ElevenLabs key."""

from __future__ import annotations

import platform
import re
import sys
import traceback
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from agents_cli import __version__

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.IGNORECASE)
# ElevenLabs keys (sk_…) and the xi-api-key header, wherever they appear in a message or a local.
KEY_LIKE = re.compile(r"\b(sk_[A-Za-z0-9]{8,}|xi-api-key['\"]?\s*[:=]\s*['\"]?[^\s'\",}]+)")
REDACTED = "[redacted]"


def redact(text: str, environ: Mapping[str, str]) -> str:
    from agents_cli.project.references import RESOLVED_VALUES

    named = {value for name, value in environ.items() if SECRET_NAME.search(name)}
    secrets = sorted((value for value in named | RESOLVED_VALUES if len(value) >= 4), key=len, reverse=True)
    for value in secrets:
        text = text.replace(value, REDACTED)
    return KEY_LIKE.sub(REDACTED, text)


def crash_report(error: BaseException, argv: Sequence[str], environ: Mapping[str, str]) -> str:
    lines = [
        f"agents {__version__} crashed at {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"python {sys.version.split()[0]} on {platform.platform()}",
        f"command: agents {' '.join(argv)}",
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines) + "\n", environ)


def write_crash_log(
    folder: Path, error: BaseException, argv: Sequence[str], environ: Mapping[str, str]
) -> Path | None:
    """Write the report under ``folder``; its path, or None when it cannot be written (a read-only home
    must not turn a bug report into a second error)."""
    from agents_cli.project.loader import write_atomic

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"crash-{stamp}-{id(error):x}.log"
    try:
        write_atomic(path, crash_report(error, argv, environ), mode=0o600)
    except OSError:
        return None
    return path
