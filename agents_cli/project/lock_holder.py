"""Who holds a state lock: the pid its holder wrote into the lock file, if that process is alive (for the
message of a refused lock; the lock itself is ``flock``, see ``project.state``)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip() or "0") or None
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def holder_pid(path: Path) -> int | None:
    """The lock holder's pid, for the message. A holder that has only just taken the lock may not have
    written its pid over the previous (dead) holder's yet: give it a moment rather than name a dead pid."""
    for _ in range(40):
        pid = _read_pid(path)
        if pid is not None and _pid_alive(pid):
            return pid
        time.sleep(0.005)
    return None
