"""The schema generator: checked-in schemas are fresh, each spec quirk is handled as documented, and the
editor schemas written into a project cover scenarios and partial overlays."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from agents_cli.bundled import openapi_spec_path, schemas_dir
from agents_cli.spec.schemagen import generate, render
from tests.support import REPO_ROOT
from tests.support.cli import init_project, run_cli

GENERATED = (
    "agent.schema.json",
    "tool.schema.json",
    "test.schema.json",
    "mcp.schema.json",
    "kb.schema.json",
    "workspace_settings.schema.json",
    "secret.schema.json",
    "environment_variable.schema.json",
    "phone_number.schema.json",
    "webhook.schema.json",
    "manifest.schema.json",
)
OUR_KEYWORDS = {"x-catalog", "x-catalog-enum"}


@functools.cache
def vendored_schemas() -> dict[str, dict[str, Any]]:
    spec = json.loads(openapi_spec_path().read_text(encoding="utf-8"))
    return generate(spec)


def load_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "gen_schemas.py"
    spec = importlib.util.spec_from_file_location("gen_schemas_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a schema document (schemas and data alike)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every subschema, following only schema positions (not ``default``/``enum`` data).

    ``if`` conditions are skipped: they are dispatch tests on a tag, not descriptions of API objects.
    """
    if not isinstance(node, dict):
        return
    yield node
    for key in ("items", "additionalProperties", "propertyNames", "not", "then", "else"):
        yield from schema_nodes(node.get(key))
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for item in node.get(key, []):
            yield from schema_nodes(item)
    for key in ("properties", "patternProperties", "$defs"):
        for item in node.get(key, {}).values():
            yield from schema_nodes(item)


@pytest.mark.parametrize("name", GENERATED)
def test_checked_in_schema_matches_the_vendored_spec_byte_for_byte(name: str) -> None:
    expected = render(vendored_schemas()[name])
    actual = (schemas_dir() / name).read_text(encoding="utf-8")
    assert actual == expected, f"schemas/{name} is stale: run 'make schemas' and commit the result"


