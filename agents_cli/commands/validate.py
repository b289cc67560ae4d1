"""``agents validate``: check the manifest and every config offline; report all problems at once."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from agents_cli.context import AppContext
from agents_cli.errors import ValidationFailed
from agents_cli.project.loader import format_key_path
from agents_cli.project.manifest import find_root, refresh_editor_schemas
from agents_cli.project.validation import Problem, ValidationReport, problem_as_dict, validate_project


def _label(path: Path, cwd: Path) -> str:
    """The path as the user would type it from where they are (relative when that is shorter)."""
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) <= len(str(path)) else str(path)


def format_problem(problem: Problem, cwd: Path) -> str:
    """``agents/x.yaml:12:7: conversation_config.agent.prompt.temprature: unknown key …``"""
    parts = [f"{_label(problem.file, cwd)}:{problem.line}:{problem.column}:"]
    if problem.severity == "warning":
        parts.append("warning:")
    if problem.path:
        parts.append(f"{format_key_path(problem.path)}:")
    parts.append(problem.message)
    if problem.environment:
        parts.append(f"[env: {problem.environment}]")
    return " ".join(parts)


def summary(report: ValidationReport) -> str:
    files = len(report.files)
    file_word = "file" if files == 1 else "files"
    if not report.problems:
        return f"no problems in {files} {file_word}"
    error_word = "error" if report.errors == 1 else "errors"
    warning_word = "warning" if report.warnings == 1 else "warnings"
    return f"{report.errors} {error_word}, {report.warnings} {warning_word} in {files} {file_word}"


def print_errors(app: AppContext, report: ValidationReport) -> int:
    """Print a report's errors to stderr, as ``agents validate`` shows them; their count."""
    for problem in report.problems:
        if problem.severity == "error":
            app.out.info(format_problem(problem, app.cwd))
    return report.errors


def require_valid(app: AppContext, report: ValidationReport, env: str, *, action: str) -> None:
    """Refuse to go on when the configs of ``env`` have errors (warnings pass): an unknown key is a typo
    the API would silently drop, so running against it would test or apply something else than the file
    says. The errors go to stderr, in the same form as ``agents validate``."""
    errors = print_errors(app, report)
    if not errors:
        return
    count = f"{errors} error" + ("" if errors == 1 else "s")
    raise ValidationFailed(
        f"{count} in the configs of environment {env!r}; {action}",
        hint=f"fix them ('agents validate --env {env}' lists them), then run again",
    )


def run(app: AppContext, *, env: str | None, strict: bool, as_json: bool) -> int:
    root = find_root(app.cwd)
    report = validate_project(root, env=env, strict=strict)
    with contextlib.suppress(OSError):  # a read-only checkout still validates; editors keep old schemas
        refresh_editor_schemas(root)
    out = app.out
    if as_json:
        out.json(
            {
                "valid": report.valid,
                "errors": report.errors,
                "warnings": report.warnings,
                "files": len(report.files),
                "environments": report.environments,
                "problems": [
                    problem_as_dict(problem, _label(problem.file, app.cwd)) for problem in report.problems
                ],
                "placeholders": [
                    {
                        "file": _label(use.file, app.cwd),
                        "line": use.line,
                        "column": use.column,
                        "path": format_key_path(use.path),
                        "name": use.name,
                    }
                    for use in report.placeholders
                ],
            }
        )
    else:
        # Plain writes when nothing is coloured: hundreds of lines stay fast and rich is not imported.
        styled = out.is_tty and not out.no_color and not os.environ.get("NO_COLOR")
        for problem in report.problems:
            text = format_problem(problem, app.cwd)
            if styled:
                out.line(text, style="yellow" if problem.severity == "warning" else "red")
            else:
                out.stdout.write(text + "\n")
        out.stdout.write(summary(report) + "\n")
        out.stdout.flush()
    if not report.valid:
        raise ValidationFailed(
            "validation failed", hint="fix the errors listed above, then run 'agents validate' again"
        )
    return 0
