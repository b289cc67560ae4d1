"""Phone numbers: ``/v1/convai/phone-numbers``. A number is declared by its E.164 ``phone_number`` and the
agent it routes to (``agent: "@agent:support-bot"``, and ``branch_id`` once branches exist); sync adopts the
number already in the workspace by that value and PATCHes ``agent_id`` when it differs. A number not there
yet is imported with its provider credentials (``provider: twilio`` with ``sid``/``token``, or
``sip_trunk`` with trunk configs), sent only on that create and never compared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents_cli.kinds.base import ResourceKind, Routes

COMPARED = ("phone_number", "label", "agent_id", "branch_id", "environment")
CREATE_ONLY = (
    "provider",
    "sid",
    "token",
    "account_auth_token",
    "region_config",
    "inbound_trunk_config",
    "outbound_trunk_config",
    "supports_inbound",
    "supports_outbound",
)


class PhoneNumberKind(ResourceKind):
    def request_shape(self, config: Mapping[str, Any]) -> dict[str, Any]:
        body = dict(config)
        if "agent" in body:
            body["agent_id"] = body.pop("agent")
        return body

    def file_shape(self, body: dict[str, Any]) -> dict[str, Any]:
        out = {
            key: value for key, value in body.items() if key not in ("agent_id", "branch_id", "environment")
        }
        if body.get("agent_id"):
            out["agent"] = body["agent_id"]
        if body.get("branch_id"):
            out["branch_id"] = body["branch_id"]
        return out

    def api_name(self, body: Mapping[str, Any]) -> str | None:
        number = body.get("phone_number")
        return number if isinstance(number, str) else None

    def pull_name(self, item: Mapping[str, Any]) -> str | None:
        label = item.get("label")  # "support-line" rather than "15551230000"
        return label if isinstance(label, str) and label else self.api_name(item)

    def complete(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("label"):
            body["label"] = name
        return body

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        assigned = body.get("assigned_agent")
        if "assigned_agent" in body:  # a GET: the assignment is an object
            body["agent_id"] = assigned.get("agent_id") if isinstance(assigned, dict) else None
            body["branch_id"] = assigned.get("branch_id") if isinstance(assigned, dict) else None
            body["environment"] = assigned.get("environment") if isinstance(assigned, dict) else None
        out = {key: body.get(key) for key in COMPARED}
        if not out["agent_id"]:  # the API keeps the environment with the assignment
            out["environment"] = None
        if "assigned_agent" not in body:  # a config: its import credentials (a GET has none to compare)
            out.update((key, body[key]) for key in CREATE_ONLY if key in body)
        return out

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {key: None for key in COMPARED}

    def update_body(self, body: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
        return {key: body.get(key) for key in ("agent_id", "label", "branch_id", "environment")}

    def create_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        # The import takes no environment or branch: the PATCH after it sets them.
        return {key: value for key, value in body.items() if key not in ("environment", "branch_id")}


KIND = PhoneNumberKind(
    name="phone_number",
    section="phone_numbers",
    folder="phone_numbers",
    routes=Routes(
        collection="/v1/convai/phone-numbers",
        create="/v1/convai/phone-numbers",
        list_key="",  # the list is a bare array
        id_field="phone_number_id",
    ),
    model="",  # compared in its own shape (``canonical``): GET and import bodies differ too much
    found_by="name",
    default_template="existing",
    listing_order=7,
    server_owned=(("phone_number_id",),),
    list_returns_resources=True,
    inline=True,
    shared=True,
    create_only=CREATE_ONLY,
    server_environment_field="environment",
)
