"""The knowledge-base sample project: one file, one URL and one text document, one MCP server with a secret
header, and two agents that use them through ``@kb:`` / ``@mcp:`` references, in ``staging`` and ``prod``
(one served emulator, one workspace)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.project import write_file, write_project
from tests.support.samples import KEYS, staging_and_prod

MCP_SECRET = "mcp-s3cret-header-5d1e"
KB_KEYS = {**KEYS, "MCP_TOKEN": MCP_SECRET}
POLICY = "# Returns\n\nItems can be returned within 30 days of delivery, unused and in their packaging.\n"

DOCUMENTS = {
    "returns-policy": "name: Returns policy\nfile: knowledge/returns-policy.md\n",
    "shipping-faq": "name: Shipping FAQ\nurl: https://example.com/shipping-faq\n",
    "opening-hours": "name: Opening hours\ntext: |\n  Open Monday to Friday, 9:00 to 17:00.\n",
}
MCP_SERVER = """\
name: orders-mcp
url: https://mcp.example.com/sse
approval_policy: require_approval_per_tool
request_headers:
  Authorization: Bearer ${MCP_TOKEN}
tool_config_overrides:
  - tool_name: get_order
    response_timeout_secs: 20
"""


def agent(name: str, documents: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"        - id: '@kb:{local}'\n          type: {kind}\n          name: {api_name}\n"
        for local, kind, api_name in documents
    )
    return (
        f"name: {name}\nconversation_config:\n  agent:\n    first_message: Hello!\n    prompt:\n"
        f"      prompt: Answer from the documents.\n      mcp_server_ids: ['@mcp:orders']\n"
        f"      knowledge_base:\n{entries}"
    )


SUPPORT = agent(
    "Support Bot",
    [("returns-policy", "file", "Returns policy"), ("opening-hours", "text", "Opening hours")],
)
SALES = agent(
    "Sales Bot", [("returns-policy", "file", "Returns policy"), ("shipping-faq", "url", "Shipping FAQ")]
)


def knowledge_project(root: Path, base_url: str) -> Path:
    write_project(
        root,
        environments=staging_and_prod(base_url),
        default_environment="staging",
        agents={"support": SUPPORT, "sales": SALES},
        files={"knowledge/returns-policy.md": POLICY},
    )
    manifest = json.loads((root / "agents.json").read_text())
    manifest["knowledge_base"] = {}
    for name, text in DOCUMENTS.items():
        write_file(root, f"knowledge/{name}.yaml", text)
        manifest["knowledge_base"][name] = {"config": f"knowledge/{name}.yaml"}
    write_file(root, "mcp_servers/orders.yaml", MCP_SERVER)
    manifest["mcp_servers"] = {"orders": {"config": "mcp_servers/orders.yaml"}}
    (root / "agents.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return root
