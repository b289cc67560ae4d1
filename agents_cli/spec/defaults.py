"""What Pydantic puts in a missing optional field, derived from an OpenAPI document.

- the field's ``default`` (an integer default of a float field reads back as a float, as a stored value
  that was validated once does);
- for a plain model ``$ref`` without a default, that model built from ``{}`` (``default_factory=Model``),
  provided the model requires nothing;
- ``None`` for a nullable field, ``[]`` for a list, ``{}`` for a free-form dict;
- otherwise nothing: the field stays absent (``MISSING``).

The non-empty factory defaults the spec cannot express are in ``agents_cli.spec.catalog``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from agents_cli.spec.document import OpenAPIDocument
from agents_cli.spec.scalars import fast_copy, is_float_field

MISSING: Any = object()


class MissingDefaults:
    """Defaults of missing fields for one document; ``build(name)`` applies a model to ``{}``.

    Built-from-nothing model defaults are computed once under a lock; the models being built (to stop a
    model that defaults to itself) are per thread, so another thread never sees them half-built.
    """

    def __init__(self, document: OpenAPIDocument, build: Callable[[str], object]) -> None:
        self.document = document
        self.build = build
        self._cache: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._building = threading.local()

    def for_field(self, prop: dict[str, Any]) -> object:
        """The value a missing field ``prop`` gets (a fresh copy), or ``MISSING``."""
        if "default" in prop:
            default = prop["default"]
            if isinstance(default, int) and not isinstance(default, bool) and is_float_field(prop):
                return float(default)
            return fast_copy(default)
        ref = self.document.ref_name(prop)
        if ref is not None:
            target = self.document.schemas.get(ref, {})
            if "properties" in target and not target.get("required") and ref not in self._in_progress():
                return self.model(ref)
            return MISSING
        alternatives = prop.get("anyOf")
        if isinstance(alternatives, list) and any(alt.get("type") == "null" for alt in alternatives):
            return None
        if prop.get("type") == "array":
            return []
        if prop.get("type") == "object" and "properties" not in prop:
            return {}
        return MISSING

    def model(self, name: str) -> object:
        """The model ``name`` built from ``{}`` (a fresh copy each call)."""
        cached = self._cache.get(name, MISSING)
        if cached is MISSING:
            with self._lock:
                cached = self._cache.get(name, MISSING)
                if cached is MISSING:
                    # A model that (indirectly) defaults to itself stops materialising at the repeat
                    # (no model of the vendored spec does).
                    building = self._in_progress()
                    building.add(name)
                    try:
                        cached = self.build(name)
                    finally:
                        building.discard(name)
                    self._cache[name] = cached
        return fast_copy(cached)

    def _in_progress(self) -> set[str]:
        building: set[str] | None = getattr(self._building, "names", None)
        if building is None:
            building = self._building.names = set()
        return building
