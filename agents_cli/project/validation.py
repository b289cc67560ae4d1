"""Offline validation of a whole project: the manifest, every config (with overlays per environment) and the
references between them. Collects every problem with its file, line and column; prints nothing.

A problem that only happens under some environments (because of an overlay) names them; one that happens
under every environment (a base file's problem) is reported once without an environment.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from agents_cli.keypath import KeyPath
from agents_cli.kinds import AGENT, REGISTRY
from agents_cli.project.api_names import ApiNames
from agents_cli.project.configs import LoadedConfig, merge_documents
from agents_cli.project.environments import deployment_issues, main_issues
from agents_cli.project.files import FileStore
from agents_cli.project.loader import Document, LoadError
from agents_cli.project.manifest import MANIFEST_NAME, Project, Resource, parse_manifest, path_problem
from agents_cli.project.problems import PlaceholderUse as PlaceholderUse
from agents_cli.project.problems import Problem as Problem
from agents_cli.project.problems import Severity as Severity
from agents_cli.project.problems import ValidationReport as ValidationReport
from agents_cli.project.references import (
    expected_kind,
    find_bare_names,
    find_malformed_references,
    find_placeholders,
    find_references,
)
from agents_cli.project.sources import source_problems

# ``@tool:<name>, @test:<name> or @agent:<name>``
REFERENCE_FORMS = ", ".join(f"@{name}:<name>" for name in REGISTRY.names[:-1]) + (
    f" or @{REGISTRY.names[-1]}:<name>"
)

LiteralSecrets = Literal["error", "warning", "allow"]


_ProblemKey = tuple[Path, int, int, KeyPath, str, Severity]


class _Collector:
    """Problems keyed by what they say and where, with the set of environments they occurred under."""

    def __init__(self) -> None:
        self.seen: dict[_ProblemKey, set[str] | None] = {}
        self.placeholders: dict[tuple[Path, KeyPath, str], PlaceholderUse] = {}

    def add(
        self,
        file: Path,
        position: tuple[int, int],
        path: KeyPath,
        message: str,
        severity: Severity = "error",
        environments: Iterable[str] | None = None,
    ) -> None:
        key = (file, position[0], position[1], path, message, severity)
        envs = None if environments is None else set(environments)
        if key in self.seen:
            previous = self.seen[key]
            self.seen[key] = None if previous is None or envs is None else previous | envs
        else:
            self.seen[key] = envs

    def add_load_error(self, error: LoadError, environments: Iterable[str] | None = None) -> None:
        self.add(error.path, (error.line, error.column), (), error.detail, "error", environments)

    def problems(self, all_environments: list[str]) -> list[Problem]:
        everywhere = set(all_environments)
        result = []
        for (file, line, column, path, message, severity), envs in self.seen.items():
            environment = None if envs is None or envs >= everywhere else ",".join(sorted(envs))
            result.append(Problem(file, line, column, path, message, severity, environment))
        return result


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Validator:
    def __init__(
        self, root: Path, strict: bool, store: FileStore, literals: LiteralSecrets = "error"
    ) -> None:
        self.root = root
        self.strict = strict
        self.literals = literals
        self.store = store
        self.collector = _Collector()
        self.files: set[Path] = set()
        self.documents: dict[Path, Document | LoadError] = {}
        self.api_names = ApiNames()
        self.path_problems: dict[Path, str | None] = {}  # each path resolved once per run

    # -- files -------------------------------------------------------------------------------------
    def load(self, path: Path) -> Document | LoadError:
        """The document (or why it cannot be read) from the run's one ``FileStore``: the engine then uses
        the same parsed documents, so nothing is read twice."""
        cached = self.documents.get(path)
        if cached is not None:
            return cached
        self.files.add(path)
        loaded = self.store.load(path)
        for duplicate in loaded.duplicates:
            self.collector.add_load_error(duplicate)
        result: Document | LoadError
        if loaded.document is not None:
            result = loaded.document
        else:
            assert loaded.error is not None
            result = loaded.error
        self.documents[path] = result
        return result

    # -- manifest ----------------------------------------------------------------------------------
    def manifest(self) -> tuple[Document, Project] | None:
        from agents_cli.spec.schema_check import check

        loaded = self.load(self.root / MANIFEST_NAME)
        if isinstance(loaded, LoadError):
            self.collector.add_load_error(loaded)
            return None
        document = loaded
        if not isinstance(document.data, dict):
            self.collector.add(document.path, (1, 1), (), "the manifest must be a JSON object")
            return None
        issues = check("manifest", document.data)
        for issue in issues:
            self.collector.add(
                document.path, document.locate(issue.path), issue.path, issue.message, issue.severity
            )
        try:
            project = parse_manifest(self.root, document.data)
        except (AttributeError, TypeError, KeyError, ValueError):
            # The schema problems above already say what is wrong; nothing more can be checked.
            if not any(issue.severity == "error" for issue in issues):
                self.collector.add(document.path, (1, 1), (), "the manifest cannot be read")
            return None
        project.manifest_document = document
        default = project.default_environment
        if default is not None and project.environments and default not in project.environments:
            where = ("default_environment",)
            self.collector.add(
                document.path,
                document.locate(where),
                where,
                f"unknown environment {default!r}{_did_you_mean(default, project.environments)}",
            )
        return document, project

    def manifest_file_checks(self, manifest: Document, project: Project) -> None:
        """Config and overlay files exist, stay in the project, are not shared; overlays name real envs."""
        owners: dict[Path, tuple[str, str]] = {}
        for resource_kind in REGISTRY:
            kind, section = resource_kind.name, resource_kind.section
            for resource in project.resources[kind].values():
                entry: KeyPath = (section, resource.name)
                if resource.inline:
                    self._overlay_environments(manifest, project, entry, resource.overlays)
                    continue
                self._check_file(manifest, (*entry, "config"), resource.config)
                if self._path_problem(resource.config) is not None:
                    continue
                target = self.root.joinpath(resource.config).resolve()
                if target in owners:
                    other_kind, other = owners[target]
                    self.collector.add(
                        manifest.path,
                        manifest.locate((*entry, "config")),
                        (*entry, "config"),
                        f"{kind} {resource.name!r} uses the same file as {other_kind} {other!r}: "
                        f"{resource.config.as_posix()}",
                    )
                else:
                    owners[target] = (kind, resource.name)
                self._overlay_environments(manifest, project, entry, resource.overlays)
                for env_name, overlay in resource.overlays.items():
                    self._check_file(manifest, (*entry, "overlays", env_name), overlay)

    def _overlay_environments(
        self, manifest: Document, project: Project, entry: KeyPath, overlays: dict[str, Path]
    ) -> None:
        for env_name in overlays:
            where = (*entry, "overlays", env_name)
            if env_name not in project.environments:
                known = ", ".join(sorted(project.environments)) or "none defined"
                self.collector.add(
                    manifest.path,
                    manifest.locate(where),
                    where,
                    f"overlay for undefined environment {env_name!r}"
                    f"{_did_you_mean(env_name, project.environments)} (known: {known})",
                )

    def scenarios(self, manifest: Document, project: Project) -> None:
        """Scenario files of ``agents test`` (base files): their schema and the agents they name."""
        scenarios = project.manifest.get("scenarios")
        if not isinstance(scenarios, dict) or not scenarios:
            return  # (the scenario checks are imported only for a project that has scenarios)
        from agents_cli.testing.scenarios import scenario_issues

        for name, entry in scenarios.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("config"), str):
                continue  # the manifest schema reports it
            self._check_file(manifest, ("scenarios", name, "config"), Path(entry["config"]))
            target = self.root / entry["config"]
            loaded = self.load(target) if self._readable(Path(entry["config"])) else None
            if isinstance(loaded, LoadError):
                self.collector.add_load_error(loaded)
            elif loaded is not None:
                for path, message in scenario_issues(loaded.data, set(project.resources[AGENT.name])):
                    self.collector.add(loaded.path, loaded.locate(path), path, message)

    def _readable(self, relative: Path) -> bool:
        """Whether the file may be opened at all (``path_problem``: reported at the manifest entry)."""
        return self._path_problem(relative) is None and (self.root / relative).is_file()

    def _path_problem(self, relative: Path) -> str | None:
        if relative not in self.path_problems:
            self.path_problems[relative] = path_problem(self.root, relative)
        return self.path_problems[relative]

    def _check_file(self, manifest: Document, where: KeyPath, relative: Path) -> None:
        target = self.root / relative
        problem = self._path_problem(relative)
        if problem is not None:
            shown = relative.as_posix().replace("\x00", "\\0")
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            self.collector.add(manifest.path, manifest.locate(where), where, f"{shown}: {problem}")
        elif not target.is_file():
            self.collector.add(
                manifest.path, manifest.locate(where), where, f"file not found: {relative.as_posix()}"
            )

    # -- configs -----------------------------------------------------------------------------------
    def resource(self, project: Project, resource: Resource, environments: list[str]) -> None:
        """Validate ``resource`` once per distinct file set: envs without an overlay share the base result."""
        if resource.inline:  # the entry in agents.json, and its overlay per environment
            from agents_cli.project.configs import inline_documents

            envs = [env for env in environments if resource.declared_in(env)]
            for env in envs if resource.overlays or resource.only_in else [None]:
                merged = merge_documents(resource, env, inline_documents(project, resource, env))
                self.config(project, merged, None if env is None else [env])
            return
        groups: dict[Path | None, list[str]] = {} if environments else {None: []}
        for env in environments:
            groups.setdefault(resource.overlays.get(env), []).append(env)
        for overlay, envs in groups.items():
            env_tag = envs or None
            files = [resource.config] if overlay is None else [resource.config, overlay]
            documents: list[Document] = []
            for relative in files:
                target = self.root / relative
                if not self._readable(relative):
                    break  # reported at the manifest entry
                loaded = self.load(target)
                if isinstance(loaded, LoadError):
                    self.collector.add_load_error(loaded, env_tag)
                    break
                documents.append(loaded)
            else:
                try:
                    merged = merge_documents(resource, envs[0] if len(envs) == 1 else None, tuple(documents))
                except LoadError as error:
                    self.collector.add_load_error(error, env_tag)
                    continue
                self.config(project, merged, env_tag)

    def config(self, project: Project, loaded: LoadedConfig, envs: list[str] | None) -> None:
        from agents_cli.spec.schema_check import check

        kind = loaded.resource.kind
        for issue in check(kind, loaded.data, strict=self.strict):
            document, line, column = loaded.locate(issue.path)
            self.collector.add(document.path, (line, column), issue.path, issue.message, issue.severity, envs)
        if self.literals != "allow":
            for path, literal in REGISTRY[kind].literal_secrets(loaded.data):
                document, line, column = loaded.locate(path)
                self.collector.add(document.path, (line, column), path, literal, self.literals, envs)
        for reference in find_references(loaded.data):
            message = self._reference_problem(project, reference.kind, reference.name, reference.path)
            if message:
                document, line, column = loaded.locate(reference.path)
                self.collector.add(document.path, (line, column), reference.path, message, "error", envs)
        for path, value in find_malformed_references(loaded.data):
            document, line, column = loaded.locate(path)
            self.collector.add(
                document.path,
                (line, column),
                path,
                f"{value!r} is not a valid reference: write {REFERENCE_FORMS} with a local name from "
                "agents.json",
                "error",
                envs,
            )
        for source in REGISTRY[kind].source_files(loaded.data):
            document, line, column = loaded.locate(source.key)
            for message in source_problems(self.root, source):
                self.collector.add(document.path, (line, column), source.key, message, "error", envs)
        self.api_names.add(loaded, envs)
        for path, ref_kind, name in find_bare_names(loaded.data, project.resources):
            document, line, column = loaded.locate(path)
            message = f"{name!r} is a local {ref_kind} name; did you mean '@{ref_kind}:{name}'?"
            self.collector.add(document.path, (line, column), path, message, "error", envs)
        for placeholder in find_placeholders(loaded.data):
            document, line, column = loaded.locate(placeholder.path)
            key = (document.path, placeholder.path, placeholder.name)
            self.collector.placeholders.setdefault(
                key, PlaceholderUse(document.path, line, column, placeholder.path, placeholder.name)
            )

    def name_clashes(self) -> None:
        for clash in self.api_names.clashes:
            document, line, column = clash.loaded.locate(clash.path)
            envs = None if clash.environment is None else [clash.environment]
            self.collector.add(document.path, (line, column), clash.path, clash.message, "error", envs)

    def _reference_problem(self, project: Project, kind: str, name: str, path: KeyPath) -> str | None:
        wanted = expected_kind(path)
        if wanted is not None and wanted != kind:
            return f"expected a @{wanted}: reference here, got @{kind}:{name}"
        known = project.resources[kind]
        if name in known:
            return None
        section = REGISTRY[kind].section
        return f"unknown {kind} {name!r}{_did_you_mean(name, known)} (not in agents.json '{section}')"


def validate_project(
    root: Path,
    *,
    env: str | None = None,
    strict: bool = False,
    store: FileStore | None = None,
    literals: LiteralSecrets = "error",
) -> ValidationReport:
    """Every problem in the project at ``root``. ``env`` limits overlays to one environment (it must
    exist: UnknownEnvironment otherwise); without it every environment's overlays are checked. ``store``:
    the run's files (a plan validates what it then loads). ``literals``: what a secret written out in a
    committed file is (``agents validate`` refuses it unless ``--allow-literal``; plan and sync warn)."""
    from agents_cli.project import parse_cache, validation_cache

    validation_cache.load(root)
    parse_cache.load(root)
    validator = _Validator(root, strict, store or FileStore(), literals)
    report = ValidationReport(root=root)
    loaded = validator.manifest()
    environments: list[str] = []
    if loaded is not None:
        manifest, project = loaded
        environments = [project.environment(env).name] if env is not None else sorted(project.environments)
        validator.manifest_file_checks(manifest, project)
        for resource in project.all():
            validator.resource(project, resource, environments)
        validator.scenarios(manifest, project)
        validator.name_clashes()
        for where, message in deployment_issues(project.environments, set(project.resources[AGENT.name])):
            validator.collector.add(manifest.path, manifest.locate(where), where, message)
        for where, message in main_issues(project.environments):
            validator.collector.add(manifest.path, manifest.locate(where), where, message)
    report.environments = environments
    report.problems = sorted(
        validator.collector.problems(environments),
        key=lambda problem: (str(problem.file), problem.line, problem.column, problem.message),
    )
    report.placeholders = sorted(
        validator.collector.placeholders.values(), key=lambda use: (str(use.file), use.line, use.column)
    )
    report.files = validator.files
    validation_cache.save(root)
    parse_cache.save(root)
    return report
