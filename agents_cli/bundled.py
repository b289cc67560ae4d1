"""Where the bundled data lives: schemas, templates and the vendored OpenAPI spec.

Schemas and templates are the repo's top-level folders in a source checkout or editable install (users read
them there), packaged under ``agents_cli/_data/`` in a wheel (see ``pyproject.toml``). The vendored spec is
package data of ``agents_cli.spec`` in both.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """``schemas`` or ``templates``."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def schemas_dir() -> Path:
    return data_dir("schemas")


def templates_dir() -> Path:
    return data_dir("templates")


def openapi_spec_path() -> Path:
    """The vendored convai subset of the ElevenLabs OpenAPI spec (``scripts/vendor_spec.py``)."""
    return _PACKAGE_DIR / "spec" / "convai-openapi.json"
