"""What validation finds: each problem (file, line, column, key path, message, severity) and the report of a
whole project (``project.validation`` collects them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agents_cli.keypath import KeyPath

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: Path  # absolute
    line: int
    column: int
    path: KeyPath  # key path inside ``file`` (empty for file-level problems)
    message: str
    severity: Severity = "error"
    environment: str | None = None  # set when the problem only occurs under some environments


@dataclass(frozen=True)
class PlaceholderUse:
    file: Path
    line: int
    column: int
    path: KeyPath
    name: str


@dataclass
class ValidationReport:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)
    placeholders: list[PlaceholderUse] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.errors == 0
