"""Where an OpenAPI document keeps its schemas: components by name, and each operation's request and
response bodies. ``model.OpenAPIModels`` adds applying those schemas to values."""

from __future__ import annotations

from typing import Any

REF_PREFIX = "#/components/schemas/"


class OpenAPIDocument:
    """Lookups in one OpenAPI document (a parsed JSON object; never modified)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.schemas: dict[str, dict[str, Any]] = spec.get("components", {}).get("schemas", {})

    def schema(self, name: str) -> dict[str, Any]:
        return self.schemas[name]

    def _operation(self, method: str, path_template: str) -> dict[str, Any] | None:
        item = self.spec.get("paths", {}).get(path_template)
        if not isinstance(item, dict):
            return None
        operation = item.get(method.lower())
        return operation if isinstance(operation, dict) else None

    @staticmethod
    def ref_name(schema: object) -> str | None:
        """``Foo`` for ``{"$ref": "#/components/schemas/Foo"}``, else None."""
        if isinstance(schema, dict):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                return ref[len(REF_PREFIX) :]
        return None

    def request_body_schema(self, method: str, path_template: str) -> dict[str, Any] | None:
        """The JSON request body schema of an operation as written (a ``$ref`` or inline), if any."""
        operation = self._operation(method, path_template)
        if operation is None:
            return None
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        schema = media.get("schema") if isinstance(media, dict) else None
        return schema if isinstance(schema, dict) else None

    def response_body_schema(
        self, method: str, path_template: str, status: int = 200
    ) -> dict[str, Any] | None:
        """The JSON response body schema of an operation for a status code as written, if any."""
        operation = self._operation(method, path_template)
        if operation is None:
            return None
        response = operation.get("responses", {}).get(str(status))
        if not isinstance(response, dict):
            return None
        media = response.get("content", {}).get("application/json")
        schema = media.get("schema") if isinstance(media, dict) else None
        return schema if isinstance(schema, dict) else None

    def request_schema(self, method: str, path_template: str) -> str | None:
        """Component name of the JSON request body of an operation, if it is a named component."""
        return self.ref_name(self.request_body_schema(method, path_template))

    def response_schema(self, method: str, path_template: str, status: int = 200) -> str | None:
        """Component name of the JSON response body of an operation for a status code, if named."""
        return self.ref_name(self.response_body_schema(method, path_template, status))