@pytest.mark.parametrize("name", GENERATED)
def test_generated_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = vendored_schemas()[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_generation_is_deterministic_and_defs_are_sorted() -> None:
    spec = json.loads(openapi_spec_path().read_text(encoding="utf-8"))
    first, second = generate(spec), generate(spec)
    for name in GENERATED:
        assert render(first[name]) == render(second[name])
        assert render(first[name]).endswith("}\n")
        defs = list(first[name].get("$defs", {}))
        assert defs == sorted(defs)


@pytest.mark.parametrize("name", GENERATED)
def test_no_non_standard_spec_keywords_survive(name: str) -> None:
    for node in schema_nodes(vendored_schemas()[name]):
        leftovers = {key for key in node if key in ("example", "optional", "discriminator")}
        leftovers |= {key for key in node if key.startswith("x-") and key not in OUR_KEYWORDS}
        assert not leftovers, f"non-standard keys {leftovers} in {json.dumps(node)[:200]}"


@pytest.mark.parametrize("name", ["agent.schema.json", "tool.schema.json", "test.schema.json"])
def test_every_api_object_with_properties_is_closed_or_deliberately_open(name: str) -> None:
    open_objects = []
    for node in schema_nodes(vendored_schemas()[name]):
        if "properties" in node and node.get("additionalProperties") is not False:
            open_objects.append(node)
    # Discriminated unions only list the tag (and the top level the editor-only `$schema`); the branch they
    # dispatch to is closed.
    assert all(
        [key for key in node["properties"] if key != "$schema"] == [node["required"][0]] and "allOf" in node
        for node in open_objects
    )


def test_catalog_components_become_warnings_not_enums() -> None:
    defs = vendored_schemas()["agent.schema.json"]["$defs"]
    llm = defs["LLM"]
    assert "enum" not in llm
    assert llm["x-catalog"] == "LLM id"
    assert "gemini-2.5-flash" in llm["x-catalog-enum"]
    for name in ("TTSConversationalModel", "ASRProvider", "ClientEvent"):
        assert "x-catalog-enum" in defs[name] and "enum" not in defs[name]


def test_tool_schema_is_the_tool_config_itself_discriminated_by_type() -> None:
    tool = vendored_schemas()["tool.schema.json"]
    assert tool["required"] == ["type"]
    assert tool["properties"]["type"]["enum"] == ["client", "mcp", "system", "webhook"]
    targets = [branch["then"]["$ref"] for branch in tool["allOf"]]
    assert "#/$defs/WebhookToolConfig-Input-File" in targets  # the model plus the top-level editor keys


def test_test_schema_is_discriminated_by_type_over_the_three_test_kinds() -> None:
    test = vendored_schemas()["test.schema.json"]
    assert test["properties"]["type"]["enum"] == ["llm", "simulation", "tool"]
    targets = {branch["then"]["$ref"].rsplit("/", 1)[1].removesuffix("-File") for branch in test["allOf"]}
    assert targets == {
        "CreateResponseUnitTestRequest",
        "CreateToolCallUnitTestRequest",
        "CreateSimulationTestRequest",
    }


# -- the quirks, on a tiny spec --------------------------------------------------------------------


def tiny_spec() -> dict[str, Any]:
    """Just enough of a spec for ``generate``: each root plus components exercising one quirk each."""
    components: dict[str, Any] = {
        "Body_Create_Agent_v1_convai_agents_create_post": {
            "type": "object",
            "x-fern-type-name": "dropped",
            "example": {"dropped": True},
            "properties": {
                "name": {"anyOf": [{"type": "string"}, {"type": "null"}], "optional": True, "title": "Name"},
                "config": {"anyOf": [{"$ref": "#/components/schemas/Config"}, {"type": "null"}]},
                "patched": {
                    "$ref": "#/components/schemas/Config",
                    "anyOf": [{"$ref": "#/components/schemas/Config"}, {"type": "null"}],
                },
                "patch_style": {
                    "$ref": "#/components/schemas/Config",
                    "anyOf": [{"type": "object", "additionalProperties": True}, {"type": "null"}],
                },
                "llm": {"description": "which model", "default": "a", "$ref": "#/components/schemas/LLM"},
                "vars": {"type": "object", "additionalProperties": True},
            },
            "required": ["config"],
        },
        "Config": {"type": "object", "properties": {"temperature": {"type": "number"}}},
        "LLM": {"type": "string", "enum": ["a", "b"]},
        "ToolRequestModel": {
            "type": "object",
            "properties": {
                "tool_config": {
                    "discriminator": {"propertyName": "type", "mapping": {"x": "#/components/schemas/ToolX"}},
                    "oneOf": [{"$ref": "#/components/schemas/ToolX"}],
                }
            },
        },
        "ToolX": {"type": "object", "properties": {"type": {"const": "x"}}},
        "TestA": {"type": "object", "properties": {"type": {"const": "a"}, "name": {"type": "string"}}},
    }
    test_body = {"anyOf": [{"$ref": "#/components/schemas/TestA"}]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "tiny", "version": "1"},
        "paths": {
            "/v1/convai/agent-testing/create": {
                "post": {"requestBody": {"content": {"application/json": {"schema": test_body}}}}
            }
        },
        "components": {"schemas": components},
    }


def test_quirks_on_a_tiny_spec() -> None:
    agent = generate(tiny_spec())["agent.schema.json"]
    props = agent["properties"]
    assert agent["additionalProperties"] is False
    assert "x-fern-type-name" not in agent and "example" not in agent
    assert props["name"] == {"type": ["string", "null"]}  # nullable scalar: a type list; title dropped
    assert props["config"] == {"if": {"type": "null"}, "else": {"$ref": "#/$defs/Config"}}
    # $ref next to anyOf [same $ref, null]: Pydantic's Optional wins over the bare $ref.
    assert props["patched"] == props["config"]
    # $ref next to anyOf [free-form object, null] (the PATCH body's style): the model, or null.
    assert props["patch_style"] == {
        "if": {"type": "null"},
        "else": {"$ref": "#/$defs/Config", "anyOf": [{"type": "object", "additionalProperties": True}]},
    }
    # Annotation siblings of $ref stay next to it.
    assert props["llm"] == {"description": "which model", "default": "a", "$ref": "#/$defs/LLM"}
    assert props["vars"] == {"type": "object", "additionalProperties": True}
    assert agent["$defs"]["Config"]["additionalProperties"] is False
    assert agent["$defs"]["LLM"]["x-catalog-enum"] == ["a", "b"]


