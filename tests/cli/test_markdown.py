"""``--format markdown`` (cli/render/markdown.py): a plan as a pull-request comment — a summary table, one
``<details>`` per resource, prompt diffs, drift warnings, no secret value — checked by rendering it to HTML
with a real markdown renderer (markdown-it-py, GitHub-flavoured tables); and the copy appended to
``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt

from tests.support.emulator import remote_patch
from tests.support.project import state
from tests.support.samples import AGENT, KEYS, OTHER_AGENT, SECRET, cli, sample_project

NEW_SECRET = "rotated-s3cret-7a11"
NEW_TOOL = "type: client\nname: show_card\ndescription: Show a card.\n"


def project_with_every_action(root: Path, url: str) -> Path:
    """Synced, then: a new tool (create), bot's prompt edited (update with a prompt diff), other's first
    message edited in the dashboard (drift), the tool's secret header value rotated (a sensitive update)."""
    sample_project(root, url, agents={"bot": AGENT, "other": OTHER_AGENT})
    cli(root, "sync")
    other = state(root, "staging")["agents"]["other"]["id"]
    edit = {"conversation_config": {"agent": {"first_message": "Edited in the dashboard"}}}
    assert remote_patch(url, f"/v1/convai/agents/{other}", edit).status_code == 200
    bot = root / "agents" / "bot.yaml"
    bot.write_text(bot.read_text().replace("Be brief.", "Be brief and kind."))
    (root / "tools" / "show-card.yaml").write_text(NEW_TOOL)
    manifest = json.loads((root / "agents.json").read_text())
    manifest["tools"]["show-card"] = {"config": "tools/show-card.yaml"}
    (root / "agents.json").write_text(json.dumps(manifest))
    return root


def html_of(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_plan_markdown_renders_a_table_one_details_per_resource_and_no_secret(
    tmp_path: Path, emulator_url: str
) -> None:
    root = project_with_every_action(tmp_path / "p", emulator_url)
    summary = tmp_path / "step-summary.md"
    env = {"E2E_ORDERS_TOKEN": NEW_SECRET, "GITHUB_STEP_SUMMARY": str(summary)}
    markdown, _ = cli(root, "--format", "markdown", "plan", "--detailed-exitcode", expect=2, env=env)
    rendered = html_of(markdown)

    assert "<table>" in rendered
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", rendered, flags=re.S)
    assert sorted((re.sub("<.*?>", "", name), action) for name, action in rows) == [
        ("agent bot", "✏️ update"),
        ("agent other", "⚠️ drift"),
        ("tool lookup", "✏️ update"),
        ("tool show-card", "➕ create"),
    ]
    assert rendered.count("<details>") == 4 and rendered.count("</details>") == 4
    assert "<summary>agent <code>bot</code>: update" in rendered
    # The prompt as a unified diff inside a diff block (markdown-it keeps raw HTML blocks as they are, so
    # the fence inside <details> is read as code).
    assert "-Be brief.\n+Be brief and kind." in rendered
    assert "conversation_config.agent.first_message: remote: &quot;Edited in the dashboard&quot;" in rendered
    assert "Changed remotely since the last sync: agent <code>other</code>" in rendered
    assert "agents pull --env staging --update" in rendered
    assert "(sensitive)" in rendered
    for text in (markdown, rendered, summary.read_text()):
        assert SECRET not in text and NEW_SECRET not in text
    assert summary.read_text() == markdown + "\n"  # the job summary got the same document


def test_no_changes_and_text_output_are_unchanged(tmp_path: Path, emulator_url: str) -> None:
    root = sample_project(tmp_path / "p", emulator_url)
    cli(root, "sync")
    markdown, _ = cli(root, "--format", "markdown", "plan")
    assert (
        markdown
        == "### agents plan: `staging`\n\nNo changes. Environment `staging` matches the configuration.\n"
    )
    text, _ = cli(root, "plan", env={"GITHUB_STEP_SUMMARY": str(tmp_path / "unused.md")})
    assert text.startswith("No changes.") and not (tmp_path / "unused.md").exists()
    assert KEYS["E2E_ORDERS_TOKEN"] not in markdown


def test_test_run_markdown_has_a_table_and_details_per_failed_run(tmp_path: Path, emulator_url: str) -> None:
    from tests.commands.test_test import KEY_ENV, shop_project
    from tests.support.cli import run_cli

    project = shop_project(tmp_path / "p", emulator_url, attached=["greets", "refunds"])
    summary = tmp_path / "summary.md"
    env = {**KEY_ENV, "GITHUB_STEP_SUMMARY": str(summary)}
    markdown = run_cli(["--format", "markdown", "test"], cwd=project, expect=1, env=env).stdout
    rendered = html_of(markdown)
    cells = re.findall(r"<td>(.*?)</td>", rendered)
    assert cells[:4] == ["bot", "greets", "llm", "✅ passed"]
    assert cells[5:9] == ["bot", "refunds", "llm", "❌ failed"]
    assert rendered.count("<details>") == 1 and "<summary>bot / refunds: failed</summary>" in rendered
    assert "&#x27;refund voucher&#x27;" in rendered or "'refund voucher'" in rendered
    assert "1 passed, 1 failed of 2 run(s)" in rendered
    assert summary.read_text() == markdown + "\n"


def test_a_plan_of_only_branch_cuts_and_traffic_splits_is_not_called_unchanged() -> None:
    from agents_cli.cli.render.markdown import plan_markdown
    from agents_cli.engine.plan import BranchCut, Plan, SplitChange

    cuts = Plan("dev", branch_cuts=(BranchCut("agent", "support-bot", "dev"),))
    text = plan_markdown(cuts)
    assert "No changes" not in text and "| resource |" not in text
    assert "+ branch dev of agent support-bot (cut from main's current version)" in text
    assert "**Plan: 0 to create, 0 to update, 0 to delete. 1 branch to cut.**" in text
    splits = Plan("prod", splits=(SplitChange("support-bot", {"main": 100.0}, {"main": 90.0, "dev": 10.0}),))
    assert "~ traffic of agent support-bot: main 100% → main 90%, dev 10%" in plan_markdown(splits)
