"""What every command receives: output, debug flag and the folder to start looking for the project in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agents_cli.cli.output import Output


@dataclass
class AppContext:
    out: Output = field(default_factory=Output)
    debug: bool = False
    cwd: Path = field(default_factory=Path.cwd)
