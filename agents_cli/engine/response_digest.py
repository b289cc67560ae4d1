"""The digest state records of an answer (``ResourceState.response_digest``; see ``engine.unchanged``)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from agents_cli.kinds import REGISTRY
from agents_cli.project.state import ResourceState

# Bump when what normalising does changes in a way the sources hashed below do not show.
NORMALISER_VERSION = "1"

_PACKAGE = Path(__file__).resolve().parent.parent
_SOURCES = ("spec", "kinds", "keypath", "engine/normalise.py", "engine/ordering.py")


@functools.cache
def normaliser_version() -> str:
    """Digest of the program, the vendored spec and the code that normalises answers (once per process,
    only when a digest is compared)."""
    from agents_cli import __version__

    digest = hashlib.blake2b(f"{__version__}\0{NORMALISER_VERSION}".encode(), digest_size=20)
    for source in _SOURCES:
        path = _PACKAGE / source
        files = sorted(path.glob("*.py")) + sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            digest.update(f"\0{file.relative_to(_PACKAGE)}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def certifiable(kind: str) -> bool:
    """Kinds whose plan is a function of the answer and the config alone: not those with values the API
    never returns (write-only, create-only), recorded in state (``state_fields``), replaced on a change
    (``replace_on``), written in several requests, or read from a list."""
    resource_kind = REGISTRY[kind]
    unreturned = resource_kind.write_only or resource_kind.create_only or resource_kind.state_fields
    special = (
        resource_kind.replace_on or resource_kind.splits_updates or not resource_kind.routes.item_readable
    )
    return not unreturned and not special


def response_digest(environment: str, kind: str, remote_id: str, answer: str | None) -> str | None:
    """What state records for an answer whose bytes digest to ``answer`` (None: nothing to record)."""
    if answer is None or not certifiable(kind):
        return None
    salted = f"{environment}/{kind}/{remote_id}\0{normaliser_version()}\0{answer}"
    return hashlib.blake2b(salted.encode(), digest_size=20).hexdigest()


def needs_digest(
    entry: ResourceState | None, environment: str, kind: str, remote_id: str, answer: str | None
) -> bool:
    """A no-op whose entry lacks this answer's digest: recorded (once) so the next plan can skip."""
    wanted = response_digest(environment, kind, remote_id, answer)
    return wanted is not None and entry is not None and entry.response_digest != wanted
