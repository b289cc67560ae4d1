"""What the outside fuzzer (schemathesis) and the official clients found the emulator doing unlike FastAPI:
query parameters of the wrong type or value accepted, ``created_by_user_id`` and the knowledge-base sort
ignored, a falsy non-object duplicate body accepted, ``Allow`` naming one route's methods, and the bearer
token of the official CLI's login refused. Real loopback HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.support.emulator import ServedEmulator, create_agent


@pytest.mark.parametrize(
    ("url", "loc", "error"),
    [
        ("/v1/convai/agents?sort_direction=AAA", ["query", "sort_direction"], "enum"),
        (
            "/v1/convai/agents?show_only_owned_agents=maybe",
            ["query", "show_only_owned_agents"],
            "bool_parsing",
        ),
        ("/v1/convai/tools?types=bogus", ["query", "types", 0], "enum"),
        ("/v1/convai/environment-variables?type=true", ["query", "type"], "literal_error"),
        ("/v1/convai/knowledge-base?sort_by=bogus", ["query", "sort_by"], "enum"),
        ("/v1/convai/agents?page_size=0", ["query", "page_size"], "greater_than_equal"),
    ],
)
def test_list_query_parameters_fastapi_would_reject_are_422(
    client: httpx.Client, url: str, loc: list[object], error: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [(item["loc"], item["type"]) for item in detail] == [(loc, error)]


def test_a_create_query_parameter_of_the_wrong_type_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/convai/agents/create?enable_versioning=0.9", json={"conversation_config": {}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "enable_versioning"]
    assert client.post(
        "/v1/convai/agents/create?enable_versioning=true", json={"conversation_config": {}}
    ).is_success


def test_created_by_user_id_filters(client: httpx.Client) -> None:
    create_agent(client)
    user_id = client.get("/v1/user").json()["user_id"]
    assert len(client.get(f"/v1/convai/agents?created_by_user_id={user_id}").json()["agents"]) == 1
    assert client.get("/v1/convai/agents?created_by_user_id=someone_else").json()["agents"] == []


def test_the_knowledge_base_sorts_by_name(client: httpx.Client) -> None:
    for name in ("b doc", "a doc", "c doc"):
        assert client.post("/v1/convai/knowledge-base/text", json={"text": "t", "name": name}).is_success
    listed = client.get("/v1/convai/knowledge-base?sort_by=name&sort_direction=asc").json()["documents"]
    assert [doc["name"] for doc in listed] == ["a doc", "b doc", "c doc"]


def test_duplicate_takes_an_object_or_no_body(client: httpx.Client) -> None:
    agent_id = create_agent(client)
    assert client.post(f"/v1/convai/agents/{agent_id}/duplicate", json=[]).status_code == 422
    assert client.post(f"/v1/convai/agents/{agent_id}/duplicate").is_success
    assert client.post(f"/v1/convai/agents/{agent_id}/duplicate", json={"name": "Copy"}).is_success


def test_allow_lists_every_method_of_the_path(client: httpx.Client) -> None:
    agent_id = create_agent(client)
    for method in ("OPTIONS", "PUT"):
        response = client.request(method, f"/v1/convai/agents/{agent_id}")
        assert response.status_code == 405
        assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH"


def test_a_bearer_token_is_accepted_as_the_credential(served_emulator: ServedEmulator) -> None:
    served_emulator.configure(api_keys=("sk_right",))
    with httpx.Client(base_url=served_emulator.url) as raw:
        assert raw.get("/v1/user", headers={"authorization": "Bearer sk_right"}).status_code == 200
        assert raw.get("/v1/user", headers={"authorization": "Bearer sk_wrong"}).status_code == 401
        assert raw.get("/v1/user").json()["detail"]["status"] == "needs_authorization"
