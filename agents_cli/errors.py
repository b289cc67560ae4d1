"""The one exception hierarchy. Commands raise these; ``cli.error_boundary`` maps them to exit codes.

Every message is one line that says what went wrong; ``hint`` names the next step for the user.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    CHANGES_PRESENT = 2  # only with --detailed-exitcode
    BUG = 3
    INTERRUPTED = 130


class AgentsError(Exception):
    """An expected failure: bad input, bad config, remote refusal. Never shown with a traceback."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

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
        choices = ", ".join(known) if known else "none defined"
        super().__init__(
            f"unknown environment {name!r} (known: {choices})",
            hint="add it under 'environments' in agents.json",
        )


class ProjectNotFound(ConfigError):
    def __init__(self, start: str) -> None:
        super().__init__(
            f"no agents.json found in {start} or any parent folder",
            hint="run 'agents init' to create a project",
        )


class CredentialsMissing(AgentsError):
    """No API key for an environment."""


class RemoteError(AgentsError):
    """The API answered with an error, or could not be reached."""

    def __init__(
        self, message: str, *, status: int | None = None, hint: str | None = None, body: object = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.body = body


class ConfirmationRequired(AgentsError):
    """A destructive action needs confirmation and there is no terminal to ask on."""

    def __init__(self, action: str) -> None:
        super().__init__(f"{action} needs confirmation and stdin is not a terminal", hint="use --yes")


class Aborted(AgentsError):
    """The user declined a confirmation."""


class PlanOutdated(AgentsError):
    """A saved plan whose configs, state or remote moved since it was made: applying it would do something
    else than what was reviewed."""

    def __init__(self, plan_file: str, moved: list[str]) -> None:
        shown = "; ".join(moved[:10]) + (f"; and {len(moved) - 10} more" if len(moved) > 10 else "")
        super().__init__(
            f"{plan_file} is out of date, nothing was applied: {shown}",
            hint=f"make the plan again ('agents plan --out {plan_file}'), review it, then apply that one",
        )
        self.plan_file = plan_file
        self.moved = moved
