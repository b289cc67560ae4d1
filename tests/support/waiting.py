"""Waiting in tests: on an event where there is one, else on a condition, with a deadline that only ever
fails a test whose event never comes (it assumes nothing about how long anything takes)."""

from __future__ import annotations

import time
from collections.abc import Callable

# How long a test waits for something that must happen before it calls it a failure: far longer than
# anything takes on a loaded machine, since reaching it means "never".
EVENT_DEADLINE_S = 60.0


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float = EVENT_DEADLINE_S) -> None:
    """Return as soon as ``condition()`` holds; fail only when it has not held after ``deadline_s``.

    For conditions with no event to wait on (what another thread has recorded); where the emulator offers
    an event (``RunningEmulator.background.wait_until_idle``), wait on that.
    """
    give_up = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < give_up, f"{what} never happened"
        time.sleep(0.005)  # a re-check interval, not an assumption about how long anything takes
