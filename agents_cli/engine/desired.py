"""What the project wants in one environment: every resource's merged config, ready to normalise.

Raw configs (base file + the environment's overlay) are loaded once; ``DesiredSet.normalise`` is called again
whenever ids change (after tools are created, agents that reference them resolve to the new ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.engine.errors import NameClash
from agents_cli.engine.normalise import (
    Desired,
    Ids,
    normalise_desired,
    remote_name,
    request_shape,
)
from agents_cli.kinds import REGISTRY
from agents_cli.project.configs import load_resource
from agents_cli.project.errors import NotDeclared
from agents_cli.project.manifest import Project
from agents_cli.project.references import referenced_resources

Key = tuple[str, str]  # (kind, local name)


@dataclass
class DesiredSet:
    environment: str
    configs: dict[Key, dict[str, Any]]
    declared: dict[str, set[str]]
    environ: Mapping[str, str] = field(default_factory=dict)
    # With --only: resources loaded only because a selected one references them (key → the referencing
    # resource's local name). The plan keeps those that do not exist remotely yet (terraform's -target).
    included: dict[Key, str] = field(default_factory=dict)
    _normalised: dict[Key, tuple[tuple[Any, ...], Desired]] = field(default_factory=dict, repr=False)
    _dependencies: dict[Key, set[Key]] = field(default_factory=dict, repr=False)

    def keys(self) -> list[Key]:
        return sorted(self.configs, key=REGISTRY.order_key)

    def normalise(self, key: Key, ids: Ids) -> Desired:
        """Memoised on the ids its references resolve to: plan and sync normalise each resource once
        unless a referenced resource got a new id in between."""
        kind, name = key
        resolved = tuple(sorted((ref, ids.get(ref[0], {}).get(ref[1])) for ref in self.dependencies(key)))
        cached = self._normalised.get(key)
        if cached is not None and cached[0] == resolved:
            return cached[1]
        desired = normalise_desired(
            kind, name, self.configs[key], ids=ids, declared=self.declared, environ=self.environ
        )
        self._normalised[key] = (resolved, desired)
        return desired

    def targets(self) -> list[Key]:
        """The resources asked for (every loaded one without --only), in dependency order."""
        return [key for key in self.keys() if key not in self.included]

    def remote_name(self, key: Key) -> str | None:
        return remote_name(key[0], request_shape(key[0], self.configs[key]))

    def dependencies(self, key: Key) -> set[Key]:
        found = self._dependencies.get(key)
        if found is None:
            found = self._dependencies[key] = {
                ref for ref in referenced_resources(self.configs[key]) if ref != key
            }
        return found


def environ_with_dotenv(root: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment (the process's by default) over the project's ``.env``: a variable always wins
    over the file."""
    from agents_cli.remote.credentials import read_dotenv

    if environ is None:
        from agents_cli.host import Host

        environ = Host.from_process().environ
    values = dict(read_dotenv(root / ".env")) if (root / ".env").is_file() else {}
    values.update(environ)
    return values


def placeholder_defaults(project: Project, env: str) -> dict[str, str]:
    """The environment's ``variables`` in agents.json: values for ``${NAME}`` when NAME is set neither in
    the process nor in .env (fake values for a local environment, so a fresh checkout runs; never secrets)."""
    environments = project.manifest.get("environments")
    spec = environments.get(env) if isinstance(environments, dict) else None
    found = spec.get("variables") if isinstance(spec, dict) else None
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def load_desired(
    project: Project, env: str, only: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> DesiredSet:
    """Load every declared resource (or those named in ``only``) merged for ``env``."""
    declared = project.declared(env)
    all_names = {name for names in declared.values() for name in names}
    unknown = sorted(set(only or []) - all_names)
    if unknown:
        raise NotDeclared("resource", unknown, sorted(all_names), option="only")
    configs: dict[Key, dict[str, Any]] = {}
    resources = {(res.kind, res.name): res for res in project.all() if res.declared_in(env)}
    for key, resource in resources.items():
        if only and resource.name not in only:
            continue
        loaded = _with_server_environment(
            project, env, resource.kind, load_resource(project, resource, env).data
        )
        configs[key] = _with_sources(project, resource.kind, loaded)
    included: dict[Key, str] = {}
    if only:
        # What the selected resources reference, transitively: read with them, so one that does not exist
        # yet is created first instead of leaving its referrer "(known after apply)" and then skipped.
        waiting = sorted(configs)
        while waiting:
            referrer = waiting.pop(0)
            for dep in sorted(referenced_resources(configs[referrer])):
                if dep in configs or dep not in resources:  # undeclared: normalisation reports it
                    continue
                loaded = load_resource(project, resources[dep], env).data
                loaded = _with_server_environment(project, env, dep[0], loaded)
                configs[dep] = _with_sources(project, dep[0], loaded)
                included[dep] = referrer[1]
                waiting.append(dep)
    desired = DesiredSet(
        environment=env,
        configs=configs,
        declared=declared,
        environ={**placeholder_defaults(project, env), **environ_with_dotenv(project.root, environ)},
        included=included,
    )
    _check_unique_remote_names(desired)
    return desired


def _with_sources(project: Project, kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The config with what the files it names say (a document's content hash)."""
    from agents_cli.project.sources import read_source

    return REGISTRY[kind].read_sources(config, lambda relative: read_source(project.root, relative))


def _with_server_environment(project: Project, env: str, kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The server environment the kind names (``ResourceKind.server_environment_field``) filled in."""
    field_name = REGISTRY[kind].server_environment_field
    if field_name is None or field_name in config or env not in project.environments:
        return config
    return {**config, field_name: project.environments[env].server_environment}


def _check_unique_remote_names(desired: DesiredSet) -> None:
    """Kinds found again by their API name (tools, tests) must not have two local resources sharing one."""
    seen: dict[tuple[str, str], str] = {}
    for key in desired.keys():  # noqa: SIM118 - DesiredSet.keys() is ordered, not a dict view
        kind, name = key
        if REGISTRY[kind].found_by != "name":
            continue
        api_name = desired.remote_name(key)
        if api_name is None:
            continue
        other = seen.get((kind, api_name))
        if other is not None:
            raise NameClash(kind, other, name, api_name)
        seen[(kind, api_name)] = name
