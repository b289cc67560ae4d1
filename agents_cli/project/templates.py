"""The built-in config templates (``templates/<kind folder>/<name>.yaml``) and their one-line descriptions.

Each template starts with a ``# description: …`` comment, which ``agents templates list`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents_cli.bundled import templates_dir
from agents_cli.kinds import REGISTRY
from agents_cli.project.errors import NameAmbiguous, TemplateUnknown
from agents_cli.project.loader import load_file

_DESCRIPTION_PREFIX = "# description:"


@dataclass(frozen=True)
class Template:
    kind: str  # a kind name of the registry
    name: str
    path: Path
    description: str

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def data(self) -> Any:
        """The template's content as plain data (a fresh copy on every call)."""
        return load_file(self.path).data


def _description(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(_DESCRIPTION_PREFIX):
                return line[len(_DESCRIPTION_PREFIX) :].strip()
            if not line.startswith("#"):
                break
    return ""


def list_templates(kind: str | None = None) -> list[Template]:
    """Templates of ``kind`` (all kinds when None, in listing order), by name."""
    kinds = [each.name for each in REGISTRY.listed()] if kind is None else [kind]
    found: list[Template] = []
    for each in kinds:
        folder = templates_dir() / REGISTRY[each].folder
        for path in sorted(folder.glob("*.yaml")):
            found.append(Template(kind=each, name=path.stem, path=path, description=_description(path)))
    return found


def get_template(name: str, kind: str | None = None) -> Template:
    """The template called ``name`` (of ``kind`` when given). Unknown or ambiguous names raise UsageError."""
    candidates = list_templates(kind)
    matches = [template for template in candidates if template.name == name]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NameAmbiguous(name, [template.kind for template in matches], template=True)
    raise TemplateUnknown(name, kind, sorted({template.name for template in candidates}))


__all__ = ["Template", "get_template", "list_templates"]
