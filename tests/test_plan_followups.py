"""Plan/sync follow-ups (review issue 4), end to end over loopback HTTP against the served emulator:
validation before any request, ``--only`` with dependencies not created yet, hidden tags refreshed after a
rename, quiet state-only refreshes, full values in create plans, status for ✗-only changes, output order.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.emulator import ServedEmulator, remote_get
from tests.support.project import edit, state
from tests.support.samples import KEYS, cli, cli_json, sample_project


@pytest.fixture
def project(tmp_path: Path, served_emulator: ServedEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    return sample_project(tmp_path / "proj", served_emulator.url)


# -- 1. plan and sync validate first ----------------------------------------------------------------------
@pytest.mark.parametrize("command", [["plan"], ["sync"], ["sync", "--dry-run"]])
def test_a_typod_key_stops_plan_and_sync_before_any_request(
    project: Path, served_emulator: ServedEmulator, command: list[str]
) -> None:
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temprature: 0.1")
    _stdout, stderr = cli(project, *command, expect=1)
    assert "agents/bot.yaml:10:" in stderr and "temprature" in stderr
    assert "1 error in the configs of environment 'staging'" in stderr
    assert "agents validate --env staging" in stderr
    assert served_emulator.exchanges == []
    assert not (project / "state" / "staging.json").exists()


def test_a_wrong_type_stops_sync_instead_of_a_422_and_warnings_do_not(
    project: Path, served_emulator: ServedEmulator
) -> None:
    config = project / "agents" / "bot.yaml"
    original = config.read_text()
    config.write_text("name: Support Bot\nconversation_config: x\n")
    _stdout, stderr = cli(project, "sync", expect=1)
    assert "agents/bot.yaml:2:" in stderr and "conversation_config" in stderr
    assert served_emulator.exchanges == []
    # A warning (an LLM id the catalog does not know) does not stop it.
    config.write_text(original.replace("temperature: 0.3", "temperature: 0.3\n      llm: my-new-llm-9"))
    stdout, _stderr = cli(project, "plan")
    assert "Plan: 3 to create" in stdout


OTHER_AGENT = """\
name: Other Bot
conversation_config:
  agent:
    first_message: Hi there.
