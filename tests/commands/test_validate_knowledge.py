"""``agents validate`` on knowledge-base documents and MCP servers, offline: a missing document file, an
unknown ``@kb:`` name, a file over the API's size limit or of a type it does not take, a source missing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.project import write_file, write_project

AGENT = """\
name: Bot
conversation_config:
  agent:
    prompt:
      mcp_server_ids: ['@mcp:orderz']
      knowledge_base:
        - {id: '@kb:policy', type: file, name: Policy}
        - {id: '@kb:polcy', type: file, name: Policy}
"""


def project(root: Path) -> Path:
    write_project(
        root, environments={"local": {"emulator": True}}, default_environment="local", agents={"bot": AGENT}
    )
    documents = {
        "policy": "name: Policy\nfile: knowledge/policy.md\n",
        "huge": "name: Huge\nfile: knowledge/huge.pdf\n",
        "slides": "name: Slides\nfile: knowledge/slides.pptx\n",
        "empty": "name: Empty\n",
    }
    manifest = json.loads((root / "agents.json").read_text())
    manifest["knowledge_base"] = {}
    for name, text in documents.items():
        write_file(root, f"knowledge/{name}.yaml", text)
        manifest["knowledge_base"][name] = {"config": f"knowledge/{name}.yaml"}
    write_file(root, "mcp_servers/orders.yaml", "name: orders\nurl: https://mcp.example.com/sse\n")
    manifest["mcp_servers"] = {"orders": {"config": "mcp_servers/orders.yaml"}}
    (root / "agents.json").write_text(json.dumps(manifest))
    write_file(root, "knowledge/slides.pptx", "x")
    with (root / "knowledge" / "huge.pdf").open("wb") as handle:
        handle.truncate(22 * 1024 * 1024)  # sparse: over the limit without writing 22 MiB
    return root


def test_document_problems_are_found_offline(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    result = run_cli(["validate"], cwd=root, expect=1)
    errors = result.stdout + result.stderr
    assert "knowledge/policy.yaml:2:" in errors and "file not found: knowledge/policy.md" in errors
    assert "huge.pdf is 22.0 MiB, over the API's limit of 21 MiB" in errors
    assert "slides.pptx: unsupported file type" in errors
    assert "knowledge/empty.yaml" in errors  # no file, url, text or text_file
    assert "unknown kb 'polcy' (did you mean 'policy'?)" in errors or "unknown kb 'polcy'" in errors
    assert "unknown mcp 'orderz'" in errors


def test_a_fixed_project_validates(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    write_file(root, "knowledge/policy.md", "# Policy\n")
    (root / "knowledge" / "huge.pdf").unlink()
    (root / "knowledge" / "slides.pptx").unlink()
    manifest = json.loads((root / "agents.json").read_text())
    for name in ("huge", "slides", "empty"):
        del manifest["knowledge_base"][name]
    (root / "agents.json").write_text(json.dumps(manifest))
    agent = root / "agents" / "bot.yaml"
    agent.write_text(agent.read_text().replace("@kb:polcy", "@kb:policy").replace("orderz", "orders"))
    run_cli(["validate"], cwd=root)
