"""``agents templates list|show``: the built-in config templates."""

from __future__ import annotations

from dataclasses import dataclass

from agents_cli.context import AppContext
from agents_cli.project.templates import Template, get_template, list_templates


@dataclass(frozen=True)
class ListTemplatesRequest:
    kind: str | None = None


@dataclass(frozen=True)
class ShowTemplateRequest:
    name: str
    kind: str | None = None


@dataclass(frozen=True)
class TemplateList:
    templates: list[Template]


@dataclass(frozen=True)
class TemplateShown:
    template: Template


def list_builtin(app: AppContext, request: ListTemplatesRequest) -> TemplateList:
    return TemplateList(list_templates(request.kind))


def show_builtin(app: AppContext, request: ShowTemplateRequest) -> TemplateShown:
    return TemplateShown(get_template(request.name, request.kind))