"""


def with_two_agents(project: Path, url: str) -> Path:
    from tests.support.samples import AGENT

    sample_project(project, url, agents={"bot": AGENT, "other": OTHER_AGENT})
    cli(project, "sync")
    return project


# -- 4. state-only refreshes are counted, not listed -------------------------------------------------------
def test_state_only_refreshes_are_one_summary_count_not_a_line_each(
    project: Path, served_emulator: ServedEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_two_agents(project, served_emulator.url)
    # State written before per-field hashes: the next sync records every resource again (no write).
    path = project / "state" / "staging.json"
    old = state(project, "staging")
    for kind in ("agents", "tools", "tests"):
        for entry in old[kind].values():
            entry.pop("fields")
    path.write_text(json.dumps(old))
    stdout, stderr = cli(project, "sync", "--prune", "--yes")
    assert "recorded" not in stderr
    assert (
        "Sync staging: 0 created, 0 updated, 0 deleted, 0 failed, 4 recorded in state only (no write)."
        in (stdout)
    )
    assert all("fields" in entry for entry in state(project, "staging")["agents"].values())
    path.write_text(json.dumps(old))
    # With --debug they are listed (called directly: the CLI's --debug would leave a log handler behind).
    from agents_cli.cli.boundary import run
    from agents_cli.cli.output import Output
    from agents_cli.commands.sync import SyncRequest, sync
    from agents_cli.context import AppContext
    from agents_cli.host import Host

    stderr_text = io.StringIO()
    host = Host.from_process().with_environ(**KEYS)
    out = Output(host=host, stdout=io.StringIO(), stderr=stderr_text, no_color=True)
    assert run(AppContext(host=host, out=out, debug=True, cwd=project), "sync", sync, SyncRequest()) == 0
    assert (
        "= recorded agent bot" in stderr_text.getvalue()
        and "= recorded tool lookup" in stderr_text.getvalue()
    )


# -- 7. plan, then progress, then summary ------------------------------------------------------------------
def test_early_update_progress_comes_after_the_printed_plan(
    project: Path, served_emulator: ServedEmulator
) -> None:
    from agents_cli.emulator.faults import FaultSettings

    with_two_agents(project, served_emulator.url)
    other_id = state(project, "staging")["agents"]["other"]["id"]
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.1")
    # bot's update starts while the read of 'other' is still in flight.
    served_emulator.configure(
        faults=FaultSettings(routes={f"GET /v1/convai/agents/{other_id}": FaultSettings(latency_ms=600)})
    )
    result = run_cli(["sync"], cwd=project, env=KEYS)
    output = result.output
    assert output.index("Plan: 0 to create, 1 to update") < output.index("~ updated agent bot")
    assert output.index("~ updated agent bot") < output.index("Sync staging: 0 created, 1 updated")


# -- 5. creates show new values in full -------------------------------------------------------------------
def test_create_plans_show_long_prompts_in_full_and_updates_as_line_diffs(project: Path) -> None:
    lines = [
        f"Rule {number}: answer questions about order {number} politely and briefly." for number in range(8)
    ]
    prompt_block = "".join(f"        {line}\n" for line in lines)
    long_message = "Welcome! " * 30
    edit(
        project / "agents" / "bot.yaml",
        "        You help customers.\n        Be brief.\n",
        prompt_block,
    )
    edit(project / "agents" / "bot.yaml", "first_message: Hello!", f"first_message: {long_message.strip()}")
    stdout, _ = cli(project, "plan")
    assert "…" not in stdout
    expected = [
        "    conversation_config.agent.prompt.prompt: <<EOT",
        *(f"        {line}" for line in lines),
        "    EOT",
    ]
    start = stdout.splitlines().index(expected[0])
    assert stdout.splitlines()[start : start + len(expected)] == expected
    assert f'    conversation_config.agent.first_message: "{long_message.strip()}"' in stdout
    # --json carries the full values too.
    changes = {
        change["path"]: change["local"] for change in cli_json(project, "plan")["resources"][2]["changes"]
    }
    assert changes["conversation_config.agent.prompt.prompt"] == "\n".join(lines) + "\n"
    assert changes["conversation_config.agent.first_message"] == long_message.strip()

    cli(project, "sync")
    edit(project / "agents" / "bot.yaml", "Rule 3: answer", "Rule 3: always answer")
    edit(project / "agents" / "bot.yaml", long_message.strip(), "Hi!")
    stdout, _ = cli(project, "plan")
    assert "      -Rule 3: answer questions about order 3 politely and briefly." in stdout
    assert "      +Rule 3: always answer questions about order 3 politely and briefly." in stdout
    assert f"      -{long_message.strip()}" in stdout and "      +Hi!" in stdout
    assert "…" not in stdout


# -- 3. hidden tags refreshed after a rename --------------------------------------------------------------
def remote_tags(url: str, agent_id: str) -> list[str]:
    from tests.support.emulator import remote_get

    tags: list[str] = remote_get(url, f"/v1/convai/agents/{agent_id}").json()["tags"]
    return tags


# -- 6. status and test with changes sync cannot apply -----------------------------------------------------
COLLECTING = """\
  data_collection:
    order_number:
      type: string
      description: The order number.
