"""The knowledge-base and MCP-server routes driven by the official ``elevenlabs`` SDK: the SDK test runs
them, and the contract test checks every answer against the spec and that each route was reached."""

from __future__ import annotations

from typing import Any

import elevenlabs.core
import pytest

KNOWLEDGE_ROUTES = {
    ("POST", "/v1/convai/knowledge-base"),
    ("GET", "/v1/convai/knowledge-base"),
    ("POST", "/v1/convai/knowledge-base/file"),
    ("POST", "/v1/convai/knowledge-base/text"),
    ("POST", "/v1/convai/knowledge-base/url"),
    ("POST", "/v1/convai/knowledge-base/folder"),
    ("GET", "/v1/convai/knowledge-base/summaries"),
    ("GET", "/v1/convai/knowledge-base/search"),
    ("POST", "/v1/convai/knowledge-base/bulk-move"),
    ("POST", "/v1/convai/knowledge-base/bulk-delete"),
    ("POST", "/v1/convai/knowledge-base/rag-index"),
    ("GET", "/v1/convai/knowledge-base/rag-index"),
    ("POST", "/v1/convai/knowledge-base/dependent-agents"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}"),
    ("PATCH", "/v1/convai/knowledge-base/{documentation_id}"),
    ("DELETE", "/v1/convai/knowledge-base/{documentation_id}"),
    ("PATCH", "/v1/convai/knowledge-base/{documentation_id}/update-file"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}/content"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}/source-file-url"),
    ("POST", "/v1/convai/knowledge-base/{document_id}/move"),
    ("POST", "/v1/convai/knowledge-base/{documentation_id}/rag-index"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}/rag-index"),
    ("DELETE", "/v1/convai/knowledge-base/{documentation_id}/rag-index/{rag_index_id}"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}/chunks"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}/chunk/{chunk_id}"),
    ("GET", "/v1/convai/knowledge-base/{documentation_id}/dependent-agents"),
    ("POST", "/v1/convai/knowledge-base/{documentation_id}/refresh"),
    ("GET", "/v1/convai/agent/{agent_id}/knowledge-base/size"),
    ("GET", "/v1/convai/agents/summaries"),
}
MCP_ROUTES = {
    ("POST", "/v1/convai/mcp-servers"),
    ("GET", "/v1/convai/mcp-servers"),
    ("GET", "/v1/convai/mcp-servers/{mcp_server_id}"),
    ("PATCH", "/v1/convai/mcp-servers/{mcp_server_id}"),
    ("DELETE", "/v1/convai/mcp-servers/{mcp_server_id}"),
    ("GET", "/v1/convai/mcp-servers/{mcp_server_id}/tools"),
    ("PATCH", "/v1/convai/mcp-servers/{mcp_server_id}/approval-policy"),
    ("POST", "/v1/convai/mcp-servers/{mcp_server_id}/tool-approvals"),
    ("DELETE", "/v1/convai/mcp-servers/{mcp_server_id}/tool-approvals/{tool_name}"),
    ("POST", "/v1/convai/mcp-servers/{mcp_server_id}/tool-configs"),
    ("GET", "/v1/convai/mcp-servers/{mcp_server_id}/tool-configs/{tool_name}"),
    ("PATCH", "/v1/convai/mcp-servers/{mcp_server_id}/tool-configs/{tool_name}"),
    ("DELETE", "/v1/convai/mcp-servers/{mcp_server_id}/tool-configs/{tool_name}"),
}


