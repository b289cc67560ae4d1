"""The JSON Schema of the project manifest (``agents.json``), written by hand: it is ours, not the API's.

``schemagen.generate`` writes it next to the schemas derived from the spec.
"""

from __future__ import annotations

from typing import Any

from agents_cli.kinds import REGISTRY

DIALECT = "https://json-schema.org/draft/2020-12/schema"
LOCAL_NAME_PATTERN = "^[a-z0-9][a-z0-9._-]{0,63}$"
ENVIRONMENT_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
RESIDENCIES = ["global", "us", "eu-residency", "in-residency", "sg-residency"]

Schema = dict[str, Any]


def _resource() -> Schema:
    """One agent, tool or test of the manifest: its config file and per-environment overlays."""
    overlays = {
        "type": "object",
        "description": "Environment name -> overlay file deep-merged over the config for that environment.",
        "propertyNames": {"pattern": ENVIRONMENT_NAME_PATTERN},
        "additionalProperties": {"type": "string", "minLength": 1},
    }
    return {
        "type": "object",
        "properties": {
            "config": {
                "type": "string",
                "minLength": 1,
                "description": "Config file, relative to agents.json.",
            },
            "overlays": overlays,
        },
        "required": ["config"],
        "additionalProperties": False,
    }


def _branch_properties() -> Schema:
    """An environment as a branch of another's agents, and the traffic split between branches."""
    return {
        "branch": {
            "type": "string",
            "minLength": 1,
            "maxLength": 140,
            "description": "Agent branch this environment reads and writes, on the workspace of the "
            "environment without a branch that has the same key (created from its main branch on the "
            "first sync). Without it: the agents' main branch.",
        },
        "main": {
            "type": "string",
            "pattern": ENVIRONMENT_NAME_PATTERN,
            "description": "A branch environment's main environment (an environment without 'branch'), "
            "whose agents it branches. Needed only when the connection does not say: two environments "
            "without a branch on the same key (two 'emulator: true' environments, say).",
        },
        "deployments": {
            "type": "object",
            "description": "Traffic split per agent: agent local name -> branch name ('main' or a "
            "branch environment's branch) -> percentage; each agent's percentages sum to 100.",
            "propertyNames": {"pattern": LOCAL_NAME_PATTERN},
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
            },
        },
    }


def _environment() -> Schema:
    """Where an environment's API is: a residency or a base URL (not both), or the embedded emulator."""
    return {
        "type": "object",
        "properties": {
            "api_key_env": {
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                "default": "ELEVENLABS_API_KEY",
                "description": "Environment variable holding the API key.",
            },
            "residency": {"enum": RESIDENCIES, "description": "Data residency; picks the base URL."},
            "base_url": {"type": "string", "format": "uri", "pattern": "^https?://"},
            "emulator": {
                "type": "boolean",
                "description": "Use the embedded convai emulator (no key needed).",
            },
            "server_environment": {
                "type": "string",
                "minLength": 1,
                "default": "production",
                "description": "The server environment (keys of environment-variable values) this "
                "environment uses: test runs and phone numbers resolve variables with it.",
            },
            "confirm": {
                "type": "boolean",
                "default": False,
                "description": "Every sync that changes something asks for confirmation first (e.g. prod); "
                "off a terminal the sync must be told yes in advance.",
            },
            "concurrency": {
                "type": "integer",
                "minimum": 1,
                "maximum": 64,
                "description": "Most requests in flight at once (default 8; the AGENTS_CONCURRENCY variable "
                "and the command-line option win). Lowered on its own while the API answers 429.",
            },
            **_branch_properties(),
            "variables": {
                "type": "object",
                "description": "Defaults for ${NAME} placeholders when NAME is set neither in the process "
                "nor in .env: fake values for a local environment. Committed, so never real secrets.",
                "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                "additionalProperties": {"type": "string"},
            },
        },
        "additionalProperties": False,
        "not": {"required": ["residency", "base_url"]},
    }


def _by_local_name(item: Schema, description: str) -> Schema:
    return {
        "type": "object",
        "description": description,
        "propertyNames": {"pattern": LOCAL_NAME_PATTERN},
        "additionalProperties": item,
    }


def _inline(resource: Schema) -> Schema:
    """An entry of a kind declared in agents.json: a config file as for the other kinds, or the config
    itself (checked against the kind's own schema), with ``overlays`` as partial configs per environment."""
    overlays = {
        "type": "object",
        "description": "Environment name -> partial config deep-merged over the entry for that environment.",
        "propertyNames": {"pattern": ENVIRONMENT_NAME_PATTERN},
        "additionalProperties": {"type": "object"},
    }
    environments = {
        "type": "array",
        "items": {"type": "string", "pattern": ENVIRONMENT_NAME_PATTERN},
        "description": "Declared only in these environments (a phone number routes to one environment's "
        "agent where several share a workspace); default: every environment.",
    }
    inline = {
        "type": "object",
        "properties": {"overlays": overlays, "environments": environments},
        "not": {"required": ["config"]},
    }
    return {"anyOf": [resource, inline]}


def manifest_schema() -> Schema:
    """The schema of ``agents.json``."""
    resource = {"$ref": "#/$defs/resource"}
    return {
        "$schema": DIALECT,
        "title": "agents project manifest (agents.json)",
        "type": "object",
        "properties": {
            "$schema": {"type": "string"},
            "version": {"const": 1},
            "default_environment": {"type": "string", "minLength": 1},
            "environments": {
                "type": "object",
                "description": "Environments by name (overlay files and commands name one).",
                "propertyNames": {"pattern": ENVIRONMENT_NAME_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/environment"},
            },
            **{
                kind.section: _by_local_name(
                    _inline(resource) if kind.inline else resource,
                    f"{kind.section.capitalize()} by local name.",
                )
                for kind in REGISTRY.listed()
            },
            "scenarios": _by_local_name(resource, "Reserved for a later release."),
        },
        "required": ["version"],
        "additionalProperties": False,
        "$defs": {"environment": _environment(), "resource": _resource()},
    }
