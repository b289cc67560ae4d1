"""Durable state during an apply: each remote operation's result on disk before the next one that depends
on it, at the cost of one journal append per burst of operations, and the whole file written once at the end.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents_cli.project.state import State, append_journal, write_state_text


class StateWriter:
    """Saves one environment's ``State`` for an ``Applier``: grouped journal appends, a final compaction."""

    def __init__(self, state: State, root: Path) -> None:
        self.state = state
        self.root = root
        self._lock = asyncio.Lock()
        self._changes = 0  # state changes so far (each followed by a save)
        self._written = 0  # changes covered by what is on disk
        self._journaled = False  # the journal holds changes the state file does not

    async def save(self) -> None:
        """Make the state as it is now durable before returning: the entries changed since the last save
        are appended to the state journal (``project.state``), fsynced in a thread so requests go on.
        Writes are serialised by a lock (the journal only moves forward) and grouped: a save that finds
        its change already written returns at once, so eight operations finishing together cost one or
        two appends, not eight. ``compact`` writes the whole file once the run is over."""
        self._changes += 1
        wanted = self._changes
        async with self._lock:
            if self._written >= wanted:
                return
            covered = self._changes
            lines = self.state.take_changes()
            if lines:
                await asyncio.to_thread(append_journal, self.root, self.state.environment, lines)
                self._journaled = True
            self._written = covered

    async def compact(self) -> None:
        """The whole state file written once (sorted, indented: it is committed), replacing the journal."""
        async with self._lock:
            if not self._journaled:
                return
            self.state.take_changes()
            text = self.state.to_json()
            await asyncio.to_thread(write_state_text, self.root, self.state.environment, text)
            self._journaled = False
