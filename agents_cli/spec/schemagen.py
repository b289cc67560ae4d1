"""Derive Draft 2020-12 JSON Schemas for config files from the ElevenLabs OpenAPI spec.

Pure functions: ``generate(spec)`` returns ``{file name: schema}``; ``render(schema)`` is the one
byte-exact serialisation. ``scripts/gen_schemas.py`` does the file IO. Every decision about the spec's
quirks is documented in ``docs/schemas.md``; the short version:

* ``additionalProperties: false`` on every API object with ``properties`` (typos must fail), but free-form
  maps (an ``additionalProperties`` schema, or no ``properties``) keep accepting user keys.
* ``anyOf: [X, {type: null}]`` becomes ``type: [T, "null"]`` or ``if: {type: null}, else: X`` so errors
  inside ``X`` keep their precise path instead of disappearing into an ``anyOf`` context.
* ``$ref`` siblings are kept next to the ``$ref`` (2020-12 applies both); a nullable ``anyOf`` sibling
  makes the ``$ref`` nullable instead of forbidding null.
* ``oneOf``/``anyOf`` + ``discriminator`` become an enum check on the tag plus one ``if/then`` per tag.
* Vendor catalogs (LLM ids, TTS models…; the table in ``agents_cli.spec.catalog``) become ``x-catalog-enum``:
  the engine warns, or errors when strict.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from agents_cli.spec.catalog import CATALOG_COMPONENTS, CATALOG_PROPERTIES
from agents_cli.spec.manifest_schema import DIALECT, manifest_schema
from agents_cli.spec.workspace_schemas import SETTINGS_ROOT, workspace_schemas

COMPONENT_REF_PREFIX = "#/components/schemas/"
DEFS_REF_PREFIX = "#/$defs/"

AGENT_ROOT = "Body_Create_Agent_v1_convai_agents_create_post"
TOOL_ROOT = "ToolRequestModel"
MCP_ROOT = "MCPServerConfig-Input"
TEST_CREATE_PATH = "/v1/convai/agent-testing/create"

# Keywords whose value is one subschema / a list of subschemas / a map of name -> subschema.
_SUBSCHEMA_KEYS = frozenset(
    {"items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains"}
)
_SUBSCHEMA_LIST_KEYS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
_SUBSCHEMA_MAP_KEYS = frozenset({"properties", "patternProperties", "dependentSchemas"})
# Non-standard spec keys we drop (plus every ``x-*``). ``discriminator`` is consumed by the rewrite.
_DROPPED_KEYS = frozenset({"example", "optional", "discriminator", "title"})
# Keys that only describe; they may sit next to a ``$ref`` without changing what validates.
_ANNOTATION_KEYS = frozenset({"description", "default", "examples", "deprecated", "readOnly", "writeOnly"})
_NULL_SCHEMA = {"type": "null"}

Schema = dict[str, Any]


class SpecError(ValueError):
    """The spec does not have the shape the generator relies on."""


def _ref_name(ref: str) -> str:
    if not ref.startswith(COMPONENT_REF_PREFIX):
        raise SpecError(f"unsupported $ref {ref!r} (only {COMPONENT_REF_PREFIX}… is handled)")
    return ref[len(COMPONENT_REF_PREFIX) :]


class _Converter:
    """Converts spec schemas to our dialect, collecting the components they reach into ``$defs``."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self.defs: dict[str, Schema] = {}
        self._pending: list[str] = []

    # -- components --------------------------------------------------------------------------------

    def ref(self, name: str) -> Schema:
        if name not in self.components:
            # The published spec refers to some ``X-Input``/``X-Output`` models it only defines as ``X``.
            base = name.removesuffix("-Input").removesuffix("-Output")
            if base == name or base not in self.components:
                raise SpecError(f"spec refers to missing component {name!r}")
            name = base
        if name not in self.defs and name not in self._pending:
            self._pending.append(name)
        return {"$ref": DEFS_REF_PREFIX + name}

    def drain(self) -> dict[str, Schema]:
        while self._pending:
            name = self._pending.pop()
            self.defs[name] = {}  # reserve first: recursive models refer to themselves
            self.defs[name] = self.component(name)
        return dict(sorted(self.defs.items()))

    def component(self, name: str) -> Schema:
        source = self.components[name]
        if name in CATALOG_COMPONENTS:
            return _catalog(source, CATALOG_COMPONENTS[name])
        converted = self.convert(source, owner=name)
        if not isinstance(converted, dict):
            raise SpecError(f"component {name!r} is not an object schema")
        if "title" in source:
            converted = {"title": source["title"], **converted}
        return converted

    # -- schemas -----------------------------------------------------------------------------------

    def convert(self, node: Any, owner: str | None = None) -> Any:
        """One spec schema to ours. ``owner`` is the component whose top level ``node`` is (for catalogs)."""
        if not isinstance(node, dict):
            return node  # boolean schemas
        variants_key = "anyOf" if "anyOf" in node else "oneOf" if "oneOf" in node else None
        if variants_key is not None:
            variants = node[variants_key]
            non_null = [variant for variant in variants if variant != _NULL_SCHEMA]
            if len(non_null) < len(variants):
                if "$ref" in node:
                    return self._nullable_ref(node, variants_key, non_null)
                return self._nullable(node, variants_key, non_null)
            if "discriminator" in node:
                return {**self._annotations(node), **self.discriminated(node["discriminator"], variants)}
        if "$ref" in node:
            return self._ref_with_siblings(node)
        out: Schema = {}
        for key, value in node.items():
            if key in _DROPPED_KEYS or key.startswith("x-"):
                continue
            if key in _SUBSCHEMA_KEYS:
                out[key] = self.convert(value)
            elif key in _SUBSCHEMA_LIST_KEYS:
                out[key] = [self.convert(item) for item in value]
            elif key in _SUBSCHEMA_MAP_KEYS:
                out[key] = {name: self._property(owner, name, sub) for name, sub in value.items()}
            else:
                out[key] = copy.deepcopy(value)
        if "properties" in node and "additionalProperties" not in node:
            # Pydantic ignores unknown keys; for a config file they are typos the server would drop.
            out["additionalProperties"] = False
        return out

    def _property(self, owner: str | None, name: str, sub: Any) -> Any:
        catalog = CATALOG_PROPERTIES.get((owner or "", name))
        if catalog is not None and isinstance(sub, dict) and "enum" in sub:
            return _catalog(sub, catalog)
        return self.convert(sub)

    def _annotations(self, node: Schema) -> Schema:
        return {key: copy.deepcopy(node[key]) for key in node if key in _ANNOTATION_KEYS}

    def _ref_with_siblings(self, node: Schema) -> Schema:
        target = self.ref(_ref_name(node["$ref"]))
        out: Schema = {}
        for key, value in node.items():
            if key == "$ref" or key in _DROPPED_KEYS or key.startswith("x-"):
                continue
            if key not in _ANNOTATION_KEYS:
                # An assertion next to $ref: 2020-12 applies both; convert it and keep both conjunctively.
                converted = self.convert({key: value})
                out.update(converted)
                continue
            out[key] = copy.deepcopy(value)
        return {**out, **target}

    def _nullable_ref(self, node: Schema, variants_key: str, non_null: list[Any]) -> Schema:
        """``$ref: X`` next to ``anyOf: [..., null]``: X, or null; other alternatives apply with X.

        Applying both literally (2020-12) would forbid the null the ``anyOf`` allows, and dropping the
        ``$ref`` would lose X's structure (the PATCH body writes ``conversation_config`` like this).
        """
        others = [variant for variant in non_null if variant.get("$ref") != node["$ref"]]
        inner = self.ref(_ref_name(node["$ref"]))
        if others:
            inner[variants_key] = [self.convert(variant) for variant in others]
        return {**self._annotations(node), "if": {"type": "null"}, "else": inner}

    def _nullable(self, node: Schema, variants_key: str, non_null: list[Any]) -> Schema:
        """``anyOf: [X, null]`` → X that also accepts null, without hiding X's error paths."""
        annotations = self._annotations(node)
        if not non_null:
            return {**annotations, "type": "null"}
        if "discriminator" in node:
            inner = self.discriminated(node["discriminator"], non_null)
        elif len(non_null) == 1:
            inner = self.convert(non_null[0])
        else:
            inner = {variants_key: [self.convert(variant) for variant in non_null]}
        for key in _ANNOTATION_KEYS:
            inner.pop(key, None)  # the outer annotations describe the property
        simple_type = inner.get("type")
        if isinstance(simple_type, str) and not {"enum", "const", "x-catalog-enum", "$ref"} & inner.keys():
            return {**annotations, **inner, "type": [simple_type, "null"]}
        return {**annotations, "if": {"type": "null"}, "else": inner}

    def discriminated(self, discriminator: Schema, variants: list[Any]) -> Schema:
        """A tagged union as an enum check on the tag plus one ``if tag == v then branch`` per value."""
        tag = discriminator["propertyName"]
        mapping: dict[str, str] = dict(discriminator.get("mapping") or {})
        if not mapping:
            for variant in variants:
                name = _ref_name(variant["$ref"])
                mapping[_tag_value(self.components[name], tag, name)] = variant["$ref"]
        values = sorted(mapping)
        branches = [
            {
                "if": {"properties": {tag: {"const": value}}, "required": [tag]},
                "then": self.ref(_ref_name(mapping[value])),
            }
            for value in values
        ]
        return {
            "type": "object",
            "required": [tag],
            "properties": {tag: {"enum": values}},
            "allOf": branches,
        }


