"""Renderers of the offline commands' results: templates, validate."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from agents_cli.cli.render.base import Renderer
from agents_cli.commands.templates import TemplateList, TemplateShown
from agents_cli.commands.validate import ValidationResult
from agents_cli.context import AppContext
from agents_cli.project.loader import format_key_path
from agents_cli.project.validation import Problem, ValidationReport


def _template_list_text(app: AppContext, result: TemplateList) -> None:
    kinds = max((len(t.kind) for t in result.templates), default=0)
    width = max((len(t.name) for t in result.templates), default=0)
    for template in result.templates:
        line = f"{template.kind:<{kinds}} {template.name:<{width}}  {template.description}\n"
        app.out.stdout.write(line)
    app.out.stdout.flush()


def _template_list_json(result: TemplateList) -> Any:
    return [{"kind": t.kind, "name": t.name, "description": t.description} for t in result.templates]


def _template_text(app: AppContext, result: TemplateShown) -> None:
    app.out.stdout.write(result.template.text())
    app.out.stdout.flush()


def _template_json(result: TemplateShown) -> Any:
    template = result.template
    return {
        "kind": template.kind,
        "name": template.name,
        "description": template.description,
        "content": template.data(),
    }


TEMPLATE_LIST = Renderer(_template_list_text, _template_list_json)
TEMPLATE_SHOWN = Renderer(_template_text, _template_json)


# -- validate -----------------------------------------------------------------------------------------------
def problem_as_dict(problem: Problem, file_label: str) -> dict[str, Any]:
    return {
        "file": file_label,
        "line": problem.line,
        "column": problem.column,
        "path": format_key_path(problem.path) if problem.path else "",
        "message": problem.message,
        "severity": problem.severity,
        "environment": problem.environment,
    }


def label(path: Path, cwd: Path) -> str:
    """The path as the user would type it from where they are (relative when that is shorter)."""
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) <= len(str(path)) else str(path)


def format_problem(problem: Problem, cwd: Path) -> str:
    """``agents/x.yaml:12:7: conversation_config.agent.prompt.temprature: unknown key …``"""
    parts = [f"{label(problem.file, cwd)}:{problem.line}:{problem.column}:"]
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


def _validation_text(app: AppContext, result: ValidationResult) -> None:
    out, report = app.out, result.report
    # Plain writes when nothing is coloured: hundreds of lines stay fast and rich is not imported.
    for problem in report.problems:
        text = format_problem(problem, result.cwd)
        if out.styled:
            out.line(text, style="yellow" if problem.severity == "warning" else "red")
        else:
            out.stdout.write(text + "\n")
    out.stdout.write(summary(report) + "\n")
    out.stdout.flush()


def _validation_json(result: ValidationResult) -> Any:
    report, cwd = result.report, result.cwd
    return {
        "valid": report.valid,
        "errors": report.errors,
        "warnings": report.warnings,
        "files": len(report.files),
        "environments": report.environments,
        "problems": [problem_as_dict(problem, label(problem.file, cwd)) for problem in report.problems],
        "placeholders": [
            {
                "file": label(use.file, cwd),
                "line": use.line,
                "column": use.column,
                "path": format_key_path(use.path),
                "name": use.name,
            }
            for use in report.placeholders
        ],
    }


VALIDATION = Renderer(_validation_text, _validation_json)