"""


# -- 2. --only includes what the selection references and does not exist yet -------------------------------
def test_only_includes_references_not_created_yet_and_nothing_unrelated(
    project: Path, served_emulator: ServedEmulator
) -> None:
    from tests.support.samples import AGENT

    sample_project(project, served_emulator.url, agents={"bot": AGENT, "other": OTHER_AGENT})
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "+ tool lookup (create, included because bot references it)" in stdout
    assert "+ test greets (create, included because bot references it)" in stdout
    assert "+ agent bot (create)" in stdout and "agent other" not in stdout
    assert "Plan: 3 to create, 0 to update, 0 to delete." in stdout
    planned = cli_json(project, "plan", "--only", "bot")["resources"]
    assert [(item["name"], item.get("included_because")) for item in planned] == [
        ("lookup", "bot"),
        ("greets", "bot"),
        ("bot", None),
    ]
    result = cli_json(project, "sync", "--only", "bot")
    assert sorted(item["result"] for item in result["results"]) == ["created"] * 3
    ids = state(project, "staging")
    assert (
        set(ids["agents"]) == {"bot"} and set(ids["tools"]) == {"lookup"} and set(ids["tests"]) == {"greets"}
    )
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode")
    assert "No changes." in stdout

    # Existing referenced resources lend their ids and are not updated, even with local changes.
    edit(project / "tools" / "lookup.yaml", "Look up an order", "Find an order")
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.2")
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "tool lookup" not in stdout and "Plan: 0 to create, 1 to update, 0 to delete." in stdout
    result = cli_json(project, "sync", "--only", "bot")
    assert [(item["name"], item["result"]) for item in result["results"]] == [("bot", "updated")]
    stdout, _ = cli(project, "plan", "--detailed-exitcode", expect=2)
    assert "~ tool lookup (update" in stdout and "+ agent other (create)" in stdout


def test_only_creates_a_reference_whose_state_id_is_stale_and_adopts_one_missing_from_state(
    project: Path, served_emulator: ServedEmulator
) -> None:
    cli(project, "sync", "--only", "lookup", "--only", "greets")
    recorded = state(project, "staging")
    httpx_delete(served_emulator.url, f"/v1/convai/tools/{recorded['tools']['lookup']['id']}")  # stale id
    test_id = recorded["tests"].pop("greets")["id"]  # lost from state: found again by name
    (project / "state" / "staging.json").write_text(json.dumps(recorded))
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode", expect=2)
    assert "+ tool lookup (create, included because bot references it)" in stdout
    assert "test greets" not in stdout and "Plan: 2 to create, 0 to update, 0 to delete." in stdout
    result = cli_json(project, "sync", "--only", "bot")
    assert sorted((item["name"], item["result"]) for item in result["results"]) == [
        ("bot", "created"),
        ("lookup", "created"),
    ]
    after = state(project, "staging")
    agent = remote_get(served_emulator.url, f"/v1/convai/agents/{after['agents']['bot']['id']}").json()
    assert agent["conversation_config"]["agent"]["prompt"]["tool_ids"] == [after["tools"]["lookup"]["id"]]
    assert [item["test_id"] for item in agent["platform_settings"]["testing"]["attached_tests"]] == [test_id]


def httpx_delete(url: str, path: str) -> None:
    import httpx

    httpx.delete(url + path, headers={"xi-api-key": "sk_dashboard"}, timeout=10).raise_for_status()


def test_only_agents_tagged_for_this_environment_get_their_tags_refreshed() -> None:
    from agents_cli.engine.normalise import normalise_desired
    from agents_cli.engine.planner import RemoteResource, plan_resource
    from agents_cli.project.state import State

    config = {"name": "Bot", "conversation_config": {"agent": {"first_message": "Hi"}}}
    desired = normalise_desired("agent", "bot", config, ids={}, declared={"agent": {"bot"}}, environ={})

    def planned(tags: list[str]) -> tuple[str, list[str | None]]:
        remote = RemoteResource(id="agent_1", body=desired.body, managed_tags=tags)
        item = plan_resource(desired, remote, State(environment="dev"))
        return item.action, [change.note for change in item.changes]

    assert planned(["agents-cli:env=dev", "agents-cli:name=bot"]) == ("no-op", [])
    assert planned(["agents-cli:env=dev", "agents-cli:name=old"]) == ("update", ["agents-cli tags refreshed"])
    assert planned(["agents-cli:env=dev"]) == ("update", ["agents-cli tags refreshed"])
    assert planned([]) == ("no-op", [])  # made in the dashboard and pulled: pull → plan stays clean
    assert planned(["agents-cli:env=prod", "agents-cli:name=bot"]) == ("no-op", [])  # another env's agent


def test_a_refused_replace_still_reports_and_records_updates_that_had_started(
    project: Path, served_emulator: ServedEmulator
) -> None:
    from tests.support.emulator import remote_patch

    with_two_agents(project, served_emulator.url)
    other_id = state(project, "staging")["agents"]["other"]["id"]
    remote_patch(
        served_emulator.url,
        f"/v1/convai/agents/{other_id}",
        {"conversation_config": {"agent": {"first_message": "Dashboard"}}},
    )
    edit(project / "agents" / "bot.yaml", "temperature: 0.3", "temperature: 0.1")
    _stdout, stderr = cli(project, "sync", "--replace", "other", "--yes", expect=1)
    assert "--replace other: 1 field(s) changed remotely" in stderr
    assert "~ updated agent bot" in stderr  # started while the plan was read: finished and reported
    stdout, _ = cli(project, "plan", "--only", "bot", "--detailed-exitcode")
    assert "No changes." in stdout
