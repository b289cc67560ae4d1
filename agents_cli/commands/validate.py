"""``agents validate``: check the manifest and every config offline; report all problems at once."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from agents_cli.context import AppContext
from agents_cli.errors import ValidationFailed
from agents_cli.project.editor_schemas import refresh_editor_schemas
from agents_cli.project.manifest import find_root
from agents_cli.project.validation import LiteralSecrets, ValidationReport, validate_project


@dataclass(frozen=True)
class ValidateRequest:
    env: str | None = None
    strict: bool = False  # catalog warnings (unknown LLM ids…) are errors
    allow_literal: bool = False  # a secret written out instead of a ${VAR} placeholder passes


@dataclass(frozen=True)
class ValidationResult:
    report: ValidationReport
    cwd: Path  # paths are shown relative to it

    @property
    def exit_code(self) -> int:
        return 0

    @property
    def error(self) -> ValidationFailed | None:
        if self.report.valid:
            return None
        return ValidationFailed(
            "validation failed", hint="fix the errors listed above, then run 'agents validate' again"
        )


def validate(app: AppContext, request: ValidateRequest) -> ValidationResult:
    root = find_root(app.cwd)
    literals: LiteralSecrets = "allow" if request.allow_literal else "error"
    report = validate_project(root, env=request.env, strict=request.strict, literals=literals)
    with contextlib.suppress(OSError):  # a read-only checkout still validates; editors keep old schemas
        refresh_editor_schemas(root)
    return ValidationResult(report, app.cwd)


def require_valid(report: ValidationReport, env: str, *, action: str) -> None:
    """Refuse to go on when the configs of ``env`` have errors (warnings pass): an unknown key is a typo
    the API would silently drop, so running against it would test or apply something else than the file
    says. The error carries the report: the CLI lists its errors as ``agents validate`` does."""
    if not report.errors:
        return
    count = f"{report.errors} error" + ("" if report.errors == 1 else "s")
    raise ValidationFailed(
        f"{count} in the configs of environment {env!r}; {action}",
        hint=f"fix them ('agents validate --env {env}' lists them), then run again",
        report=report,
    )