def test_generator_script_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script()
    assert script.main([str(openapi_spec_path()), "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(GENERATED)
    assert script.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "tool.schema.json").write_text("{}\n", encoding="utf-8")
    assert script.main(["--out", str(tmp_path), "--check"]) == 1
    assert "stale: tool.schema.json" in capsys.readouterr().err


def test_generator_script_reads_a_spec_from_a_url(tmp_path: Path) -> None:
    (tmp_path / "spec.json").write_text(json.dumps(tiny_spec()), encoding="utf-8")

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/spec.json"
        out = tmp_path / "out"
        assert load_script().main([url, "--out", str(out)]) == 0
    finally:
        server.shutdown()
        server.server_close()
    agent = json.loads((out / "agent.schema.json").read_text(encoding="utf-8"))
    assert agent["$defs"]["LLM"]["x-catalog-enum"] == ["a", "b"]


@pytest.mark.parametrize("kind", ["agent", "tool", "test"])
def test_config_files_may_carry_editor_keys_at_the_top_level_only(kind: str) -> None:
    from agents_cli.spec.schema_check import check

    minimal = {
        "agent": {"conversation_config": {}},
        "tool": {"type": "client", "name": "x", "description": "d"},
        "test": {
            "type": "llm",
            "name": "t",
            "chat_history": [],
            "success_condition": "c",
            "success_examples": [],
            "failure_examples": [],
        },
    }[kind]
    assert check(kind, minimal) == []
    with_keys = {"$schema": "../.agents/schemas/x.json", "x-common": {"anchor": 1}, **minimal}
    assert [i for i in check(kind, with_keys) if i.severity == "error"] == []
    # …but an x- key deeper down is still an unknown key (the API would drop it)
    nested = {**minimal, "platform_settings": {"x-note": 1}} if kind == "agent" else {**minimal, "y-typo": 1}
    assert any(i.severity == "error" for i in check(kind, nested))


def test_editor_schemas_cover_scenarios_and_partial_overlays(tmp_path: Path) -> None:
    # Before: scenario files pointed their modeline at .agents/schemas/scenario.schema.json, which was never
    # written; overlays pointed at the full schema, so editors flagged each overlay for missing required keys.
    import jsonschema

    root = init_project(tmp_path)
    run_cli(["add", "tool", "lookup", "--template", "webhook", "--env", "prod"], cwd=root)
    schemas = root / ".agents" / "schemas"
    assert (schemas / "scenario.schema.json").is_file()
    overlay_file = (root / "tools" / "lookup.prod.yaml").read_text(encoding="utf-8")
    assert overlay_file.startswith(
        "# yaml-language-server: $schema=../.agents/schemas/tool.overlay.schema.json\n"
    )

    def problems(name: str, document: dict[str, object]) -> list[str]:
        schema = json.loads((schemas / name).read_text(encoding="utf-8"))
        validator = jsonschema.validators.validator_for(schema)(schema)
        return [error.message for error in validator.iter_errors(document)]

    partial_agent = {"conversation_config": {"agent": {"prompt": {"temperature": 0.2}}}}
    assert problems("agent.schema.json", {"tags": ["prod"]})  # the full schema still requires its keys
    assert problems("agent.overlay.schema.json", {"tags": ["prod"]}) == []
    assert problems("agent.overlay.schema.json", partial_agent) == []
    typo = {"conversation_config": {"agent": {"prompt": {"temprature": 0.2}}}}
    assert "'temprature' was unexpected" in problems("agent.overlay.schema.json", typo)[0]
    # The tool type still picks its branch: a partial webhook is fine, an unknown key is not.
    assert problems("tool.overlay.schema.json", {"type": "webhook", "api_schema": {"method": "POST"}}) == []
    assert problems("tool.overlay.schema.json", {"type": "webhook", "bogus": 1})
    assert problems("test.overlay.schema.json", {"success_condition": "The agent greets."}) == []
