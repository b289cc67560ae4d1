"""Branch, version and deployment routes over loopback HTTP: the errors a real client meets (shapes per the
spec's conventions: ``{"detail": {"status", "message"}}``, 422 for a missing query parameter)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.emulator import create_agent, expect_error, expect_ok


def _setup(client: httpx.Client) -> tuple[str, dict[str, Any], str]:
    agent_id = create_agent(client)
    main = expect_ok(client.get(f"/v1/convai/agents/{agent_id}"))
    body = {"parent_version_id": main["version_id"], "name": "staging", "description": "cut"}
    branch = expect_ok(client.post(f"/v1/convai/agents/{agent_id}/branches", json=body))["created_branch_id"]
    return agent_id, main, branch


def test_branches_of_another_agent_and_made_up_ids_are_404(client: httpx.Client) -> None:
    agent_id, _main, branch = _setup(client)
    other = create_agent(client)
    expect_error(client.get(f"/v1/convai/agents/{other}/branches/{branch}"), 404, "branch_not_found")
    expect_error(
        client.get(f"/v1/convai/agents/{other}", params={"branch_id": branch}), 404, "branch_not_found"
    )
    made_up = "agtvrsn_0001kxxxxxxxxxxxxxxxxxxxxxxx"
    expect_error(client.get(f"/v1/convai/agents/{agent_id}/versions/{made_up}"), 404, "version_not_found")
    body = {"parent_version_id": made_up, "name": "x", "description": ""}
    expect_error(client.post(f"/v1/convai/agents/{agent_id}/branches", json=body), 404, "version_not_found")


def test_a_second_live_branch_of_one_name_is_refused_and_main_cannot_be_archived(
    client: httpx.Client,
) -> None:
    agent_id, main, _branch = _setup(client)
    body = {"parent_version_id": main["version_id"], "name": "staging", "description": "again"}
    expect_error(
        client.post(f"/v1/convai/agents/{agent_id}/branches", json=body), 409, "branch_already_exists"
    )
    archive = client.patch(
        f"/v1/convai/agents/{agent_id}/branches/{main['main_branch_id']}", json={"is_archived": True}
    )
    expect_error(archive, 400, "cannot_archive_main_branch")


def test_a_merge_needs_its_target_and_refuses_conflicts_with_409(client: httpx.Client) -> None:
    agent_id, main, branch = _setup(client)
    assert client.get(f"/v1/convai/agents/{agent_id}/branches/{branch}/merge-preview").status_code == 422
    edit = {"conversation_config": {"agent": {"first_message": "branch"}}}
    expect_ok(client.patch(f"/v1/convai/agents/{agent_id}", params={"branch_id": branch}, json=edit))
    expect_ok(
        client.patch(
            f"/v1/convai/agents/{agent_id}",
            json={"conversation_config": {"agent": {"first_message": "main"}}},
        )
    )
    target = {"target_branch_id": main["main_branch_id"]}
    expect_error(
        client.post(f"/v1/convai/agents/{agent_id}/branches/{branch}/merge", params=target, json={}),
        409,
        "merge_conflict",
    )
    expect_error(client.post(f"/v1/convai/agents/{agent_id}/branches/{branch}/rebase"), 409, "merge_conflict")


def test_a_deployment_must_sum_to_100_and_name_live_branches(client: httpx.Client) -> None:
    agent_id, main, branch = _setup(client)
    split = [
        {"branch_id": main["main_branch_id"], "deployment_strategy": {"traffic_percentage": 90}},
        {"branch_id": branch, "deployment_strategy": {"traffic_percentage": 5}},
    ]
    answer = client.post(
        f"/v1/convai/agents/{agent_id}/deployments", json={"deployment_request": {"requests": split}}
    )
    expect_error(answer, 400, "invalid_traffic_split")
    assert client.post(f"/v1/convai/agents/{agent_id}/deployments", json={}).status_code == 422