def _tag_value(component: Schema, tag: str, name: str) -> str:
    prop = component.get("properties", {}).get(tag, {})
    if "const" not in prop:
        raise SpecError(f"component {name!r} has no const {tag!r} to discriminate on")
    return str(prop["const"])


def _catalog(source: Schema, catalog_name: str) -> Schema:
    values = list(source["enum"])
    out: Schema = {key: copy.deepcopy(source[key]) for key in source if key in ("title", "description")}
    out.update(
        {
            "type": source.get("type", "string"),
            "x-catalog": catalog_name,
            "x-catalog-enum": values,
            "examples": values,  # editors offer examples as completions; they never fail validation
        }
    )
    return out


EDITOR_KEYS: Schema = {
    "$schema": {"type": "string", "description": "Editor hint (JSON Schema location); ignored by agents."}
}
EXTENSION_KEYS: Schema = {
    "^x-": {"description": "Extension key (e.g. a home for YAML anchors); ignored by agents, never sent."}
}


def _with_editor_keys(node: Schema) -> Schema:
    """A top-level object schema that also allows ``$schema`` and ``x-*`` keys (configs.strip_editor_keys)."""
    out = dict(node)
    out["properties"] = {**EDITOR_KEYS, **node.get("properties", {})}
    out["patternProperties"] = {**EXTENSION_KEYS, **node.get("patternProperties", {})}
    return out


