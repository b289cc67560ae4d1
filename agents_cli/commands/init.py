"""``agents init [PATH] [--force]``: scaffold a project without ever clobbering files silently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agents_cli.context import AppContext
from agents_cli.errors import ConfigError
from agents_cli.kinds import REGISTRY
from agents_cli.project.editor_schemas import refresh_editor_schemas
from agents_cli.project.loader import LoadError, dump_json, write_atomic
from agents_cli.project.manifest import (
    MANIFEST_NAME,
    load_manifest_document,
    scaffold_manifest,
)

GITIGNORE = """\
# Local-only files of the agents CLI: emulator data and cached editor schemas.
.agents/
# The embedded emulator's ids (environment "local"): they live in .agents/, so they change on every clone.
state/local.json
state/*.lock
# API keys.
.env
# A sync's lock and the temp files of an interrupted state write (the next sync removes them).
state/*.lock
state/.*.tmp
"""

ENV_EXAMPLE = """\
# Copy to .env (git-ignored) and fill in. One key per environment in agents.json (its api_key_env).
ELEVENLABS_API_KEY_DEV=
ELEVENLABS_API_KEY_PROD=
"""


def scaffold_files() -> dict[str, str]:
    """Relative path → content of every file ``init`` writes (folders are created separately)."""
    return {
        MANIFEST_NAME: dump_json(scaffold_manifest()),
        ".gitignore": GITIGNORE,
        ".env.example": ENV_EXAMPLE,
    }


def _registered_names(root: Path) -> list[str]:
    """The resources an existing manifest declares (empty when there is none or it cannot be read)."""
    try:
        data = load_manifest_document(root).data
    except (LoadError, OSError):
        return []
    if not isinstance(data, dict):
        return []
    names: list[str] = []
    for section in (kind.section for kind in REGISTRY.listed()):
        declared = data.get(section)
        if isinstance(declared, dict):
            names.extend(f"{section}.{name}" for name in declared)
    return names


@dataclass(frozen=True)
class InitRequest:
    path: Path = Path(".")
    force: bool = False  # replace existing files (and say which)


def init(app: AppContext, request: InitRequest) -> int:
    path, force = request.path, request.force
    root = (app.cwd / path).resolve()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} exists and is not a folder", hint="pick another PATH")
    # --force replaces agents.json with an empty one: say which registrations that drops, since the
    # config files stay on disk and nothing else would tell the user they are no longer managed.
    dropped = _registered_names(root) if force and (root / MANIFEST_NAME).is_file() else []
    created: list[str] = []
    replaced: list[str] = []
    skipped: list[str] = []
    for relative, content in scaffold_files().items():
        target = root / relative
        if target.exists():
            if not force:
                skipped.append(relative)
                continue
            replaced.append(relative)
        else:
            created.append(relative)
        write_atomic(target, content)
    for folder in (kind.folder for kind in REGISTRY if not kind.inline):
        if not (root / folder).is_dir():
            (root / folder).mkdir(parents=True)
            created.append(folder + "/")
    refresh_editor_schemas(root)

    if MANIFEST_NAME in skipped:
        # Kept as it was: make sure it is usable, or say how to recover.
        try:
            load_manifest_document(root)
        except LoadError as error:
            raise ConfigError(
                f"kept the existing {MANIFEST_NAME}, but it cannot be read: {error.detail} "
                f"({MANIFEST_NAME}:{error.line}:{error.column})",
                hint="fix it, or run 'agents init --force' to replace it",
            ) from None

    out = app.out
    where = str(path) if str(path) not in ("", ".") else "the current folder"
    if created or replaced:
        out.success(f"initialised an agents project in {where}")
    else:
        out.success(f"an agents project is already in {where}; nothing was changed")
    for relative in created:
        out.info(f"  created  {relative}")
    for relative in replaced:
        out.info(f"  replaced {relative}")
    for relative in skipped:
        out.info(f"  skipped  {relative} (exists; --force replaces it)")
    if dropped:
        shown = ", ".join(dropped[:10]) + (f" and {len(dropped) - 10} more" if len(dropped) > 10 else "")
        out.warn(
            f"the replaced {MANIFEST_NAME} declared {len(dropped)} resource(s) that are no longer "
            f"registered: {shown} (their config files are kept; restore the old {MANIFEST_NAME} from git "
            "to get them back)"
        )
    out.info("  schemas  .agents/schemas/ (for editor validation; refreshed by 'agents validate')")
    out.info('next: agents add agent "My Agent" --template default, then agents validate')
    return 0
