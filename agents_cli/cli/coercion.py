"""Option values coerced without pydantic: typer builds a pydantic ``TypeAdapter`` per parameter, and
importing pydantic costs more than the rest of the CLI's start-up (≈50 ms of ≈100).

``install()`` replaces typer's ``build_runtime_param`` for the annotations our commands use — ``str``,
``int``/``float`` (with ``min``/``max``), ``bool``, ``Path``, enums, each optionally ``| None`` or in a
``list`` — with the same checks typer makes (its own choice and path helpers). Anything else (a custom
``parser``, clamping, dates, files) still goes to typer's builder, so behaviour never silently narrows.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Union, get_args, get_origin

_BOOL_WORDS = {
    "1": True,
    "true": True,
    "t": True,
    "yes": True,
    "y": True,
    "on": True,
    "0": False,
    "false": False,
    "f": False,
    "no": False,
    "n": False,
    "off": False,
}

Leaf = Callable[[Any, Any, Any], Any]  # (value, param, ctx) -> coerced value


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _number(kind: type[Any], info: Any) -> Leaf:
    from typer._click.exceptions import BadParameter

    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise BadParameter(f"{value!r} is not a valid {kind.__name__}.", ctx=ctx, param=param) from None
        if info.min is not None and number < info.min:
            raise BadParameter(f"must be at least {info.min} (got {number}).", ctx=ctx, param=param)
        if info.max is not None and number > info.max:
            raise BadParameter(f"must be at most {info.max} (got {number}).", ctx=ctx, param=param)
        return number

    return coerce


def _boolean(value: Any, param: Any, ctx: Any) -> Any:
    from typer._click.exceptions import BadParameter

    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _BOOL_WORDS:
        return _BOOL_WORDS[word]
    raise BadParameter(f"{value!r} is not a valid boolean.", ctx=ctx, param=param)


def _leaf(annotation: Any, info: Any) -> Leaf | None:
    """The light coercion of one leaf annotation, or None to leave it to typer."""
    from typer import _param_types

    if info.parser is not None or info.clamp:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = list(annotation)
        return lambda value, param, ctx: _param_types.coerce_cli_choice(
            value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx
        )
    if annotation is bool:
        return _boolean
    if annotation in (int, float):
        return _number(annotation, info)
    if annotation is str:
        return lambda value, param, ctx: value.decode() if isinstance(value, bytes) else str(value)
    if (isinstance(annotation, type) and issubclass(annotation, Path)) or info.path_type is not None:
        path_type = info.path_type or annotation

        def path(value: Any, param: Any, ctx: Any) -> Any:
            return _param_types.coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)

        return path
    return None


def _light(annotation: Any, info: Any) -> tuple[Leaf, bool] | None:
    """(leaf coercion, whether the value is a list) for the annotations handled here."""
    annotation = _without_none(annotation)
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        leaf = _leaf(_without_none(item), info)
        return (leaf, True) if leaf is not None else None
    leaf = _leaf(annotation, info)
    return (leaf, False) if leaf is not None else None


def install() -> None:
    """Route typer's runtime coercion through the light coercions (idempotent)."""
    from typer import _coercion, core

    original = _coercion.build_runtime_param
    if getattr(getattr(core, "build_runtime_param", None), "agents_light", False):
        return

    @dataclass(frozen=True)
    class LightRuntimeParam(_coercion.RuntimeParam):
        leaf: Leaf
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            from typer._click.exceptions import BadParameter

            try:
                if self.many:
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [self.leaf(item, param, ctx) for item in items]
                return self.leaf(value, param, ctx)
            except ValueError as exc:  # typer's choice helper says what was wrong in a ValueError
                raise BadParameter(str(exc), ctx=ctx, param=param) from exc

    def build(descriptor: Any) -> Any:
        light = (
            None
            if descriptor.file_annotation is not None
            else _light(descriptor.annotation, descriptor.parameter_info)
        )
        if light is None:
            return original(descriptor)
        return LightRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            leaf=light[0],
            many=light[1],
        )

    build.agents_light = True  # type: ignore[attr-defined]
    setattr(core, "build_runtime_param", build)  # noqa: B010  (typer does not export the name)
