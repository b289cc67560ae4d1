"""What every route handler needs, shared through the app: the store, the settings and the spec's models.

``context_of(request)`` finds it (``create_app`` puts it in ``app.state.emulator``). ``ctx.body(request,
method, path)`` validates a JSON body against the spec's request schema (422 in FastAPI's shape) and
``ctx.respond(method, path, data)`` shapes a response through the spec's response schema.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.faults import FaultMiddleware, FaultSettings
from agents_cli.emulator.responses import ShapedBodyCache, encode_json, json_response
from agents_cli.emulator.settings import EmulatorSettings
from agents_cli.emulator.store import Store
from agents_cli.spec.memo import ApplyMemo
from agents_cli.spec.model import OpenAPIModels

log = logging.getLogger("agents_cli.emulator")

# The large, rarely changing sections of an agent, re-applied on every PATCH (the merged config is validated
# as a whole) and every response: applied once per distinct content (see agents_cli.spec.memo).
# Not conversation_config: nearly every PATCH changes it, so its key would be encoded for nothing.
MEMOISED_SECTIONS: dict[str, tuple[str, ...]] = {
    model: ("platform_settings", "workflow")
    for model in (
        "Body_Create_Agent_v1_convai_agents_create_post",
        "Body_Patches_an_Agent_settings_v1_convai_agents__agent_id__patch",
        "GetAgentResponseModel",
    )
}


class EmulatorContext:
    """The state of one emulator app: store, live settings, spec models, caches."""

    def __init__(self, settings: EmulatorSettings, store: Store, spec_models: OpenAPIModels) -> None:
        self.settings = settings
        self.store = store
        self.models = spec_models
        self.fault_middleware: FaultMiddleware | None = None  # the app's, set when the app is built
        self.shaped_bodies = ShapedBodyCache()
        self.memo = ApplyMemo(
            spec_models.schema(model)["properties"][section]
            for model, sections in MEMOISED_SECTIONS.items()
            for section in sections
        )

    def configure(self, **changes: Any) -> None:
        """Replace settings fields live (``faults``, ``api_keys``, ``strict``, ``completion_polls``...).

        New ``faults`` also restart the fault sequence at request 0, so a seeded run replays exactly.
        """
        self.settings = dataclasses.replace(self.settings, **changes)
        if "faults" in changes and self.fault_middleware is not None:
            self.fault_middleware.settings = changes["faults"] or FaultSettings()
            self.fault_middleware.reset()

    # -- requests ------------------------------------------------------------------------------------
    async def raw_body(self, request: Request, *, required: bool = True) -> object:
        raw = await request.body()
        if not raw.strip():
            if required:
                raise ApiError.validation(
                    [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
                )
            return None
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            position = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
            raise ApiError.validation(
                [
                    {
                        "type": "json_invalid",
                        "loc": ["body", position],
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": str(exc)},
                    }
                ]
            ) from None

    def validate(self, schema: str | dict[str, Any], value: object, *, fill_defaults: bool = True) -> Any:
        """Apply a component (by name) or an inline schema to a body; 422 on errors."""
        result, errors = self.models.apply(
            schema,
            value,
            strict=self.settings.strict,
            strict_catalog=self.settings.strict_catalog,
            fill_defaults=fill_defaults,
            memo=self.memo,
        )
        if errors:
            raise ApiError.validation(errors)
        return result

    async def body(
        self, request: Request, method: str, path: str, *, fill_defaults: bool = True, optional: bool = False
    ) -> Any:
        """The JSON body validated against the operation's request schema (named or inline); ``optional``:
        the spec does not require one (no body reads as ``{}``)."""
        schema = self.models.request_body_schema(method, path)
        if schema is None:
            raise RuntimeError(f"no JSON request body in the spec for {method.upper()} {path}")
        self.check_query(request, method, path)
        value = await self.raw_body(request, required=not optional)
        value = {} if value is None else value
        name = self.models.ref_name(schema)
        return self.validate(name if name is not None else schema, value, fill_defaults=fill_defaults)

    def check_query(self, request: Request, method: str, path: str) -> None:
        """Every query parameter the operation declares, coerced by its spec schema as FastAPI would: one
        422 listing each that does not fit (``sort_direction=AAA``, ``types=bogus``, ``archived=maybe``).
        Repeated parameters of array type are read as a list."""
        operation = self.models.spec["paths"][path][method.lower()]
        errors: list[Any] = []
        for parameter in operation.get("parameters", ()):
            name, schema = parameter["name"], parameter.get("schema", {})
            values = request.query_params.getlist(name) if parameter.get("in") == "query" else []
            if not values:
                continue
            raw = values if _takes_array(schema) else values[-1]
            _value, found = self.models.apply(schema, raw, loc=("query", name))
            errors.extend(found)
        if errors:
            raise ApiError.validation(errors)

    def query_param(self, request: Request, method: str, path: str, name: str) -> Any:
        """A query parameter coerced by its spec schema (422 at ``["query", name]``), or its default."""
        operation = self.models.spec["paths"][path][method.lower()]
        schema = next(p["schema"] for p in operation.get("parameters", ()) if p["name"] == name)
        raw = request.query_params.get(name)
        if raw is None:
            return schema.get("default")
        value, errors = self.models.apply(schema, raw, loc=("query", name))
        if errors:
            raise ApiError.validation(errors)
        return value

    # -- responses -----------------------------------------------------------------------------------
    def shape(self, schema_name: str, data: object) -> Any:
        """``data`` through a response model: defaults filled, internal keys dropped."""
        result, errors = self.models.apply(schema_name, data, loc=("response",), memo=self.memo)
        if errors:
            # Our bug, not the client's: say so loudly instead of sending a body the spec would reject.
            log.error("response does not fit %s: %s", schema_name, errors[:3])
            raise ApiError.of(
                500, "emulator_response_invalid", f"response does not fit {schema_name}: {errors[0]}"
            )
        return result

    def shaped_body(self, schema_name: str, data: object) -> bytes:
        """The JSON body of ``data`` shaped through ``schema_name``, from the cache when seen before."""
        key = (schema_name, encode_json(data))
        body = self.shaped_bodies.get(key)
        if body is None:
            body = encode_json(self.shape(schema_name, data)).encode("utf-8")
            self.shaped_bodies.put(key, body)
        return body

    def respond(self, method: str, path: str, data: object, status: int = 200) -> Response:
        name = self._response_model(method, path, status, data)
        if name is None:
            return json_response(data, status)
        return Response(self.shaped_body(name, data), status_code=status, media_type="application/json")

    def _response_model(self, method: str, path: str, status: int, data: object) -> str | None:
        """The named response model for this answer (a discriminated union picks by the data's tag)."""
        schema = self.models.response_body_schema(method, path, status)
        if schema is None:
            return None
        name = self.models.ref_name(schema)
        if name is not None:
            return name
        discriminator = schema.get("discriminator", {})
        tag = data.get(discriminator.get("propertyName", "")) if isinstance(data, dict) else None
        mapping = discriminator.get("mapping", {})
        if isinstance(tag, str) and tag in mapping:
            return self.models.ref_name({"$ref": mapping[tag]})
        return None


def context_of(request: Request) -> EmulatorContext:
    """The context of the app serving ``request`` (handlers are module-level; the app carries the state)."""
    ctx: EmulatorContext = request.app.state.emulator
    return ctx


def _takes_array(schema: dict[str, Any]) -> bool:
    options = [schema, *schema.get("anyOf", ())]
    return any(option.get("type") == "array" for option in options if isinstance(option, dict))