FILE_VARIANT_SUFFIX = "-File"


def _allow_editor_keys(body: Schema, defs: dict[str, Schema]) -> Schema:
    """Top level of a config file: the object itself, or for a tagged union each branch's model as a
    ``<Name>-File`` variant (the models forbid unknown keys and are shared with nested uses, so they are
    copied, not changed). ``defs`` gains the variants."""
    if "allOf" not in body:
        return _with_editor_keys(body)
    branches = []
    for branch in body["allOf"]:
        ref = branch.get("then", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        target = defs.get(name) if ref.startswith("#/$defs/") else None
        if target is not None and "properties" in target:
            defs[name + FILE_VARIANT_SUFFIX] = _with_editor_keys(target)
            branch = {**branch, "then": {"$ref": f"#/$defs/{name}{FILE_VARIANT_SUFFIX}"}}
        branches.append(branch)
    return {**body, "allOf": branches, "properties": {**EDITOR_KEYS, **body.get("properties", {})}}


def _document(title: str, description: str, body: Schema, defs: dict[str, Schema]) -> Schema:
    defs = dict(defs)
    body = _allow_editor_keys(body, defs)
    document: Schema = {"$schema": DIALECT, "title": title, "description": description}
    document.update(body)
    if defs:
        document["$defs"] = dict(sorted(defs.items()))
    return document


def knowledge_base_schema() -> Schema:
    """A document config (ours: the API takes each source through a different endpoint)."""
    path = {"type": "string", "minLength": 1}
    sources = {
        "file": {**path, "description": "A file in the project (.pdf .md .txt .docx .html .epub), uploaded."},
        "url": {"type": "string", "pattern": "^https?://", "description": "A web page the API fetches."},
        "text": {"type": "string", "description": "The document's text, inline."},
        "text_file": {**path, "description": "A text file in the project whose content is the document."},
    }
    return {
        "type": "object",
        "properties": {
            "name": {
                "type": "string",
                "minLength": 1,
                "description": "The name the document has in the API.",
            },
            **sources,
            "parent_folder_id": {"type": "string", "description": "The knowledge-base folder it is in."},
        },
        "required": ["name"],
        "oneOf": [{"required": [source]} for source in sources],
        "additionalProperties": False,
    }


def _test_variants(spec: dict[str, Any]) -> list[Any]:
    try:
        body = spec["paths"][TEST_CREATE_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    except KeyError as exc:
        raise SpecError(f"spec has no JSON request body for POST {TEST_CREATE_PATH}") from exc
    variants = body.get("oneOf") or body.get("anyOf")
    if not variants:
        raise SpecError(f"POST {TEST_CREATE_PATH} body is not a union of test types")
    return list(variants)


def _add_component(
    schemas: dict[str, Schema],
    components: dict[str, Any],
    root: str,
    file_name: str,
    title: str,
    description: str,
) -> None:
    """``file_name``: the schema of one spec component, when the spec has it."""
    if root not in components:
        return
    converter = _Converter(components)
    body = converter.convert(components[root], owner=root)
    schemas[file_name] = _document(title, description, body, converter.drain())


def generate(spec: dict[str, Any]) -> dict[str, Schema]:
    """All schema files derived from ``spec``, keyed by file name (plus the hand-written manifest,
    ``agents_cli.spec.manifest_schema``)."""
    components: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    source = f"{spec.get('info', {}).get('title', 'OpenAPI spec')} {spec.get('info', {}).get('version', '')}"
    note = f"Generated by scripts/gen_schemas.py from {source.strip()}; do not edit."
    schemas: dict[str, Schema] = {}

    agent = _Converter(components)
    body = agent.convert(components[AGENT_ROOT], owner=AGENT_ROOT)
    schemas["agent.schema.json"] = _document(
        "ElevenLabs agent config", f"The agent create body. {note}", body, agent.drain()
    )

    tool = _Converter(components)
    tool_config = components[TOOL_ROOT]["properties"]["tool_config"]
    body = tool.discriminated(tool_config["discriminator"], tool_config["oneOf"])
    schemas["tool.schema.json"] = _document(
        "ElevenLabs tool config",
        f"A tool file is the tool_config object itself (sent as {{tool_config: …}}). {note}",
        body,
        tool.drain(),
    )

    test = _Converter(components)
    # The spec leaves this union undiscriminated; every variant has a const ``type``, so we tag on it.
    body = test.discriminated({"propertyName": "type"}, _test_variants(spec))
    schemas["test.schema.json"] = _document(
        "ElevenLabs agent test config", f"The agent-testing create body. {note}", body, test.drain()
    )

    # A spec cut down to agents, tools and tests has neither the MCP config nor the workspace settings.
    _add_component(
        schemas,
        components,
        MCP_ROOT,
        "mcp.schema.json",
        "ElevenLabs MCP server config",
        f"An MCP server file is the config object itself (sent as {{config: …}}). {note}",
    )
    schemas["kb.schema.json"] = _document(
        "Knowledge-base document",
        "A display name and one source: file (a path relative to agents.json), url, text or text_file.",
        knowledge_base_schema(),
        {},
    )

    _add_component(
        schemas,
        components,
        SETTINGS_ROOT,
        "workspace_settings.schema.json",
        "ElevenLabs workspace convai settings",
        f"The convai settings PATCH body. {note}",
    )
    schemas.update(workspace_schemas())
    schemas["manifest.schema.json"] = manifest_schema()
    return schemas


def render(schema: Schema) -> str:
    """The one serialisation written to disk: stable, two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
