"""What the server knows that the pinned spec cannot say: its vendor catalogs and its non-empty defaults.

One table, read by both sides of the tool: ``schemagen`` marks these enums ``x-catalog-enum`` so that
``agents validate`` only warns about an unknown value, and ``model`` (request validation in the emulator,
normalisation in plan/sync) accepts any string for them unless ``strict_catalog``. Were the two lists
separate, a value could pass ``validate`` with a warning and then be refused by ``sync`` (as an unknown
``rag.embedding_model`` once was).

To add a catalog: add the component (or the ``(component, property)`` of an enum written inline) with the
name messages use, run ``make schemas``, and list it in docs/schemas.md.
"""

from __future__ import annotations

from typing import Any

# Enum components that are vendor catalogs: they change faster than any pinned spec, so an unknown value is
# what a newer server may well accept ("the server may accept it"), not a structural mistake. Audio
# formats, HTTP methods, tool types... are structure and stay strict enums.
CATALOG_COMPONENTS: dict[str, str] = {
    "LLM": "LLM id",
    "LLMReasoningEffort": "LLM reasoning effort",
    "TTSConversationalModel": "TTS model id",
    "TTSModelFamily": "TTS model family",
    "ASRProvider": "ASR provider",
    "ASRQuality": "ASR quality",
    "ClientEvent": "client event",
    "EmbeddingModelEnum": "RAG embedding model",
    "BackgroundSoundPresetId": "background sound preset",
    "ToolCallSoundType": "tool call sound",
    "GuardrailType": "guardrail type",
    "ConfigEntityType": "PII entity type",
}
# Catalogs written inline in a component's property instead of as their own component.
CATALOG_PROPERTIES: dict[tuple[str, str], str] = {
    ("CustomGuardrailConfig", "model"): "guardrail LLM id",
}

# Defaults the spec cannot express (a Pydantic default_factory whose value is not empty): a workflow always
# has a start node. Keyed by (model, field); the value is applied through the field's schema.
FACTORY_DEFAULTS: dict[tuple[str, str], Any] = {
    ("AgentWorkflowRequestModel", "nodes"): {"start_node": {"type": "start"}},
    ("AgentWorkflowResponseModel", "nodes"): {
        "start_node": {"type": "start", "position": {"x": 0.0, "y": 0.0}, "edge_order": []}
    },
}
