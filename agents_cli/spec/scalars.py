"""Scalar checks and small helpers of ``model``: Pydantic v2 (lax mode) behaviour for strings,
numbers and booleans, size limits, and FastAPI's error entries ``{"type", "loc", "msg", "input", "ctx"}``."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

Loc = tuple[str | int, ...]
ErrorList = list[dict[str, Any]]

_TRUE_STRINGS = frozenset({"true", "t", "yes", "y", "on", "1"})
_FALSE_STRINGS = frozenset({"false", "f", "no", "n", "off", "0"})


def validation_error(
    loc: Loc, type_: str, msg: str, value: object, ctx: dict[str, Any] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"type": type_, "loc": list(loc), "msg": msg, "input": value}
    if ctx:
        error["ctx"] = ctx
    return error


def quote_choices(values: list[Any]) -> str:
    """``'a', 'b' or 'c'`` as in Pydantic's enum and literal messages."""
    quoted = [repr(v) if not isinstance(v, str) else f"'{v}'" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def check_size(
    schema: dict[str, Any], count: int, value: object, loc: Loc, errors: ErrorList, *, what: str
) -> None:
    """``minItems``/``maxItems`` (``what="List"``) or ``min``/``maxProperties`` (``what="Dictionary"``)."""
    low, high = ("minItems", "maxItems") if what == "List" else ("minProperties", "maxProperties")
    for keyword, type_, words in ((low, "too_short", "at least"), (high, "too_long", "at most")):
        bound = schema.get(keyword)
        if not isinstance(bound, int):
            continue
        if (count < bound) if type_ == "too_short" else (count > bound):
            ctx_key = "min_length" if type_ == "too_short" else "max_length"
            errors.append(
                validation_error(
                    loc,
                    type_,
                    f"{what} should have {words} {bound} item{'s' * (bound != 1)} after validation, "
                    f"not {count}",
                    value,
                    {"field_type": what, ctx_key: bound, "actual_length": count},
                )
            )


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error:  # a pattern Python cannot read: accept everything rather than crash
        return re.compile("")


def apply_string(schema: dict[str, Any], value: object, loc: Loc, errors: ErrorList) -> object:
    if not isinstance(value, str):
        errors.append(validation_error(loc, "string_type", "Input should be a valid string", value))
        return value
    if "minLength" in schema and len(value) < schema["minLength"]:
        n = schema["minLength"]
        errors.append(
            validation_error(
                loc,
                "string_too_short",
                f"String should have at least {n} character{'s' * (n != 1)}",
                value,
                {"min_length": n},
            )
        )
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        n = schema["maxLength"]
        errors.append(
            validation_error(
                loc,
                "string_too_long",
                f"String should have at most {n} character{'s' * (n != 1)}",
                value,
                {"max_length": n},
            )
        )
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _pattern(pattern).search(value):
        errors.append(
            validation_error(
                loc,
                "string_pattern_mismatch",
                f"String should match pattern '{pattern}'",
                value,
                {"pattern": pattern},
            )
        )
    return value


def apply_number(
    schema: dict[str, Any], value: object, loc: Loc, errors: ErrorList, *, integer: bool
) -> object:
    kind = "int" if integer else "float"
    label = "integer" if integer else "number"
    number: int | float
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        errors.append(validation_error(loc, f"{kind}_type", f"Input should be a valid {label}", value))
        return value
    if isinstance(value, str):
        try:
            number = int(value.strip()) if integer else float(value.strip())
        except ValueError:
            errors.append(
                validation_error(
                    loc,
                    f"{kind}_parsing",
                    f"Input should be a valid {label}, unable to parse "
                    f"string as {'an integer' if integer else 'a number'}",
                    value,
                )
            )
            return value
    elif isinstance(value, int | float):
        number = value
    else:
        errors.append(validation_error(loc, f"{kind}_type", f"Input should be a valid {label}", value))
        return value
    if integer:
        if isinstance(number, float):
            if not number.is_integer():
                errors.append(
                    validation_error(
                        loc,
                        "int_from_float",
                        "Input should be a valid integer, got a number with a fractional part",
                        value,
                    )
                )
                return value
            number = int(number)
    else:
        number = float(number)
    _check_bounds(schema, number, value, loc, errors)
    return number


_BOUNDS: tuple[tuple[str, str, str, str, Callable[[float, float], bool]], ...] = (
    ("minimum", "greater_than_equal", "greater than or equal to", "ge", lambda n, b: n >= b),
    ("maximum", "less_than_equal", "less than or equal to", "le", lambda n, b: n <= b),
    ("exclusiveMinimum", "greater_than", "greater than", "gt", lambda n, b: n > b),
    ("exclusiveMaximum", "less_than", "less than", "lt", lambda n, b: n < b),
)


def _check_bounds(schema: dict[str, Any], number: float, value: object, loc: Loc, errors: ErrorList) -> None:
    for keyword, type_, words, ctx_key, holds in _BOUNDS:
        bound = schema.get(keyword)
        if bound is None or isinstance(bound, bool) or not isinstance(bound, int | float):
            continue
        if not holds(number, bound):
            errors.append(
                validation_error(loc, type_, f"Input should be {words} {bound}", value, {ctx_key: bound})
            )


def apply_bool(value: object, loc: Loc, errors: ErrorList) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE_STRINGS:
            return True
        if lowered in _FALSE_STRINGS:
            return False
        errors.append(
            validation_error(
                loc, "bool_parsing", "Input should be a valid boolean, unable to interpret input", value
            )
        )
        return value
    errors.append(validation_error(loc, "bool_type", "Input should be a valid boolean", value))
    return value


def exact_type_match(schema: dict[str, Any], value: object) -> bool:
    type_ = schema.get("type")
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "number":
        return isinstance(value, float)
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ == "array":
        return isinstance(value, list)
    return False


def is_float_field(schema: dict[str, Any]) -> bool:
    types = [alt.get("type") for alt in schema.get("anyOf", ())] or [schema.get("type")]
    return "number" in types and "integer" not in types


def fast_copy(value: Any) -> Any:
    """Deep copy of plain JSON data, several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: fast_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fast_copy(item) for item in value]
    return value


_TYPE_TAGS = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "dict[str,any]",
}


def union_errors(
    failed: list[tuple[dict[str, Any], list[dict[str, Any]]]], depth: int
) -> list[dict[str, Any]]:
    """As Pydantic, a union no member accepts reports every member's errors, each under the member's tag
    inserted after the union's own ``loc`` (its first ``depth`` parts): ``[..., "str"]``, a model name."""
    tagged = []
    for member, errors in failed:
        tag = union_member_tag(member)
        for error in errors:
            tagged.append({**error, "loc": [*error["loc"][:depth], tag, *error["loc"][depth:]]})
    return tagged


def union_member_tag(schema: dict[str, Any]) -> str:
    """The name Pydantic gives a union member in an error's ``loc``: the model's name, ``str``, ``int``…,
    ``literal['a','b']`` for an enum, ``list[str]`` for a list."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    choices = schema.get("enum", [schema["const"]] if "const" in schema else None)
    if choices is not None:
        return "literal[" + ",".join(repr(choice) for choice in choices) + "]"
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return f"list[{union_member_tag(items) if isinstance(items, dict) else 'any'}]"
    return _TYPE_TAGS.get(str(kind), str(kind or "any"))
