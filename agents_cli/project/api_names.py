"""Offline check that no two local resources of a kind found again by its API name (tools, tests) share one
in an environment: plan refuses such a project (the name is how a resource is found after lost state), so
validate reports it first, at the second resource's name."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents_cli.keypath import KeyPath
from agents_cli.kinds import REGISTRY
from agents_cli.project.configs import LoadedConfig


@dataclass(frozen=True)
class NameClash:
    loaded: LoadedConfig  # the second resource with the name
    path: KeyPath  # where its name is written (its file's root when the name is implied)
    message: str
    environment: str | None


@dataclass
class ApiNames:
    # (kind, environment, API name) → the first local name seen with it
    first: dict[tuple[str, str | None, str], str] = field(default_factory=dict)
    clashes: list[NameClash] = field(default_factory=list)

    def add(self, loaded: LoadedConfig, environments: list[str] | None) -> None:
        kind = REGISTRY[loaded.resource.kind]
        if kind.found_by != "name":
            return
        body = kind.complete(loaded.resource.name, kind.request_shape(loaded.data))
        api_name = kind.api_name(body)
        if api_name is None:
            return
        scopes: list[str | None] = list(environments) if environments else [None]
        for env in scopes:
            key = (kind.name, env, api_name)
            other = self.first.setdefault(key, loaded.resource.name)
            if other != loaded.resource.name:
                path: KeyPath = ("name",) if "name" in loaded.data else ()
                message = (
                    f"{kind.name}s {other!r} and {loaded.resource.name!r} both have the name {api_name!r}; "
                    f"give each {kind.name} a unique name ({kind.name}s are found again by name)"
                )
                self.clashes.append(NameClash(loaded, path, message, env))
