"""``agents render NAME [--env ENV] [--kind K] [--resolve]``: the effective config of one resource in one
environment, as plan sees it before normalising — the base file with the environment's overlay deep-merged
(like ``helm template`` or ``dbt compile``). References stay ``@tool:…`` unless ``--resolve`` replaces them
with the environment's remote ids (from its state); ``${VAR}`` placeholders are never resolved, so the output
holds no secret. Offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.project.configs import load_resource
from agents_cli.project.references import resolve_references

NOT_CREATED = "(not created in {env})"


@dataclass(frozen=True)
class RenderRequest:
    name: str
    env: str | None = None
    kind: str | None = None
    resolve: bool = False  # references → the environment's remote ids


@dataclass(frozen=True)
class Rendered:
    kind: str
    name: str
    environment: str
    files: list[str]  # the base file, then the overlay (if the environment has one)
    config: dict[str, Any]
    resolved: bool
    unresolved: list[str] = field(default_factory=list)  # references with no id in this environment

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "environment": self.environment,
            "files": self.files,
            "resolved": self.resolved,
            "unresolved": self.unresolved,
            "config": self.config,
        }


def render(app: AppContext, request: RenderRequest) -> Rendered:
    from agents_cli.project.state import load_state

    project = shared.load(app)
    environment = project.environment(request.env)
    resource = project.find(request.name, request.kind)
    loaded = load_resource(project, resource, environment.name)
    config = loaded.data
    unresolved: list[str] = []
    if request.resolve:
        state = load_state(project.root, environment.name, ids_only=True)

        def remote_id(kind: str, name: str) -> str:
            entry = state.get(kind, name)
            if entry is None:
                unresolved.append(f"@{kind}:{name}")
                return NOT_CREATED.format(env=environment.name)
            return entry.id

        config = resolve_references(config, remote_id)
    files = [path.as_posix() for path in resource.files_for(environment.name)]
    return Rendered(
        resource.kind, resource.name, environment.name, files, config, request.resolve, unresolved
    )
