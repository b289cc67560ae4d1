"""Where the bundled data lives: schemas, templates and the vendored OpenAPI spec.

In a source checkout or editable install they are the repo's top-level folders; in a wheel they are
packaged under ``agents_cli/_data/`` (see ``pyproject.toml``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """``schemas``, ``templates`` or ``openapi``."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def schemas_dir() -> Path:
    return data_dir("schemas")


def templates_dir() -> Path:
    return data_dir("templates")


def openapi_spec_path() -> Path:
    return data_dir("openapi") / "convai-openapi.json"
