"""One renderer per result type: how a command's result reads as text (for people) and as JSON (one
document on stdout for machines). ``boundary.present`` picks the renderer by the result's type and the
output format, so commands never branch on ``--json``."""

from __future__ import annotations

from typing import Any

from agents_cli.cli.render.base import Renderer


def renderer_for(result: object) -> Renderer[Any]:
    from agents_cli.cli.render.catalogue import renderer_named

    for kind in type(result).__mro__:
        found = renderer_named(kind)
        if found is not None:
            return found
    raise TypeError(f"no renderer for {type(result).__name__}")
