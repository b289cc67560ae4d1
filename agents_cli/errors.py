"""The one exception hierarchy and the exit codes. ``cli.boundary`` maps errors to exit codes and words.

Core code raises *structured* errors: a class per kind of failure, carrying fields (``NotDeployed(agent,
environment)``), no sentences. The CLI words them: ``cli/messages/`` holds the message and hint of every
structured class, installed with ``use_wording`` when the CLI starts, so ``error.message`` and ``error.hint``
read the CLI's words wherever they are used (outcomes, logs, tests). Without the CLI (a library caller), a
structured error reads as its class and fields. The commands layer may still raise an error with a message and
a hint of its own (``AgentsError("…", hint="…")``).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    CHANGES_PRESENT = 2  # only with --detailed-exitcode
    BUG = 3
    INTERRUPTED = 130


Words = tuple[str, "str | None"]
_wording: Callable[[AgentsError], Words] | None = None


def use_wording(wording: Callable[[AgentsError], Words] | None) -> None:
    """Install the function that words structured errors (the CLI's ``wording.words``)."""
    global _wording
    _wording = wording


class AgentsError(Exception):
    """An expected failure: bad input, bad config, remote refusal. Never shown with a traceback."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str | None = None, *, hint: str | None = None, **fields: Any) -> None:
        super().__init__(message or "")
        self._message = message
        self._hint = hint
        self.fields = fields

    def given(self) -> tuple[str | None, str | None]:
        """The message and hint the raiser wrote (None for a structured error, which has fields instead)."""
        return self._message, self._hint

    def _worded(self) -> Words:
        if self._message is not None:
            return self._message, self._hint
        if _wording is not None:
            return _wording(self)
        shown = ", ".join(f"{name}={value!r}" for name, value in self.fields.items())
        return f"{type(self).__name__}({shown})", None

    @property
    def message(self) -> str:
        return self._worded()[0]

    @property
    def hint(self) -> str | None:
        return self._worded()[1]

    def __str__(self) -> str:
        return self.message


class UsageError(AgentsError):
    """Wrong flags or arguments (beyond what typer already checks)."""


class ConfigError(AgentsError):
    """The manifest or a config file cannot be read or used."""


class ValidationFailed(AgentsError):
    """Validation found errors (``report``: the problems, which the CLI lists before the message)."""

    def __init__(self, message: str, *, hint: str | None = None, report: object = None) -> None:
        super().__init__(message, hint=hint)
        self.report = report


class UnknownEnvironment(ConfigError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name=name, known=known)
        self.name, self.known = name, known


class ProjectNotFound(ConfigError):
    def __init__(self, start: str) -> None:
        super().__init__(start=start)
        self.start = start


class CredentialsMissing(AgentsError):
    """No API key for an environment."""


class RemoteError(AgentsError):
    """The API answered with an error, or could not be reached."""

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        hint: str | None = None,
        body: object = None,
        **fields: Any,
    ) -> None:
        super().__init__(message, hint=hint, **fields)
        self.status = status
        self.body = body


class ConfirmationRequired(AgentsError):
    """A destructive action needs confirmation and there is no terminal to ask on."""

    def __init__(self, action: str) -> None:
        super().__init__(action=action)
        self.action = action


class Aborted(AgentsError):
    """The user declined a confirmation."""


class PlanOutdated(AgentsError):
    """A saved plan whose configs, state or remote moved since it was made: applying it would do something
    else than what was reviewed."""

    def __init__(self, plan_file: str, moved: list[str]) -> None:
        super().__init__(plan_file=plan_file, moved=moved)
        self.plan_file = plan_file
        self.moved = moved
