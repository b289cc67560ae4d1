"""Route shapes shared by several resources (``routes_common``): deletes that agents feel, get one, lists.

Real loopback HTTP against ``served_emulator``.
"""

from __future__ import annotations

import httpx
import pytest


def _agent_with_document(client: httpx.Client) -> tuple[str, str]:
    document = client.post(
        "/v1/convai/knowledge-base/text", json={"text": "Opening hours: 9-5.", "name": "Hours"}
    )
    assert document.status_code == 200, document.text
    doc_id: str = document.json()["id"]
    reference = {"type": "text", "name": "Hours", "id": doc_id}
    body = {"conversation_config": {"agent": {"prompt": {"knowledge_base": [reference]}}}}
    created = client.post("/v1/convai/agents/create", json=body)
    assert created.status_code == 200, created.text
    return doc_id, created.json()["agent_id"]


def test_force_is_the_spec_boolean_for_documents_and_tools(client: httpx.Client) -> None:
    doc_id, agent_id = _agent_with_document(client)
    refused = client.delete(f"/v1/convai/knowledge-base/{doc_id}")
    assert refused.status_code == 409 and refused.json()["detail"]["status"] == "document_in_use"
    assert agent_id in refused.json()["detail"]["message"]
    # FastAPI parses a boolean query parameter: a word it cannot read is a 422 at ["query", "force"].
    unreadable = client.delete(f"/v1/convai/knowledge-base/{doc_id}", params={"force": "maybe"})
    assert unreadable.status_code == 422 and unreadable.json()["detail"][0]["loc"] == ["query", "force"]
    assert client.delete(f"/v1/convai/knowledge-base/{doc_id}", params={"force": "1"}).status_code == 200
    prompt = client.get(f"/v1/convai/agents/{agent_id}").json()["conversation_config"]["agent"]["prompt"]
    assert prompt["knowledge_base"] == []
    gone = client.get(f"/v1/convai/knowledge-base/{doc_id}")
    assert gone.status_code == 404 and gone.json()["detail"]["status"] == "document_not_found"

    tool = client.post(
        "/v1/convai/tools", json={"tool_config": {"type": "client", "name": "t", "description": "d"}}
    )
    tool_id = tool.json()["id"]
    client.post(
        "/v1/convai/agents/create",
        json={"conversation_config": {"agent": {"prompt": {"tool_ids": [tool_id]}}}},
    )
    unreadable = client.delete(f"/v1/convai/tools/{tool_id}", params={"force": "maybe"})
    assert unreadable.status_code == 422 and unreadable.json()["detail"][0]["loc"] == ["query", "force"]
    assert client.delete(f"/v1/convai/tools/{tool_id}", params={"force": "yes"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/convai/tools/tool_missing", "tool_not_found"),
        ("/v1/convai/agent-testing/test_missing", "test_not_found"),
        ("/v1/convai/knowledge-base/doc_missing", "document_not_found"),
        ("/v1/convai/environment-variables/envvar_missing", "environment_variable_not_found"),
        ("/v1/convai/test-invocations/suite_missing", "test_invocation_not_found"),
        ("/v1/convai/secrets/secret_missing", "secret_not_found"),
    ],
)
def test_every_get_one_answers_404_in_the_api_shape(client: httpx.Client, path: str, status: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]["status"] == status
    assert response.json()["detail"]["message"].endswith("_missing not found.")


def test_lists_page_alike_with_their_own_extra_fields(client: httpx.Client) -> None:
    for index in range(3):
        client.post("/v1/convai/agent-testing/create", json={"name": f"t{index}"})
    first = client.get("/v1/convai/agent-testing", params={"page_size": 2}).json()
    assert [t["name"] for t in first["tests"]] == ["t2", "t1"] and first["has_more"] is True
    rest = client.get(
        "/v1/convai/agent-testing", params={"page_size": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [t["name"] for t in rest["tests"]] == ["t0"] and rest == {
        **rest,
        "has_more": False,
        "next_cursor": None,
    }
    invocations = client.get("/v1/convai/test-invocations").json()
    assert invocations["results"] == [] and "meta" in invocations and invocations["has_more"] is False


def test_an_unreadable_force_is_a_422_even_when_nothing_uses_the_tool(client: httpx.Client) -> None:
    tool = client.post(
        "/v1/convai/tools", json={"tool_config": {"type": "client", "name": "t", "description": "d"}}
    )
    tool_id = tool.json()["id"]
    unreadable = client.delete(f"/v1/convai/tools/{tool_id}", params={"force": "maybe"})
    assert unreadable.status_code == 422 and unreadable.json()["detail"][0]["loc"] == ["query", "force"]
    assert client.get(f"/v1/convai/tools/{tool_id}").status_code == 200  # still there
    assert client.delete(f"/v1/convai/tools/{tool_id}").status_code == 200
