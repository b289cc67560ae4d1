"""Shell-completion values for options and arguments: environment, resource and template names.

Runs on every <TAB>, so it reads ``agents.json`` with the json module only (no yaml, no schemas) and never
raises: a missing or broken manifest completes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer


def _manifest(ctx: typer.Context) -> dict[str, Any]:
    from agents_cli.host import Host
    from agents_cli.project.manifest import MANIFEST_NAME  # imported on <TAB>, not by every `agents` start

    chdir = ctx.find_root().params.get("chdir")
    start = Path(chdir) if chdir else Host.from_process().cwd
    for folder in (start, *start.resolve().parents):
        path = folder / MANIFEST_NAME
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _matching(names: list[str], incomplete: str) -> list[str]:
    return sorted(name for name in set(names) if name.startswith(incomplete))


def _section(manifest: dict[str, Any], section: str) -> list[str]:
    entries = manifest.get(section)
    return [str(name) for name in entries] if isinstance(entries, dict) else []


def environments(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_section(_manifest(ctx), "environments"), incomplete)


def resources(ctx: typer.Context, incomplete: str) -> list[str]:
    from agents_cli.kinds import REGISTRY

    manifest = _manifest(ctx)
    names = [name for section in REGISTRY.sections for name in _section(manifest, section)]
    return _matching(names, incomplete)


def agents(ctx: typer.Context, incomplete: str) -> list[str]:
    from agents_cli.kinds import AGENT

    return _matching(_section(_manifest(ctx), AGENT.section), incomplete)


def tests_and_scenarios(ctx: typer.Context, incomplete: str) -> list[str]:
    from agents_cli.kinds import TEST
    from agents_cli.testing.scenarios import MANIFEST_SECTION as SCENARIOS

    manifest = _manifest(ctx)
    return _matching(_section(manifest, TEST.section) + _section(manifest, SCENARIOS), incomplete)


def templates(ctx: typer.Context, incomplete: str) -> list[str]:
    from agents_cli.bundled import templates_dir
    from agents_cli.kinds import REGISTRY

    kind = ctx.params.get("kind")
    if kind is None and ctx.args and ctx.args[0] in REGISTRY:
        kind = ctx.args[0]  # `add KIND NAME --template <TAB>`: arguments are not parsed while completing
    kinds = [REGISTRY[str(kind)]] if kind in REGISTRY else list(REGISTRY)
    names = [path.stem for each in kinds for path in (templates_dir() / each.folder).glob("*.yaml")]
    return _matching(names, incomplete)
