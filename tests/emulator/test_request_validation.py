"""Request bodies are validated like FastAPI/Pydantic (``EmulatorContext.body``/``validate``): unknown keys
dropped or rejected in strict mode, 422s at the field, missing and malformed bodies. Real loopback HTTP."""

from __future__ import annotations

import httpx

from tests.support.emulator import ServedEmulator, create_agent


def test_typo_key_is_dropped_by_default_and_rejected_in_strict_mode(
    served_emulator: ServedEmulator, client: httpx.Client
) -> None:
    body = {"conversation_config": {"agent": {"prompt": {"prompt": "x", "temprature": 0.3}}}}
    agent_id = create_agent(client, body)
    prompt = client.get(f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]["prompt"]
    assert "temprature" not in prompt and prompt["temperature"] == 0.0

    served_emulator.configure(strict=True)
    response = client.post("/v1/convai/agents/create", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "extra_forbidden",
            "loc": ["body", "conversation_config", "agent", "prompt", "temprature"],
            "msg": "Extra inputs are not permitted",
            "input": 0.3,
        }
    ]


def test_wrong_type_is_422_pointing_at_the_field(client: httpx.Client) -> None:
    body = {"conversation_config": {"agent": {"prompt": {"temperature": "warm"}}}, "tags": ["a", 3]}
    response = client.post("/v1/convai/agents/create", json=body)
    assert response.status_code == 422
    locs = {tuple(error["loc"]): error["type"] for error in response.json()["detail"]}
    assert locs == {
        ("body", "conversation_config", "agent", "prompt", "temperature"): "float_parsing",
        ("body", "tags", 1): "string_type",
    }
    missing = client.post("/v1/convai/agents/create", json={"name": "no config"})
    assert missing.json()["detail"][0]["loc"] == ["body", "conversation_config"]
    invalid_json = client.post(
        "/v1/convai/agents/create", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert invalid_json.status_code == 422 and invalid_json.json()["detail"][0]["type"] == "json_invalid"
