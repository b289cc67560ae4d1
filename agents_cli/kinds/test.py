"""Agent tests: ``/v1/convai/agent-testing``, replaced whole by PUT; three request models, by ``type``.
Attached to agents in ``platform_settings.testing.attached_tests[].test_id``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents_cli.kinds.base import Attachment, ResourceKind, Routes

DEFAULT_TYPE = "llm"
MODELS = {
    "llm": "CreateResponseUnitTestRequest",
    "tool": "CreateToolCallUnitTestRequest",
    "simulation": "CreateSimulationTestRequest",
}


class TestKind(ResourceKind):
    def model_for(self, body: Mapping[str, Any]) -> str:
        return MODELS.get(str(body.get("type", DEFAULT_TYPE)), MODELS[DEFAULT_TYPE])

    def discriminator(self, body: Mapping[str, Any]) -> str:
        return str(body.get("type", DEFAULT_TYPE))

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {"type": discriminator}

    def listed(self, item: Mapping[str, Any]) -> bool:
        return item.get("entity_type") != "folder"  # the tests list also holds folders


def type_of(config: Mapping[str, Any]) -> str:
    """``llm`` | ``tool`` | ``simulation`` (``llm`` when the config leaves it out)."""
    return str(config.get("type") or DEFAULT_TYPE)


KIND = TestKind(
    name="test",
    section="tests",
    folder="tests",
    routes=Routes(
        collection="/v1/convai/agent-testing",
        create="/v1/convai/agent-testing/create",
        list_key="tests",
        id_field="id",
        update_method="PUT",
    ),
    model=MODELS[DEFAULT_TYPE],
    found_by="name",
    default_template="llm",
    listing_order=2,
    server_owned=(("id",),),
    reference_slots=(("attached_tests", int, "test_id"),),
    attached_at=Attachment(
        to="agent", path="platform_settings.testing.attached_tests", field="test_id", checked_by="test"
    ),
)
