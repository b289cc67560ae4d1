"""Words for the errors of ``agents_cli.project`` (and the validation failures commands raise)."""

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


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {
    ValidationFailed: _validation_problems,
}
