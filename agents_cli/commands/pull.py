"""``agents pull``: import remote agents, tools and tests into config files, the manifest and state.

Default: import what the project does not have yet; ``--update``: refresh what it tracks in this environment;
``--all``: both. Files are minimal (``pull.files``) and round-trip: pull → plan shows no changes. A file
whose local edits were never synced is not overwritten without ``--force``; nothing is written if any file is
refused. YAML updates keep comments and key order (``project.yaml_roundtrip``). Pulling a resource into a
second environment writes an overlay holding only the differences.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.errors import Aborted, AgentsError, ConfigError, UsageError
from agents_cli.project.manifest import Project, load_project
from agents_cli.pull.importer import pull_context, read_remote, selection_inputs, write_results
from agents_cli.pull.resources import DEFAULTS_ONLY, Written, for_resource
from agents_cli.pull.selection import Candidate
from agents_cli.remote.client import ApiClient

MODES = ("new", "update", "all")


@dataclass(frozen=True)
class PullRequest:
    env: str | None = None
    mode: str = "new"  # new: what the project lacks; update: what it tracks here; all: both
    only: tuple[str, ...] = ()
    file_format: str = "yaml"  # of new files
    force: bool = False  # overwrite files with local changes that were never synced
    dry_run: bool = False
    yes: bool = False
    base_url: str | None = None
    concurrency: int | None = None
    version: str | None = None  # an older version of one agent, written as files (state untouched)
    all_branches: bool = False  # first add an environment for each agent branch without one


@dataclass(frozen=True)
class PullListing:
    """Per resource what pull does (shown before anything is written or asked)."""

    outcomes: list[Written]
    environment: str


@dataclass(frozen=True)
class Pulled:
    environment: str
    dry_run: bool
    mode: str
    outcomes: list[Written]
    network_seconds: float
    tracked: int  # resources the environment's state already tracks
    error: AgentsError | None = None

    @property
    def exit_code(self) -> int:
        return 0

    @property
    def changing(self) -> list[Written]:
        return [item for item in self.outcomes if item.text is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "dry_run": self.dry_run,
            "resources": [item.as_dict() for item in self.outcomes],
            "network_seconds": round(self.network_seconds, 3),
        }


def _refusal(refused: list[Written]) -> ConfigError:
    files = ", ".join(item.file.as_posix() for item in refused if item.file)
    return ConfigError(
        f"pull refused to overwrite {files}; nothing was written",
        hint="sync or revert the local edits first, or pass --force to take the remote version",
    )


def same_name_warnings(candidates: list[Candidate]) -> list[str]:
    """Remote resources of a kind found by its API name (tools, tests) that share one: pulled under two local
    names, but plan refuses such a pair, so say which remote ids to rename or delete."""
    from agents_cli.kinds import REGISTRY

    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        if REGISTRY[candidate.kind].found_by == "name" and candidate.api_name:
            groups.setdefault((candidate.kind, candidate.api_name), []).append(candidate)
    warnings = []
    for (kind, api_name), group in groups.items():
        if len(group) > 1:
            listed = ", ".join(f"{c.name!r} ({c.remote_id})" for c in group)
            warnings.append(
                f"{len(group)} remote {kind}s have the name {api_name!r}: {listed}; plan refuses {kind}s "
                f"sharing a name (they are found again by it): rename or delete all but one in the "
                f"dashboard, or give each config a unique name"
            )
    return warnings


def _branches_first(app: AppContext, project: Project, request: PullRequest) -> Project:
    """``--all-branches``: an environment added for each agent branch without one, each pulled (its
    overlays), before the environment asked for is."""
    if not request.all_branches:
        return project
    from agents_cli.commands.pull_branches import add_branch_environments

    environment = project.environment(request.env)
    for name in add_branch_environments(app, project, environment, base_url=request.base_url):
        pull(app, dataclasses.replace(request, env=name, all_branches=False, mode="update"))
    return load_project(app.cwd)


def _what(client: ApiClient, inputs: dict[str, Any], request: PullRequest) -> dict[str, Any]:
    """The mode and names pulled: ``--version`` updates the one agent it is a version of."""
    if request.version is None:
        return {"mode": request.mode, "only": list(request.only) or None}
    from agents_cli.commands.pull_branches import owner_of_version

    return {
        "mode": "update",
        "only": [asyncio.run(owner_of_version(client, inputs["tracked"], request.version))],
    }


def pull(app: AppContext, request: PullRequest) -> Pulled:
    from agents_cli.remote.connect import build_client

    if request.mode not in MODES:
        raise UsageError(f"unknown pull mode {request.mode!r}")
    project = _branches_first(app, load_project(app.cwd), request)
    environment = project.environment(request.env)
    inputs = selection_inputs(project, environment.name)
    client = build_client(
        project.root, environment, base_url=request.base_url, concurrency=request.concurrency, host=app.host
    )
    select_args: dict[str, Any] = {**inputs, **_what(client, inputs, request)}
    options = {"file_format": request.file_format, "force": request.force}
    computed: dict[tuple[str, str], Written] = {}

    def on_chosen(chosen: list[Candidate]) -> Callable[[Candidate, dict[str, Any]], None]:
        ctx = pull_context(project, environment.name, chosen, options, environ=app.host.environ)

        def arrived(candidate: Candidate, document: dict[str, Any]) -> None:
            # Minimised as each answer arrives, while the other GETs are in flight.
            computed[(candidate.kind, candidate.name)] = for_resource(ctx, candidate, document)

        return arrived

    from agents_cli.commands.pull_branches import query_of

    query = query_of(environment.branch, request.version)
    candidates, documents, network_seconds = asyncio.run(
        read_remote(client, select_args, on_chosen, params=query)
    )
    outcomes = [
        computed[key]
        for key in ((c.kind, c.name) for c in candidates)
        if key in documents and computed[key].action != DEFAULTS_ONLY
    ]
    for warning in same_name_warnings(candidates):
        app.out.warn(warning)
    tracked = sum(len(names) for names in inputs["tracked"].values())
    result = Pulled(environment.name, request.dry_run, request.mode, outcomes, network_seconds, tracked)
    app.show(PullListing(outcomes, environment.name))
    refused = [item for item in outcomes if item.action == "refused"]
    if refused:
        return dataclasses.replace(result, error=_refusal(refused))
    overwrites = [item for item in result.changing if item.action != "import" and not item.new_overlay]
    if not request.dry_run and overwrites:
        names = ", ".join(item.file.as_posix() for item in overwrites if item.file)
        if not shared.confirm(app, f"Overwrite {names}?", action=f"overwriting {names}", yes=request.yes):
            raise Aborted("nothing was written")
    if not request.dry_run:
        # An older version is restored as files only: state keeps what is deployed (plan shows the way back).
        kept = [dataclasses.replace(item, state=None) for item in outcomes] if request.version else outcomes
        write_results(project, environment.name, kept)
    return result