def drive_knowledge_base(client: Any) -> None:
    """Every knowledge-base route, through the official SDK."""
    convai = client.conversational_ai
    documents = convai.knowledge_base.documents
    folder = documents.create_folder(name="Policies")
    policy = documents.create_from_file(
        file=("returns.md", b"# Returns\nWithin 30 days.\n", "text/markdown"),
        name="Returns policy",
        parent_folder_id=folder.id,
    )
    text = documents.create_from_text(text="Open 9 to 17.", name="Opening hours")
    url = documents.create_from_url(url="https://example.com/faq", name="FAQ")
    legacy = convai.add_to_knowledge_base(name="Legacy", url="https://example.com/legacy")
    assert documents.get(policy.id).name == "Returns policy"
    assert documents.get_content(policy.id) == "# Returns\nWithin 30 days.\n"
    assert documents.get_source_file_url(policy.id).signed_url.endswith(f"/{policy.id}/content")
    convai.knowledge_base.document.update_file(policy.id, file=("returns.md", b"# Returns\n60 days.\n"))
    assert documents.get_content(policy.id) == "# Returns\n60 days.\n"
    assert documents.update(text.id, name="Hours").name == "Hours"
    convai.knowledge_base.document.refresh(url.id)

    listed = convai.knowledge_base.list(parent_folder_id=folder.id)
    assert [doc.id for doc in listed.documents] == [policy.id]
    by_name = convai.knowledge_base.list(sort_by="name", sort_direction="asc", types=["text", "url"])
    assert [doc.name for doc in by_name.documents] == ["FAQ", "Hours", "Legacy"]
    assert convai.knowledge_base.search(query="60 days").results[0].document.id == policy.id
    summaries = documents.summaries.get(document_ids=[policy.id, "missing"])
    assert summaries[policy.id].status == "success" and summaries["missing"].status == "failure"

    index = convai.knowledge_base.document.compute_rag_index(policy.id, model="e5_mistral_7b_instruct")
    statuses = [index.status]
    while statuses[-1] != "succeeded":  # each status read moves the computation on, as a poller sees it
        statuses.append(convai.get_document_rag_indexes(policy.id).indexes[0].status)
        if statuses[-1] != "succeeded":
            rerun = [{"document_id": policy.id, "model": "e5_mistral_7b_instruct", "create_if_missing": True}]
            statuses.append(
                convai.knowledge_base.get_or_create_rag_indexes(items=rerun)[policy.id].data.status
            )
    assert statuses[0] == "created" and "succeeded" in statuses
    assert convai.rag_index_overview().total_used_bytes > 0
    chunks = documents.chunks.list(policy.id, embedding_model="e5_mistral_7b_instruct")
    chunk = documents.chunk.get(policy.id, chunks.chunks[0].id)
    assert "60 days" in chunk.content
    convai.delete_document_rag_index(policy.id, index.id)

    agent = convai.agents.create(
        name="Uses docs",
        conversation_config={
            "agent": {
                "prompt": {"knowledge_base": [{"type": "file", "name": "Returns policy", "id": policy.id}]}
            }
        },
    )
    assert [a.id for a in documents.get_agents(policy.id).agents] == [agent.agent_id]
    assert documents.get_bulk_agents(document_ids=[policy.id, text.id]).agents[0].id == agent.agent_id
    assert convai.agents.knowledge_base.size(agent.agent_id).number_of_pages >= 0
    assert convai.agents.summaries.get(agent_ids=[agent.agent_id])[agent.agent_id].status == "success"
    with pytest.raises(elevenlabs.core.ApiError) as in_use:
        documents.delete(policy.id)
    assert in_use.value.status_code == 409

    documents.move(text.id, move_to=folder.id)
    documents.bulk_move(document_ids=[url.id, legacy.id], move_to=folder.id)
    assert len(convai.knowledge_base.list(ancestor_folder_id=folder.id).documents) == 4
    deleted = documents.bulk_delete(document_ids=[url.id, legacy.id, policy.id])
    assert deleted[url.id].status == "success" and deleted[policy.id].status == "failure"
    documents.delete(policy.id, force=True)
    assert convai.agents.get(agent.agent_id).conversation_config.agent.prompt.knowledge_base == []


def drive_mcp_servers(client: Any) -> None:
    """Every MCP-server route, through the official SDK."""
    servers = client.conversational_ai.mcp_servers
    created = servers.create(
        config={
            "url": "https://mcp.example.com/sse",
            "name": "orders",
            "request_headers": {"X-Team": "support"},
        }
    )
    assert servers.get(created.id).config.name == "orders"
    assert [server.id for server in servers.list().mcp_servers] == [created.id]
    assert servers.update(created.id, response_timeout_secs=45).config.response_timeout_secs == 45
    policy = servers.approval_policy.update(created.id, approval_policy="require_approval_per_tool")
    assert policy.config.approval_policy == "require_approval_per_tool"
    approved = servers.tool_approvals.create(
        created.id, tool_name="get_order", tool_description="Get an order"
    )
    assert approved.config.tool_approval_hashes[0].tool_name == "get_order"
    servers.tool_configs.create(created.id, tool_name="get_order", response_timeout_secs=20)
    assert servers.tool_configs.get(created.id, "get_order").response_timeout_secs == 20
    servers.tool_configs.update(created.id, "get_order", response_timeout_secs=25)
    assert [tool.name for tool in servers.tools.list(created.id).tools] == ["get_order"]
    servers.tool_configs.delete(created.id, "get_order")
    assert servers.tool_approvals.delete(created.id, "get_order").config.tool_approval_hashes == []
    agent = client.conversational_ai.agents.create(
        conversation_config={"agent": {"prompt": {"mcp_server_ids": [created.id]}}}
    )
    with pytest.raises(elevenlabs.core.ApiError) as in_use:
        servers.delete(created.id)
    assert in_use.value.status_code == 409
    client.conversational_ai.agents.delete(agent.agent_id)
    servers.delete(created.id)
    assert servers.list().mcp_servers == []
