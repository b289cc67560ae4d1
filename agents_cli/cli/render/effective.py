"""How ``agents render`` reads: the effective config as YAML (a comment says where it came from), or JSON."""

from __future__ import annotations

from agents_cli.cli.render.base import Renderer
from agents_cli.commands.render import Rendered
from agents_cli.context import AppContext


def _text(app: AppContext, result: Rendered) -> None:
    from agents_cli.project.loader import dump_yaml

    sources = " + ".join(result.files)
    ids = "references resolved to its ids" if result.resolved else "references by name"
    header = (
        f"# {result.kind} {result.name} in {result.environment!r}: {sources} ({ids}; placeholders as written)"
    )
    app.out.stdout.write(dump_yaml(result.config, header=header))
    app.out.stdout.flush()
    if result.unresolved:
        app.out.warn(
            f"not created in {result.environment!r} yet, so without an id: {', '.join(result.unresolved)}"
        )


RENDERED = Renderer[Rendered](_text, lambda result: result.as_dict())
