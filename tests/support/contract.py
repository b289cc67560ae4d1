"""Response contract checks: does a recorded emulator response fit the spec's response schema for its route?

The spec's component schemas are JSON Schema 2020-12 (OpenAPI 3.1); ``$ref``s resolve against the vendored
spec document. ``discriminator`` is ignored by jsonschema, so ``oneOf`` members must be told apart by their
``const`` tags, as they are in this spec.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

from agents_cli.spec.model import models

SPEC_URI = "urn:convai-spec"


class ExchangeLike(Protocol):
    method: str
    path: str
    status: int
    content_type: str
    body: bytes


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    # Literal segments beat parameters (/agents/create before /agents/{agent_id}), as in the real router.
    templates = sorted(models().spec["paths"], key=lambda t: (t.count("{"), t))
    return [(re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", t) + "$"), t) for t in templates]


def route_of(method: str, path: str) -> str | None:
    for pattern, template in _templates():
        if pattern.match(path) and method.lower() in models().spec["paths"][template]:
            return template
    return None


@cache
def _validator(schema_json: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(models().spec, default_specification=DRAFT202012)
    )
    schema = json.loads(schema_json.replace('"#/components/', f'"{SPEC_URI}#/components/'))
    return Draft202012Validator(schema, registry=registry)


def schema_errors(schema: dict[str, Any], value: object) -> list[str]:
    validator = _validator(json.dumps(schema, sort_keys=True))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message[:200]}"
        for error in validator.iter_errors(value)
    ]


def _documented_media(method: str, template: str, status: int) -> set[str]:
    """The media types the spec documents for a response (a document's content is ``text/html``)."""
    operation = models().spec["paths"].get(template, {}).get(method.lower(), {})
    response = operation.get("responses", {}).get(str(status), {})
    return set(response.get("content", {})) if isinstance(response, dict) else set()


def contract_violations(exchanges: Sequence[ExchangeLike]) -> list[str]:
    """One line per response that the spec does not allow (unknown routes and undocumented errors skipped)."""
    violations: list[str] = []
    for exchange in exchanges:
        template = route_of(exchange.method, exchange.path)
        if template is None or exchange.status == 0:
            continue
        if exchange.status >= 400 and exchange.status != 422:
            continue  # the spec documents no body for these: the emulator uses {"detail": {status, message}}
        schema = models().response_body_schema(exchange.method, template, exchange.status)
        label = f"{exchange.method} {exchange.path} -> {exchange.status}"
        if not exchange.body:
            if schema is not None and schema != {}:
                violations.append(f"{label}: empty body where the spec documents JSON")
            continue
        media = exchange.content_type.split(";")[0].strip()
        if media != "application/json":
            documented = _documented_media(exchange.method, template, exchange.status)
            if media not in documented:
                violations.append(f"{label}: a {media} body where the spec documents {sorted(documented)}")
            continue
        if schema is None:
            violations.append(f"{label}: a JSON body where the spec documents none")
            continue
        try:
            value = json.loads(exchange.body)
        except ValueError:
            violations.append(f"{label}: body is not JSON")
            continue
        violations.extend(f"{label}: {error}" for error in schema_errors(schema, value)[:5])
    return violations
