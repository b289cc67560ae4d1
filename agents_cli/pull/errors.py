"""What can stop a pull, as structured errors (fields; ``cli/messages/pull.py`` words them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agents_cli.errors import RemoteError, UsageError


class NothingToPull(UsageError):
    """Names given to pull only that are among none of the remote resources it could pull (``candidates``)."""

    def __init__(self, unknown: Sequence[str], candidates: Iterable[str]) -> None:
        shown = sorted(candidates)
        super().__init__(unknown=list(unknown), candidates=shown)
        self.unknown, self.candidates = list(unknown), shown


class NotAnOfficialProject(UsageError):
    """``agents import official``: the folder holds none of the official CLI's registries (``expected``)."""

    def __init__(self, folder: str, expected: Sequence[str]) -> None:
        super().__init__(folder=folder, expected=list(expected))
        self.folder, self.expected = folder, list(expected)


class ImportConflict(UsageError):
    """``agents import official`` would overwrite ``files`` or re-register ``names`` (``kind name``)."""

    def __init__(self, files: Sequence[str], names: Sequence[str]) -> None:
        super().__init__(files=list(files), names=list(names))
        self.files, self.names = list(files), list(names)


class VersionNotFound(RemoteError):
    """``version`` is a version of none of the agents the environment tracks (``agents``)."""

    def __init__(self, version: str, agents: list[str]) -> None:
        super().__init__(status=404, version=version, agents=agents)
        self.version, self.agents = version, agents
