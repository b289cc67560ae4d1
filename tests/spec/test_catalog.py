"""One catalog table (``agents_cli.spec.catalog``) for both sides: what ``agents validate`` only warns about,
the emulator and normalisation accept; what stays a strict enum is refused by both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from agents_cli.bundled import openapi_spec_path
from agents_cli.spec.catalog import CATALOG_COMPONENTS, CATALOG_PROPERTIES
from agents_cli.spec.model import models
from agents_cli.spec.schemagen import generate
from tests.support.cli import run_cli

UNKNOWN = "from-a-newer-catalog-v9"
# The smallest valid bodies of the components that hold an inline catalog.
PROPERTY_OWNERS: dict[str, dict[str, Any]] = {"CustomGuardrailConfig": {"name": "g", "prompt": "p"}}


@cache
def generated_defs() -> dict[str, dict[str, Any]]:
    """Every ``$defs`` entry of the generated agent, tool and test schemas."""
    spec = json.loads(openapi_spec_path().read_text(encoding="utf-8"))
    defs: dict[str, dict[str, Any]] = {}
    for name, schema in generate(spec).items():
        if name != "manifest.schema.json":
            defs.update(schema.get("$defs", {}))
    return defs


def _catalog_nodes(node: object, where: str) -> Iterator[tuple[str, str]]:
    """(where, catalog name) of every ``x-catalog`` schema below ``node``."""
    if isinstance(node, dict):
        if "x-catalog" in node:
            yield where, node["x-catalog"]
        for key, value in node.items():
            yield from _catalog_nodes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _catalog_nodes(value, where)


def test_every_catalog_of_the_table_is_an_enum_of_the_spec() -> None:
    schemas = models().schemas
    for component in CATALOG_COMPONENTS:
        assert "enum" in schemas[component], component
    for component, prop in CATALOG_PROPERTIES:
        assert "enum" in schemas[component]["properties"][prop], (component, prop)
        assert component in PROPERTY_OWNERS, f"add a minimal {component} body to PROPERTY_OWNERS"


def test_the_generated_schemas_mark_exactly_the_table() -> None:
    marked = dict(_catalog_nodes(generated_defs(), "$defs"))
    expected = {f"$defs.{name}": human for name, human in CATALOG_COMPONENTS.items()}
    expected |= {
        f"$defs.{component}.properties.{prop}": human
        for (component, prop), human in CATALOG_PROPERTIES.items()
    }
    assert marked == expected


@pytest.mark.parametrize("component", sorted(CATALOG_COMPONENTS))
def test_the_model_accepts_any_string_for_a_catalog_component(component: str) -> None:
    value, errors = models().apply(component, UNKNOWN)
    assert errors == [] and value == UNKNOWN
    _, strict_errors = models().apply(component, UNKNOWN, strict_catalog=True)
    assert [error["type"] for error in strict_errors] == ["enum"]


@pytest.mark.parametrize(("component", "prop"), sorted(CATALOG_PROPERTIES))
def test_the_model_accepts_any_string_for_an_inline_catalog(component: str, prop: str) -> None:
    body = {**PROPERTY_OWNERS[component], prop: UNKNOWN}
    value, errors = models().apply(component, body)
    assert errors == [] and isinstance(value, dict) and value[prop] == UNKNOWN
    _, strict_errors = models().apply(component, body, strict_catalog=True)
    assert [(error["loc"], error["type"]) for error in strict_errors] == [(["body", prop], "literal_error")]


def test_a_structural_enum_stays_strict_on_both_sides() -> None:
    # An audio format is structure (the audio pipeline depends on it), not a vendor catalog.
    assert "TTSOutputFormat" not in CATALOG_COMPONENTS
    assert "enum" in generated_defs()["TTSOutputFormat"]
    _, errors = models().apply("TTSOutputFormat", "pcm_1")
    assert [error["type"] for error in errors] == ["enum"]


AGENT_WITH_NEW_EMBEDDING_MODEL = """\
name: Support Bot
conversation_config:
  agent:
    first_message: Hello! How can I help you today?
    prompt:
      prompt: You answer from the knowledge base.
      rag:
        enabled: true
        embedding_model: e5_mistral_7b_instruct_v9
"""


def test_an_unknown_embedding_model_warns_in_validate_and_syncs_to_the_emulator(tmp_path: Path) -> None:
    run_cli(["init"], cwd=tmp_path)
    run_cli(["add", "agent", "Support Bot"], cwd=tmp_path)
    (tmp_path / "agents" / "support-bot.yaml").write_text(AGENT_WITH_NEW_EMBEDDING_MODEL, encoding="utf-8")

    validated = run_cli(["validate"], cwd=tmp_path, expect=0)
    assert "warning: conversation_config.agent.prompt.rag.embedding_model:" in validated.stdout
    assert "'e5_mistral_7b_instruct_v9' is not a known RAG embedding model" in validated.stdout
    assert "0 errors, 1 warning" in validated.stdout

    run_cli(["sync", "--env", "local", "--yes"], cwd=tmp_path, expect=0)
    # The embedded emulator kept the value: the next plan finds nothing to change.
    again = run_cli(["plan", "--env", "local", "--detailed-exitcode"], cwd=tmp_path, expect=0)
    assert "No changes." in again.stdout
