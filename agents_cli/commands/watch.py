"""``agents watch``: re-validate and re-plan (or, with ``--sync``, apply) whenever a project file changes.

Polling, not OS notifications: a scan of the manifest, the config folders and ``.env`` every ``--interval``
seconds costs little for a project of config files and needs no extra dependency. Changes are debounced
(an editor's save-rename-chmod, a ``git checkout`` touching many files) into one run. Each run goes through
the same command code as ``agents validate`` / ``plan`` / ``sync``; an error is printed and watching goes on.
Ctrl-C stops it cleanly (exit 0).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agents_cli.context import AppContext
from agents_cli.errors import AgentsError
from agents_cli.kinds import REGISTRY
from agents_cli.project.manifest import MANIFEST_NAME, find_root
from agents_cli.testing.scenarios import MANIFEST_SECTION as SCENARIOS

Snapshot = dict[Path, tuple[int, int]]
CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


def manifest_files(root: Path) -> list[Path]:
    """Every config, overlay and scenario file ``agents.json`` names, wherever it lives (a project may keep
    them under ``configs/`` rather than the default folders). Read as plain JSON on every scan: cheap, and a
    manifest that does not parse yet (mid-edit) simply names nothing."""
    import json

    try:
        manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found: list[Path] = []
    sections = [manifest.get(name) for name in (*REGISTRY.sections, SCENARIOS)]
    for section in sections if isinstance(manifest, dict) else []:
        for entry in section.values() if isinstance(section, dict) else []:
            if not isinstance(entry, dict):
                continue
            overlays = entry.get("overlays")
            paths = [entry.get("config"), *(overlays.values() if isinstance(overlays, dict) else [])]
            found.extend(root / path for path in paths if isinstance(path, str))
    return found


def scan(root: Path) -> Snapshot:
    """mtime and size of every file whose change matters: manifest, configs, overlays, scenarios, ``.env``."""
    found: Snapshot = {}
    candidates = [root / MANIFEST_NAME, root / ".env", *manifest_files(root)]
    for kind in REGISTRY:
        base = root / kind.folder
        if base.is_dir():
            candidates.extend(p for p in base.rglob("*") if p.suffix.lower() in CONFIG_SUFFIXES)
    for path in candidates:
        try:
            info = path.stat()
        except OSError:
            continue
        found[path] = (info.st_mtime_ns, info.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[Path]:
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def wait_for_change(
    root: Path,
    previous: Snapshot,
    *,
    interval: float,
    debounce: float,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Snapshot, list[Path]]:
    """Block until files changed and then stayed quiet for ``debounce`` seconds."""
    while True:
        sleep(interval)
        current = scan(root)
        if current != previous:
            break
    changed = set(changed_files(previous, current))
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < debounce:
        sleep(min(interval, debounce))
        latest = scan(root)
        if latest != current:
            changed |= set(changed_files(current, latest))
            current = latest
            quiet_since = time.monotonic()
    return current, sorted(changed)


@dataclass(frozen=True)
class WatchRequest:
    env: str | None = None
    apply: bool = False  # sync (with --yes) on every change instead of planning
    interval: float = 0.5  # seconds between scans
    debounce: float = 0.3  # wait this long after the last change before running
    base_url: str | None = None


def run_cycle(app: AppContext, request: WatchRequest) -> None:
    """validate, then plan or sync, each shown as the command itself shows it; an error is reported and
    watching goes on."""
    from agents_cli.commands.plan import PlanRequest, plan
    from agents_cli.commands.sync import SyncRequest, sync
    from agents_cli.commands.validate import ValidateRequest, validate

    try:
        checked = validate(app, ValidateRequest(env=request.env))
        app.show(checked)
        if checked.error is not None:
            app.report(checked.error)
            return
        if request.apply:
            app.show(sync(app, SyncRequest(env=request.env, yes=True, base_url=request.base_url)))
        else:
            app.show(plan(app, PlanRequest(env=request.env, base_url=request.base_url)))
    except AgentsError as exc:
        app.report(exc)


def watch(app: AppContext, request: WatchRequest) -> int:
    root = find_root(app.cwd)
    out = app.out
    what = "sync" if request.apply else "plan"
    try:
        run_cycle(app, request)
        snapshot = scan(root)
        out.info(
            f"watching {root} ({len(snapshot)} files): validate + {what} on every change; Ctrl-C to stop"
        )
        while True:
            snapshot, changed = wait_for_change(
                root, snapshot, interval=request.interval, debounce=request.debounce
            )
            names = ", ".join(_label(path, root) for path in changed[:5])
            more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
            out.info(f"\nchanged: {names}{more}")
            run_cycle(app, request)
            out.info("watching…")
    except KeyboardInterrupt:
        out.info("stopped watching")
        return 0


def _label(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
