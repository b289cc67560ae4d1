"""What every request meets around its route: the API key check before routing (``middleware``) and the
API's error shape for unknown routes, methods and ids (``errors``). Real loopback HTTP."""

from __future__ import annotations

import httpx

from tests.support.emulator import ServedEmulator


def test_api_key_is_required_and_configurable(served_emulator: ServedEmulator) -> None:
    url = served_emulator.url + "/v1/user"
    missing = httpx.get(url)
    assert missing.status_code == 401
    assert missing.json() == {
        "detail": {"status": "needs_authorization", "message": "Missing xi-api-key header."}
    }
    assert httpx.get(url, headers={"xi-api-key": "anything"}).status_code == 200
    served_emulator.configure(api_keys=("right",))
    wrong = httpx.get(url, headers={"xi-api-key": "anything"})
    assert wrong.status_code == 401 and wrong.json()["detail"]["status"] == "invalid_api_key"
    assert httpx.get(url, headers={"xi-api-key": "right"}).status_code == 200


def test_unknown_route_and_method_use_the_api_error_shape(client: httpx.Client) -> None:
    unknown = client.get("/v1/convai/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["detail"]["status"] == "not_found"
    wrong_method = client.put("/v1/convai/agents/create", json={})
    assert wrong_method.status_code == 405 and "detail" in wrong_method.json()
    absent = client.get("/v1/convai/agents/agent_missing")
    assert absent.status_code == 404 and absent.json()["detail"]["status"] == "agent_not_found"
