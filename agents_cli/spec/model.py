"""Apply a JSON body to an OpenAPI component schema the way FastAPI/Pydantic v2 would.

The ElevenLabs API is a FastAPI server: each request body is parsed into a Pydantic model, which fills
defaults, silently drops unknown keys, coerces a few types (lax mode) and reports every problem as
``{"loc": [...], "msg": ..., "type": ...}``. ``OpenAPIModels.apply`` reproduces that from the vendored spec,
so the emulator answers like the real server and normalisation can fill defaults on both sides of a diff.

Deliberate choices (see docs/emulator.md):
- A missing optional field gets what Pydantic would give it (``agents_cli.spec.defaults``: its
  ``default``, a model built from its defaults, ``[]``/``{}``, ``None`` for a nullable field) or stays
  absent; the defaults the spec cannot express are ``catalog.FACTORY_DEFAULTS``.
- Catalog enums (LLM ids, TTS models, ASR providers... the table in ``agents_cli.spec.catalog``, which the
  generated config schemas share) accept any string unless ``strict_catalog``: the real catalog is newer
  than any pinned spec.
- Output keys follow the schema's property order, so the result is deterministic.
- Errors inside a discriminated union carry the tag in ``loc`` as Pydantic does; errors of a plain union
  report the closest member without a member label.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from agents_cli.bundled import openapi_spec_path
from agents_cli.spec.catalog import CATALOG_COMPONENTS, CATALOG_PROPERTIES, FACTORY_DEFAULTS
from agents_cli.spec.defaults import MISSING, MissingDefaults
from agents_cli.spec.document import REF_PREFIX, OpenAPIDocument
from agents_cli.spec.memo import ApplyMemo
from agents_cli.spec.scalars import (
    ErrorList,
    Loc,
    apply_bool,
    apply_number,
    apply_string,
    check_size,
    exact_type_match,
    fast_copy,
    quote_choices,
    union_errors,
    validation_error,
)


class _Options:
    __slots__ = ("fill_defaults", "memo", "strict", "strict_catalog")

    def __init__(
        self, strict: bool, strict_catalog: bool, fill_defaults: bool, memo: ApplyMemo | None = None
    ) -> None:
        self.strict = strict
        self.strict_catalog = strict_catalog
        self.fill_defaults = fill_defaults
        self.memo = memo


class OpenAPIModels(OpenAPIDocument):
    """The component schemas of one OpenAPI document, applied as Pydantic models."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        self._kinds: dict[int, tuple[dict[str, Any], str, Any]] = {}
        self._missing = MissingDefaults(self, self._build_defaults)
        # Inline catalog enums, by the identity of their property schema (the document is never modified).
        self._catalog_properties = {
            id(prop)
            for component, name in CATALOG_PROPERTIES
            if "enum" in (prop := self.schemas.get(component, {}).get("properties", {}).get(name, {}))
        }

    # -- applying ------------------------------------------------------------------------------------
    def apply(
        self,
        schema: str | dict[str, Any],
        value: object,
        *,
        strict: bool = False,
        loc: Loc = ("body",),
        strict_catalog: bool = False,
        fill_defaults: bool = True,
        memo: ApplyMemo | None = None,
    ) -> tuple[object, ErrorList]:
        """Coerce ``value`` as FastAPI would for a component (by name) or an inline schema (e.g. a request
        body written as ``anyOf`` of components, a query parameter): ``(coerced, errors)``.

        ``strict`` reports unknown keys as ``extra_forbidden`` instead of dropping them; ``strict_catalog``
        checks catalog enums (LLM ids...) against the spec's list; ``fill_defaults=False`` only checks and
        coerces what is present (used for partial updates); ``memo`` reuses earlier results for the
        sub-schemas it covers. The input is never modified.
        """
        errors: ErrorList = []
        options = _Options(strict, strict_catalog, fill_defaults, memo)
        if isinstance(schema, str):
            return self._apply_ref(schema, value, loc, errors, options), errors
        return self._apply(schema, value, loc, errors, options), errors

    def defaults(self, schema_name: str) -> object:
        """What a model looks like when built from ``{}`` (a fresh copy each call)."""
        return self.apply(schema_name, {})[0]

    def _apply_ref(self, name: str, value: object, loc: Loc, errors: ErrorList, options: _Options) -> object:
        schema = self.schemas.get(name)
        if schema is None:
            raise KeyError(f"unknown component schema {name!r}")
        if "enum" in schema:
            return self._apply_enum(
                schema, value, loc, errors, catalog=name in CATALOG_COMPONENTS, options=options
            )
        return self._apply(schema, value, loc, errors, options, model_name=name)

    def _apply(
        self,
        schema: dict[str, Any],
        value: object,
        loc: Loc,
        errors: ErrorList,
        options: _Options,
        model_name: str | None = None,
    ) -> object:
        if options.memo is not None and options.memo.covers(schema):
            inner = _Options(options.strict, options.strict_catalog, options.fill_defaults)
            flags = (options.strict, options.strict_catalog, options.fill_defaults)
            return options.memo.apply(
                schema, value, flags, errors, lambda found: self._apply(schema, value, loc, found, inner)
            )
        entry = self._kinds.get(id(schema))
        if entry is None or entry[0] is not schema:
            # Classified once per schema object; the entry keeps the object alive so its id is never reused.
            entry = (schema, *self._classify(schema))
            self._kinds[id(schema)] = entry
        kind, extra = entry[1], entry[2]
        if kind == "ref":
            # `$ref` next to `anyOf: [object, null]` (PATCH bodies): the model, but null is allowed.
            if value is None and extra[1]:
                return None
            return self._apply_ref(extra[0], value, loc, errors, options)
        if kind == "model":
            return self._apply_model(schema, value, loc, errors, options, model_name)
        if kind == "anyOf":
            return self._apply_any_of(schema["anyOf"], value, loc, errors, options)
        if kind == "string":
            return apply_string(schema, value, loc, errors)
        if kind == "boolean":
            return apply_bool(value, loc, errors)
        if kind == "integer" or kind == "number":
            return apply_number(schema, value, loc, errors, integer=kind == "integer")
        if kind == "array":
            return self._apply_list(schema, value, loc, errors, options)
        if kind == "dict":
            return self._apply_dict(schema, value, loc, errors, options)
        if kind == "oneOf":
            return self._apply_one_of(schema, value, loc, errors, options)
        if kind == "const":
            if value != schema["const"] or type(value) is not type(schema["const"]):
                errors.append(
                    validation_error(
                        loc, "literal_error", f"Input should be {quote_choices([schema['const']])}", value
                    )
                )
            return value
        if kind == "enum":
            return self._apply_enum(schema, value, loc, errors, catalog=extra, options=options, literal=True)
        if kind == "null":
            if value is not None:
                errors.append(validation_error(loc, "none_required", "Input should be None", value))
            return value
        return fast_copy(value)  # `{}` or unknown: Any

    def _classify(self, schema: dict[str, Any]) -> tuple[str, Any]:
        """What ``_apply`` does with a schema, decided once (the order of the checks is significant)."""
        ref = self.ref_name(schema)
        if ref is not None:
            nullable = any(alt.get("type") == "null" for alt in schema.get("anyOf", ()))
            return "ref", (ref, nullable)
        for keyword in ("oneOf", "anyOf", "const"):
            if keyword in schema:
                return keyword, None
        if "enum" in schema:
            return "enum", id(schema) in self._catalog_properties
        type_ = schema.get("type")
        if "properties" in schema:
            return "model", None
        if type_ == "object":
            return "dict", None
        if type_ in ("array", "string", "integer", "number", "boolean", "null"):
            return str(type_), None
        return "any", None

    # -- containers ----------------------------------------------------------------------------------
    def _apply_model(
        self,
        schema: dict[str, Any],
        value: object,
        loc: Loc,
        errors: ErrorList,
        options: _Options,
        model_name: str | None,
    ) -> object:
        if not isinstance(value, dict):
            title = model_name or schema.get("title") or "model"
            errors.append(
                validation_error(
                    loc,
                    "model_attributes_type",
                    f"Input should be a valid dictionary or object to extract fields from (model {title})",
                    value,
                )
            )
            return value
        properties: dict[str, Any] = schema["properties"]
        required = schema.get("required", ())
        result: dict[str, Any] = {}
        for key, prop in properties.items():
            if key in value:
                result[key] = self._apply(prop, value[key], (*loc, key), errors, options)
            elif key in required:
                if options.fill_defaults:
                    errors.append(validation_error((*loc, key), "missing", "Field required", value))
            elif options.fill_defaults:
                factory = FACTORY_DEFAULTS.get((model_name, key)) if model_name else None
                if factory is not None:
                    result[key] = self._apply(prop, factory, (*loc, key), errors, options)
                    continue
                default = self._missing.for_field(prop)
                if default is not MISSING:
                    result[key] = default
        for key in required:
            if key in properties:
                continue
            # A spec quirk: a required key without a property schema (any value, but it must be there).
            if key in value:
                result[key] = fast_copy(value[key])
            elif options.fill_defaults:
                errors.append(validation_error((*loc, key), "missing", "Field required", value))
        extra = schema.get("additionalProperties", False)
        for key, item in value.items():
            if key in properties or key in required:
                continue
            if extra is True or (isinstance(extra, dict) and not extra):
                result[key] = fast_copy(item)
            elif isinstance(extra, dict):
                result[key] = self._apply(extra, item, (*loc, key), errors, options)
            elif options.strict:
                errors.append(
                    validation_error((*loc, key), "extra_forbidden", "Extra inputs are not permitted", item)
                )
        return result

    def _build_defaults(self, name: str) -> object:
        return self._apply_ref(name, {}, (), [], _Options(False, False, True))

    def _apply_dict(
        self, schema: dict[str, Any], value: object, loc: Loc, errors: ErrorList, options: _Options
    ) -> object:
        if not isinstance(value, dict):
            errors.append(validation_error(loc, "dict_type", "Input should be a valid dictionary", value))
            return value
        items_schema = schema.get("additionalProperties", True)
        key_schema = schema.get("propertyNames")
        result: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key_schema, dict):
                self._apply(key_schema, key, (*loc, key, "[key]"), errors, options)
            if isinstance(items_schema, dict) and items_schema:
                result[key] = self._apply(items_schema, item, (*loc, key), errors, options)
            else:
                result[key] = fast_copy(item)
        check_size(schema, len(value), value, loc, errors, what="Dictionary")
        return result

    def _apply_list(
        self, schema: dict[str, Any], value: object, loc: Loc, errors: ErrorList, options: _Options
    ) -> object:
        if not isinstance(value, list):
            errors.append(validation_error(loc, "list_type", "Input should be a valid list", value))
            return value
        items = schema.get("items")
        if isinstance(items, dict) and items:
            result = [
                self._apply(items, item, (*loc, index), errors, options) for index, item in enumerate(value)
            ]
        else:
            result = fast_copy(value)
        check_size(schema, len(value), value, loc, errors, what="List")
        return result

    # -- unions --------------------------------------------------------------------------------------
    def _apply_one_of(
        self, schema: dict[str, Any], value: object, loc: Loc, errors: ErrorList, options: _Options
    ) -> object:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, dict):
            return self._apply_any_of(schema["oneOf"], value, loc, errors, options)
        prop = discriminator["propertyName"]
        mapping: dict[str, str] = discriminator.get("mapping", {})
        if not isinstance(value, dict):
            errors.append(
                validation_error(
                    loc,
                    "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from",
                    value,
                )
            )
            return value
        if prop not in value:
            errors.append(
                validation_error(
                    loc,
                    "union_tag_not_found",
                    f"Unable to extract tag using discriminator '{prop}'",
                    value,
                    {"discriminator": f"'{prop}'"},
                )
            )
            return value
        tag = value[prop]
        target = mapping.get(tag) if isinstance(tag, str) else None
        if target is None:
            expected = ", ".join(f"'{t}'" for t in mapping)
            errors.append(
                validation_error(
                    loc,
                    "union_tag_invalid",
                    f"Input tag '{tag}' found using '{prop}' does not match any of "
                    f"the expected tags: {expected}",
                    value,
                    {"discriminator": f"'{prop}'", "tag": str(tag), "expected_tags": expected},
                )
            )
            return value
        return self._apply_ref(target[len(REF_PREFIX) :], value, (*loc, tag), errors, options)

    def _apply_any_of(
        self,
        alternatives: list[dict[str, Any]],
        value: object,
        loc: Loc,
        errors: ErrorList,
        options: _Options,
    ) -> object:
        non_null = [alt for alt in alternatives if alt.get("type") != "null"]
        if value is None and len(non_null) < len(alternatives):
            return None
        if len(non_null) == 1:
            return self._apply(non_null[0], value, loc, errors, options)
        # Pydantic "smart" union: an exact type match first, then the first member that validates.
        ordered = sorted(non_null, key=lambda alt: 0 if exact_type_match(alt, value) else 1)
        best: tuple[object, ErrorList] | None = None
        failed: list[tuple[dict[str, Any], ErrorList]] = []
        for alternative in ordered:
            attempt: ErrorList = []
            result = self._apply(alternative, value, loc, attempt, options)
            if not attempt:
                return result
            failed.append((alternative, attempt))
            if best is None or len(attempt) < len(best[1]):
                best = (result, attempt)
        if best is None:
            return fast_copy(value)
        failed.sort(key=lambda pair: non_null.index(pair[0]))
        errors.extend(union_errors(failed, len(loc)))
        return best[0]

    # -- scalars -------------------------------------------------------------------------------------
    def _apply_enum(
        self,
        schema: dict[str, Any],
        value: object,
        loc: Loc,
        errors: ErrorList,
        *,
        catalog: bool,
        options: _Options,
        literal: bool = False,
    ) -> object:
        choices: list[Any] = schema["enum"]
        if value in choices and (not isinstance(value, bool) or any(isinstance(c, bool) for c in choices)):
            return value
        if catalog and not options.strict_catalog and isinstance(value, str):
            return value
        kind = "literal_error" if literal else "enum"
        expected = quote_choices(choices)
        errors.append(
            validation_error(loc, kind, f"Input should be {expected}", value, {"expected": expected})
        )
        return value


@cache
def models() -> OpenAPIModels:
    """The process-wide models of the vendored convai spec."""
    with openapi_spec_path().open(encoding="utf-8") as handle:
        return OpenAPIModels(json.load(handle))
