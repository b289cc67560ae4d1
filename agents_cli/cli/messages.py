"""The wording of structured errors: message and hint, or detail lines printed before them, per error class
(read by ``wording``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError, ValidationFailed

Words = tuple[str, str | None]


def _validation_problems(error: ValidationFailed, cwd: Path) -> list[str]:
    from agents_cli.cli.render.project import format_problem
    from agents_cli.project.validation import ValidationReport

    report = error.report
    if not isinstance(report, ValidationReport):
        return []
    return [format_problem(problem, cwd) for problem in report.problems if problem.severity == "error"]


# Error class → (error) -> (message, hint). A class without an entry shows its own message and hint.
WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {}
# Error class → (error, cwd) -> lines shown before the message.
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {
    ValidationFailed: _validation_problems,
}
