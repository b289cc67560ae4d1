"""``agents templates list|show``: the built-in config templates."""

from __future__ import annotations

from agents_cli.context import AppContext
from agents_cli.project.templates import get_template, list_templates


def run(app: AppContext, *, action: str, kind: str | None, name: str | None, as_json: bool) -> int:
    chosen = kind
    out = app.out
    if action == "list":
        templates = list_templates(chosen)
        if as_json:
            out.json([{"kind": t.kind, "name": t.name, "description": t.description} for t in templates])
        else:
            width = max((len(t.name) for t in templates), default=0)
            for template in templates:
                out.stdout.write(f"{template.kind:<6} {template.name:<{width}}  {template.description}\n")
            out.stdout.flush()
        return 0
    template = get_template(name or "", chosen)
    if as_json:
        out.json(
            {
                "kind": template.kind,
                "name": template.name,
                "description": template.description,
                "content": template.data(),
            }
        )
    else:
        out.stdout.write(template.text())
        out.stdout.flush()
    return 0
