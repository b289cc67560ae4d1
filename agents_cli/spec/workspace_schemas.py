"""JSON Schemas of the workspace kinds declared in agents.json (secrets, environment variables, phone
numbers, webhooks), written by hand: their entries are our shapes (``agent: "@agent:x"``, ``values`` by server
environment, a secret's value as a placeholder), not a request body of the spec. The workspace settings'
schema is derived from the spec (``schemagen``)."""

from __future__ import annotations

from typing import Any

from agents_cli.spec.manifest_schema import DIALECT

Schema = dict[str, Any]
SETTINGS_ROOT = "PatchConvAISettingsRequest"
NOTE = "Written by agents_cli/spec/workspace_schemas.py (scripts/gen_schemas.py); do not edit."


def _document(title: str, description: str, body: Schema) -> Schema:
    return {"$schema": DIALECT, "title": title, "description": f"{description} {NOTE}", **body}


def _secret() -> Schema:
    return _document(
        "Workspace secret",
        "A write-only workspace secret; its value comes from a ${VAR} placeholder and is never read back.",
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "description": "API name (default: local name)."},
                "value": {"type": "string", "description": 'The value, as a placeholder: "${CRM_TOKEN}".'},
            },
            "required": ["value"],
            "additionalProperties": False,
        },
    )


def _environment_variable() -> Schema:
    values = {
        "type": "object",
        "description": "Value per server environment; production is required.",
        "required": ["production"],
        "additionalProperties": {"type": ["string", "object"]},
    }
    return _document(
        "Workspace environment variable",
        "Values keyed by server environment (a secret variable's values are @secret: references).",
        {
            "type": "object",
            "properties": {
                "label": {
                    "type": "string",
                    "minLength": 1,
                    "description": "API label (default: local name).",
                },
                "type": {"enum": ["string", "secret"], "default": "string"},
                "values": values,
            },
            "required": ["values"],
            "additionalProperties": False,
        },
    )


def _phone_number() -> Schema:
    trunk = {"type": ["object", "null"]}
    return _document(
        "Phone number",
        "A number of the workspace, by E.164 value, and the agent it routes to; provider credentials only "
        "to import a number not there yet.",
        {
            "type": "object",
            "properties": {
                "phone_number": {"type": "string", "pattern": "^\\+[1-9][0-9]{1,14}$"},
                "label": {"type": "string"},
                "agent": {"type": ["string", "null"], "description": 'The agent: "@agent:support-bot".'},
                "branch_id": {"type": ["string", "null"]},
                "environment": {
                    "type": ["string", "null"],
                    "description": "Server environment for its calls (default: the environment's).",
                },
                "provider": {"enum": ["twilio", "sip_trunk"]},
                "sid": {"type": "string"},
                "token": {"type": "string"},
                "account_auth_token": {"type": ["string", "null"]},
                "region_config": trunk,
                "inbound_trunk_config": trunk,
                "outbound_trunk_config": trunk,
                "supports_inbound": {"type": "boolean"},
                "supports_outbound": {"type": "boolean"},
            },
            "required": ["phone_number"],
            "additionalProperties": False,
            "if": {"properties": {"provider": {"const": "twilio"}}, "required": ["provider"]},
            "then": {"required": ["sid", "token"]},
        },
    )


def _webhook() -> Schema:
    headers = {"type": ["object", "null"], "additionalProperties": {"type": "string"}}
    events = {"enum": ["voice_library_removal_notice", "speech_to_text", "agent_qa", "flows"]}
    return _document(
        "Workspace webhook",
        "An HMAC-signed workspace webhook; the convai settings name it as @webhook:NAME.",
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "description": "API name (default: local name)."},
                "webhook_url": {
                    "type": "string",
                    "pattern": "^https://",
                    "description": "The HTTPS callback URL (cannot change once created).",
                },
                "request_headers": {
                    **headers,
                    "description": "Headers sent with each delivery; credentials as ${VAR} placeholders.",
                },
                "is_disabled": {"type": "boolean", "default": False},
                "retry_enabled": {"type": ["boolean", "null"]},
                "events": {"type": "array", "items": events, "uniqueItems": True},
            },
            "required": ["webhook_url"],
            "additionalProperties": False,
        },
    )


def workspace_schemas() -> dict[str, Schema]:
    return {
        "secret.schema.json": _secret(),
        "environment_variable.schema.json": _environment_variable(),
        "phone_number.schema.json": _phone_number(),
        "webhook.schema.json": _webhook(),
    }
