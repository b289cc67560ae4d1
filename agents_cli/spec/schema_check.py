"""Validate a config document against the bundled JSON Schemas, with messages a human can act on.

``check(kind, document)`` returns every problem at once as ``SchemaIssue(path, message, severity)``, sorted
by key path. Unknown keys get a did-you-mean; failed unions are reported from their best branch only;
values outside a vendor catalog (``x-catalog-enum``: LLM ids, TTS models…) are warnings unless ``strict``.
No IO beyond reading the bundled schema files once; jsonschema is imported lazily (``agents --help``).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from agents_cli import __version__
from agents_cli.bundled import schemas_dir
from agents_cli.keypath import KeyPath
from agents_cli.project.loader import format_key_path

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

Kind = str  # a schema name: "manifest", or a resource kind's ``ResourceKind.schema``
Severity = Literal["error", "warning"]
MANIFEST = "manifest"
CATALOG_KEYWORD = "x-catalog-enum"
CATALOG_NAME_KEYWORD = "x-catalog"
# What PyYAML (YAML 1.1) would have turned into booleans; our loader keeps them as strings.
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_MAX_LISTED_VALUES = 20


@dataclass(frozen=True)
class SchemaIssue:
    path: KeyPath  # key path into the document
    message: str
    severity: Severity

    @property
    def dotted_path(self) -> str:
        """``conversation_config.agent.prompt.tool_ids[0]`` (``<root>`` for the document itself)."""
        return format_key_path(self.path)


def known_schemas() -> tuple[str, ...]:
    from agents_cli.kinds import REGISTRY

    return (*(kind.schema for kind in REGISTRY), MANIFEST)


def schema_path(kind: Kind) -> str:
    return str(schemas_dir() / f"{kind}.schema.json")


@cache
def load_schema(kind: Kind) -> dict[str, Any]:
    """The parsed schema for ``kind`` (read once per process)."""
    known = known_schemas()
    if kind not in known:
        raise ValueError(f"unknown schema kind {kind!r} (known: {', '.join(known)})")
    with open(schema_path(kind), encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


# Keys (schema version + kind + strictness + content digest) of documents known to have no issue: a hit
# needs neither jsonschema nor the schema (``project.validation_cache`` keeps them in ``.agents/``).
_passed: set[str] = set()
_new_passes: set[str] = set()


def remember_passes(keys: Iterable[str]) -> None:
    _passed.update(keys)


def new_passes() -> set[str]:
    """Keys of documents found clean in this process and not remembered before."""
    return set(_new_passes)


def check(kind: Kind, document: object, *, strict: bool = False) -> list[SchemaIssue]:
    """Every schema problem in ``document``, sorted by path; catalog misses are warnings unless ``strict``."""
    if kind != MANIFEST and isinstance(document, dict) and isinstance(document.get("$schema"), str):
        # An editor hint in a JSON config; loaders drop it before anything is sent to the API.
        document = {key: value for key, value in document.items() if key != "$schema"}
    key = _pass_key(kind, document, strict)
    if key is not None and key in _passed:
        return []
    validator = _validator(kind)
    issues: set[SchemaIssue] = set()
    instance: Any = document
    for error in validator.iter_errors(instance):
        issues.update(_issues(error, strict, validator))
    if not issues and key is not None:
        _passed.add(key)
        _new_passes.add(key)
    return sorted(issues, key=_sort_key)


@cache
def _schema_version(kind: Kind) -> str:
    """Changes whenever the schema file (or the program reading it) does, without reading the file."""
    try:
        stat = os.stat(schema_path(kind))
    except OSError:
        return f"{__version__}:missing"
    return f"{__version__}:{stat.st_size}:{stat.st_mtime_ns}"


def _pass_key(kind: Kind, document: object, strict: bool) -> str | None:
    try:
        # ASCII escapes: a lone surrogate a YAML escape can produce hashes instead of failing to encode
        content = json.dumps(document, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):  # not plain JSON data (a YAML date…): always checked
        return None
    digest = hashlib.blake2b(content.encode(), digest_size=16)
    digest.update(f"\0{kind}\0{strict}\0{_schema_version(kind)}".encode())
    return digest.hexdigest()


def _sort_key(issue: SchemaIssue) -> tuple[Any, ...]:
    path = tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in issue.path)
    return (path, issue.severity != "error", issue.message)


# -- the compiled validators ---------------------------------------------------------------------------


@cache
def _validator_class() -> Any:
    from jsonschema import validators
    from jsonschema.exceptions import ValidationError

    def catalog_enum(
        validator: Any, values: list[Any], instance: Any, schema: dict[str, Any]
    ) -> Iterator[Any]:
        if isinstance(instance, str) and instance not in values:
            name = schema.get(CATALOG_NAME_KEYWORD, "value")
            yield ValidationError(f"{instance!r} is not a known {name} in the pinned spec")

    base = validators.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    extend: Any = validators.extend  # untyped in the stubs
    return extend(base, {CATALOG_KEYWORD: catalog_enum})


@cache
def _validator(kind: Kind) -> Validator:
    validator: Validator = _validator_class()(load_schema(kind))
    return validator


# -- turning jsonschema errors into issues --------------------------------------------------------------


def _issues(error: ValidationError, strict: bool, validator: Validator) -> list[SchemaIssue]:
    keyword = error.validator
    path = tuple(error.absolute_path)
    if keyword in ("anyOf", "oneOf"):
        branch = _best_branch(error, strict)
        if branch is not None:
            return [issue for sub in branch for issue in _issues(sub, strict, validator)]
        if keyword == "oneOf":
            return [SchemaIssue(path, _ambiguous_message(error, validator), "error")]
    if keyword == "additionalProperties":
        return [
            SchemaIssue((*path, key), _unknown_key_message(key, allowed), "error")
            for key, allowed in _unknown_keys(error)
        ]
    if keyword == "required":
        return [SchemaIssue(path, message, "error") for message in _missing_messages(error)]
    if keyword == CATALOG_KEYWORD:
        return [SchemaIssue(path, _catalog_message(error, strict), "error" if strict else "warning")]
    schema_path = error.absolute_schema_path
    if len(schema_path) >= 2 and schema_path[-2] == "propertyNames":
        return [SchemaIssue((*path, str(error.instance)), _name_message(error), "error")]
    return [SchemaIssue(path, _message(error), "error")]


def _ambiguous_message(error: ValidationError, validator: Validator) -> str:
    """A ``oneOf`` that several alternatives match: name them and the constant key that would decide."""
    branches: Any = error.validator_value
    instance: Any = error.instance
    defs = validator.schema.get("$defs", {}) if isinstance(validator.schema, dict) else {}
    matched = [branch for branch in branches if validator.evolve(schema=branch).is_valid(instance)]
    resolved = [defs.get(str(branch.get("$ref", "")).rsplit("/", 1)[-1], branch) for branch in matched]
    names = [str(branch.get("title") or "an alternative") for branch in resolved]
    message = f"ambiguous: matches {' and '.join(names) if names else 'more than one alternative'}"
    if not isinstance(instance, dict) or len(resolved) < 2:
        return message
    tag_values: dict[str, list[Any]] = {}
    for branch in resolved:
        for key, prop in branch.get("properties", {}).items():
            if isinstance(prop, dict) and "const" in prop and key not in instance:
                tag_values.setdefault(key, []).append(prop["const"])
    for key, values in tag_values.items():
        if len(values) == len(resolved):
            return f"{message} (set {key!r} to one of: {_listing(values)})"
    return message


def _branch_index(error: ValidationError) -> int:
    first = error.relative_schema_path[0] if error.relative_schema_path else 0
    return first if isinstance(first, int) else 0


def _best_branch(error: ValidationError, strict: bool) -> list[ValidationError] | None:
    """The errors of the union branch the author most likely meant (None: report the union itself)."""
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        by_branch.setdefault(_branch_index(sub), []).append(sub)
    if not by_branch:
        return None  # e.g. oneOf matched several branches

    def score(errors: list[ValidationError]) -> tuple[int, int, int, int]:
        only_catalog = all(e.validator == CATALOG_KEYWORD for e in errors) and not strict
        wrong_shape = any(e.validator == "type" and not e.relative_path for e in errors)
        wrong_tag = any(e.validator in ("const", "enum") and len(e.relative_path) == 1 for e in errors)
        depth = max(len(e.relative_path) for e in errors)
        return (not only_catalog, wrong_shape + wrong_tag, len(errors), -depth)

    return min(by_branch.values(), key=score)


def _unknown_keys(error: ValidationError) -> list[tuple[str, list[str]]]:
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if not isinstance(instance, dict):
        return []
    allowed = list(schema.get("properties", {}))
    patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
    return [
        (key, allowed)
        for key in instance
        if key not in allowed and not any(pattern.search(key) for pattern in patterns)
    ]


def _unknown_key_message(key: str, allowed: list[str]) -> str:
    message = f"unknown key {key!r}"
    match = _closest(key, allowed)
    if match is not None:
        return f"{message} (did you mean {match!r}?)"
    return message


def _missing_messages(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    schema = error.schema if isinstance(error.schema, dict) else {}
    properties = schema.get("properties", {})
    messages = []
    required: Any = error.validator_value
    for key in required:
        if key in instance:
            continue
        message = f"missing required key {key!r}"
        # A misspelt discriminator (`system_tool_typ`) also leaves the right variant unchosen, so its
        # unknown key may never be reported: name it here.
        typo = _closest(key, [str(other) for other in instance if other not in properties])
        if typo is not None:
            message += f" ({typo!r} is written instead: a typo of {key!r}?)"
        choices = properties.get(key, {}).get("enum") if isinstance(properties.get(key), dict) else None
        if choices:
            message += f" (one of: {_listing(choices)})"
        messages.append(message)
    return messages


def _catalog_message(error: ValidationError, strict: bool) -> str:
    values: Any = error.validator_value
    known = list(values)
    match = _closest(str(error.instance), [str(value) for value in known])
    hint = f"did you mean {match!r}?" if match else f"{len(known)} known values"
    if strict:
        return f"{error.message} ({hint}); rejected in strict mode (otherwise a warning)"
    return f"{error.message} ({hint}); the server may accept it"


def _name_message(error: ValidationError) -> str:
    if error.validator == "pattern":
        return f"invalid name {error.instance!r}: must match {error.validator_value}"
    return f"invalid name {error.instance!r}: {_message(error)}"


def _message(error: ValidationError) -> str:
    keyword, value = error.validator, error.instance
    expected: Any = error.validator_value
    if keyword == "type":
        return _type_message(expected, value)
    if keyword == "enum":
        message = f"{_show(value)} is not a valid value; must be one of: {_listing(expected)}"
        match = _closest(str(value), [str(choice) for choice in expected]) if isinstance(value, str) else None
        return f"{message} (did you mean {match!r}?)" if match else message
    if keyword == "const":
        return f"must be {_show(expected)}, got {_show(value)}"
    limits = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
    }
    if keyword in limits:
        return f"must be {limits[keyword]} {expected}, got {_show(value)}"
    sizes = {
        "minLength": ("at least", "character"),
        "maxLength": ("at most", "character"),
        "minItems": ("at least", "item"),
        "maxItems": ("at most", "item"),
        "minProperties": ("at least", "key"),
        "maxProperties": ("at most", "key"),
    }
    if keyword in sizes:
        bound, unit = sizes[keyword]
        return f"must have {bound} {expected} {unit}{'' if expected == 1 else 's'}"
    if keyword == "pattern":
        return f"{_show(value)} does not match the pattern {expected}"
    if keyword == "uniqueItems":
        return "items must be unique"
    if keyword == "not" and isinstance(expected, dict) and list(expected) == ["required"]:
        return f"{' and '.join(repr(key) for key in expected['required'])} cannot be set together"
    if keyword in ("anyOf", "oneOf"):
        return (
            "matches more than one alternative" if not error.context else "matches none of the alternatives"
        )
    if keyword is None or error.schema is False:
        return "not allowed here"
    return str(error.message)


_JSON_TYPE_NAMES: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    type(None): "null",
    dict: "object",
    list: "array",
}


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _type_message(expected: object, value: object) -> str:
    names = [expected] if isinstance(expected, str) else list(expected) if isinstance(expected, list) else []
    shown = [str(name) for name in names if name != "null"] or [str(name) for name in names]
    message = f"expected {' or '.join(shown)}, got {_json_type(value)}"
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        message += f" {_show(value)}"
    elif isinstance(value, bool):
        message += f" {str(value).lower()}"
    if "boolean" in shown and isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
        message += " (write true/false)"
    return message


def _show(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _listing(values: Iterable[object]) -> str:
    items = [_show(value) for value in values]
    if len(items) > _MAX_LISTED_VALUES:
        more = len(items) - _MAX_LISTED_VALUES
        return ", ".join(items[:_MAX_LISTED_VALUES]) + f", … ({more} more)"
    return ", ".join(items)


def _closest(word: str, choices: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None
