"""Lists (``pagination``): ``page_size`` checked against each route's schema and defaults, opaque cursors,
``sort_by``/``sort_direction``. Real loopback HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.support.emulator import AGENT_BODY, WELCOME_TEST, create_agent, expect_ok

LISTS = [
    "/v1/convai/agents",
    "/v1/convai/tools",
    "/v1/convai/agent-testing",
    "/v1/convai/test-invocations",
    "/v1/convai/knowledge-base",
    "/v1/convai/secrets",
    "/v1/convai/environment-variables",
]


def test_page_size_limit_and_cursor(client: httpx.Client) -> None:
    for index in range(3):
        create_agent(client, {**AGENT_BODY, "name": f"n{index}"})
    too_big = client.get("/v1/convai/agents", params={"page_size": 101})
    assert too_big.status_code == 422 and too_big.json()["detail"][0]["loc"] == ["query", "page_size"]
    first = client.get("/v1/convai/agents", params={"page_size": 2}).json()
    assert [a["name"] for a in first["agents"]] == ["n2", "n1"] and first["has_more"]
    second = client.get("/v1/convai/agents", params={"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert [a["name"] for a in second["agents"]] == ["n0"] and not second["has_more"]
    assert client.get("/v1/convai/agents", params={"cursor": "garbage"}).status_code == 400
    assert [a["name"] for a in client.get("/v1/convai/agents", params={"search": "N1"}).json()["agents"]] == [
        "n1"
    ]


@pytest.mark.parametrize("path", [*LISTS, "/v1/convai/tools/{tool}/dependent-agents"])
def test_page_size_outside_1_to_100_is_a_query_validation_error(client: httpx.Client, path: str) -> None:
    if "{tool}" in path:
        tool = expect_ok(
            client.post(
                "/v1/convai/tools", json={"tool_config": {"type": "client", "name": "t", "description": "d"}}
            )
        )
        path = path.format(tool=tool["id"])
    too_big = client.get(path, params={"page_size": 101})
    assert too_big.status_code == 422, too_big.text
    assert too_big.json()["detail"] == [
        {
            "type": "less_than_equal",
            "loc": ["query", "page_size"],
            "msg": "Input should be less than or equal to 100",
            "input": "101",
            "ctx": {"le": 100},
        }
    ]
    assert client.get(path, params={"page_size": 0}).json()["detail"][0]["type"] == "greater_than_equal"
    assert client.get(path, params={"page_size": 100}).status_code == 200


def test_default_page_sizes_follow_each_route(client: httpx.Client) -> None:
    for index in range(31):
        expect_ok(client.post("/v1/convai/secrets", json={"type": "new", "name": f"s{index}", "value": "v"}))
        body = {"label": f"VAR_{index}", "type": "string", "values": {"production": "x"}}
        expect_ok(client.post("/v1/convai/environment-variables", json=body))
        expect_ok(client.post("/v1/convai/agent-testing/create", json={**WELCOME_TEST, "name": f"t{index}"}))
    # Tests: 30 by default. Environment variables: 100 by default. Secrets: all when page_size is unset.
    tests = expect_ok(client.get("/v1/convai/agent-testing"))
    assert len(tests["tests"]) == 30 and tests["has_more"] is True
    variables = expect_ok(client.get("/v1/convai/environment-variables"))
    assert len(variables["environment_variables"]) == 31 and variables["has_more"] is False
    secrets = expect_ok(client.get("/v1/convai/secrets"))
    assert len(secrets["secrets"]) == 31 and secrets["next_cursor"] is None
    first = expect_ok(client.get("/v1/convai/secrets", params={"page_size": 20}))
    rest = expect_ok(
        client.get("/v1/convai/secrets", params={"page_size": 20, "cursor": first["next_cursor"]})
    )
    names = [s["name"] for s in first["secrets"] + rest["secrets"]]
    assert len(first["secrets"]) == 20 and rest["next_cursor"] is None
    assert sorted(names) == sorted(f"s{index}" for index in range(31))
    assert [
        s["name"] for s in expect_ok(client.get("/v1/convai/secrets", params={"search": "s3"}))["secrets"]
    ] == [
        "s30",
        "s3",
    ]


def test_lists_sort_by_name_or_creation_in_both_directions(client: httpx.Client) -> None:
    for name in ("bravo", "Alpha", "charlie"):
        create_agent(client, {**AGENT_BODY, "name": name})

    def names(**params: str | int) -> list[str]:
        collected: list[str] = []
        cursor = None
        while True:
            query: dict[str, str | int] = {"page_size": 2, **params}
            if cursor:
                query["cursor"] = cursor
            page = client.get("/v1/convai/agents", params=query).json()
            collected += [agent["name"] for agent in page["agents"]]
            if not page["has_more"]:
                return collected
            cursor = page["next_cursor"]

    assert names() == ["charlie", "Alpha", "bravo"]
    assert names(sort_direction="asc") == ["bravo", "Alpha", "charlie"]
    assert names(sort_by="name", sort_direction="asc") == ["Alpha", "bravo", "charlie"]
    assert names(sort_by="name") == ["charlie", "bravo", "Alpha"]
    bad = client.get("/v1/convai/agents", params={"sort_by": "size"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "sort_by"]
