"""Files a config names as content (a knowledge-base document's ``file`` or ``text_file``): paths relative
to the project root, never outside it, read whole. The loader's IO for them, and the size check."""

from __future__ import annotations

from pathlib import Path

from agents_cli.kinds.base import SourceFile
from agents_cli.project.errors import SourceUnreadable
from agents_cli.project.manifest import path_problem


def source_path(root: Path, relative: str) -> Path:
    """The file ``relative`` names in the project, or SourceUnreadable saying why it may not be opened."""
    problem = path_problem(root, Path(relative))
    if problem is not None:
        raise SourceUnreadable(relative, problem)
    return root / relative


def source_problems(root: Path, source: SourceFile) -> list[str]:
    """What is wrong with a content file a config names, found offline (validation)."""
    problem = path_problem(root, Path(source.path))
    if problem is not None:
        return [problem]
    path = root / source.path
    if not path.is_file():
        return [f"file not found: {source.path} (paths are relative to agents.json)"]
    problems = []
    if source.suffixes and path.suffix.lower() not in source.suffixes:
        problems.append(f"{source.path}: unsupported file type (use {', '.join(source.suffixes)})")
    size = path.stat().st_size
    if size > source.max_bytes:
        limit = source.max_bytes // (1024 * 1024)
        problems.append(
            f"{source.path} is {size / (1024 * 1024):.1f} MiB, over the API's limit of {limit} MiB"
        )
    return problems


def read_source(root: Path, relative: str) -> bytes:
    path = source_path(root, relative)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceUnreadable(relative, "file not found") from None
    except (OSError, ValueError) as exc:
        raise SourceUnreadable(relative, f"cannot read file: {exc}") from None
