"""The wording of structured errors (see ``wording``): message, hint and detail lines per error class."""

from __future__ import annotations

from pathlib import Path

from agents_cli.cli.wording import details_for
from agents_cli.errors import ValidationFailed


@details_for(ValidationFailed)
def _validation_problems(error: ValidationFailed, cwd: Path) -> list[str]:
    from agents_cli.cli.render.project import format_problem
    from agents_cli.project.validation import ValidationReport

    report = error.report
    if not isinstance(report, ValidationReport):
        return []
    return [format_problem(problem, cwd) for problem in report.problems if problem.severity == "error"]
