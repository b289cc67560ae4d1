"""A no-op plan of resources answered exactly as at the last sync normalises no answer (engine.unchanged),
end to end over loopback HTTP; any change of the answer, the config or the recorded digest takes the full
path, and so do kinds with write-only values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents_cli.engine import normalise
from agents_cli.engine.response_digest import response_digest
from agents_cli.kinds import REGISTRY
from agents_cli.kinds.secret import KIND as SECRET_KIND
from tests.support.emulator import remote_patch
from tests.support.project import edit, state
from tests.support.samples import cli, sample_project


@pytest.fixture
def project(tmp_path: Path, emulator_url: str) -> Path:
    project = sample_project(tmp_path / "proj", emulator_url)
    cli(project, "sync")
    return project


def fully_synced(project: Path) -> Path:
    cli(project, "sync")  # the digests of answers the creates did not read back
    return project


def normalised_during(project: Path, *args: str, expect: int = 0) -> tuple[int, str]:
    """How many answers ``agents ARGS…`` normalised (the module's counter), and its stdout."""
    before = sum(normalise.answers_normalised.values())
    stdout, _ = cli(project, *args, expect=expect)
    return sum(normalise.answers_normalised.values()) - before, stdout


def digests(project: Path) -> dict[str, str | None]:
    recorded = state(project, "staging")
    return {
        f"{kind.name}:{name}": entry.get("response_digest")
        for kind in REGISTRY
        for name, entry in recorded.get(kind.section, {}).items()
    }


def test_sync_records_a_digest_and_the_next_plan_normalises_no_answer(project: Path) -> None:
    """A create read back by a GET is recorded with its answer's digest; one whose POST answered with the
    whole resource (a tool) gets it at the next sync, which writes nothing remotely."""
    assert any(digests(project).values())
    stdout, _ = cli(project, "sync")
    assert "No changes" in stdout
    assert digests(project) and all(digests(project).values())
    count, stdout = normalised_during(project, "plan", "--detailed-exitcode")
    assert count == 0
    assert "No changes" in stdout
    count, _ = normalised_during(project, "sync", "--yes")
    assert count == 0


def test_a_remote_edit_is_planned_the_full_way(project: Path, emulator_url: str) -> None:
    bot = state(project, "staging")["agents"]["bot"]["id"]
    edit_remote = {"conversation_config": {"agent": {"first_message": "Dashboard"}}}
    assert remote_patch(emulator_url, f"/v1/convai/agents/{bot}", edit_remote).status_code == 200
    count, stdout = normalised_during(project, "plan", "--detailed-exitcode", expect=2)
    assert count >= 1
    assert "first_message" in stdout and "Dashboard" in stdout


def test_a_local_edit_is_planned(project: Path) -> None:
    edit(project / "agents" / "bot.yaml", "Hello!", "Hello there!")
    _count, stdout = normalised_during(project, "plan", "--detailed-exitcode", expect=2)
    assert "Hello there!" in stdout


def rewrite_digests(project: Path, value: str | None) -> None:
    path = project / "state" / "staging.json"
    data = json.loads(path.read_text())
    for kind in REGISTRY:
        for entry in data.get(kind.section, {}).values():
            if value is None:
                entry.pop("response_digest", None)
            else:
                entry["response_digest"] = value
    path.write_text(json.dumps(data, indent=2))


@pytest.mark.parametrize("recorded", [None, "0" * 40, "not a digest"], ids=["missing", "other", "hand edit"])
def test_state_without_the_answers_digest_plans_the_full_way_and_sync_records_it(
    project: Path, recorded: str | None
) -> None:
    """State from before digests (or another normaliser's, or a hand edit): still read, planned by
    normalising (still no changes), and the next sync records the digests again, without a remote write."""
    before = digests(fully_synced(project))
    rewrite_digests(project, recorded)
    count, stdout = normalised_during(project, "plan", "--detailed-exitcode")
    assert count >= len(before) and "No changes" in stdout
    cli(project, "sync")
    assert digests(project) == before
    assert normalised_during(project, "plan")[0] == 0


def test_the_digest_covers_the_environment_the_resource_and_the_answer() -> None:
    agent = REGISTRY.names[-1] if "agent" in REGISTRY.names else REGISTRY.names[0]
    one = response_digest("staging", agent, "id1", "a" * 40)
    assert one is not None and len(one) == 40
    assert one != response_digest("prod", agent, "id1", "a" * 40)
    assert one != response_digest("staging", agent, "id2", "a" * 40)
    assert one != response_digest("staging", agent, "id1", "b" * 40)
    assert response_digest("staging", agent, "id1", None) is None


def test_kinds_with_write_only_values_never_skip() -> None:
    """A secret's value is never in an answer: its plan always compares through state's salted hashes."""
    assert SECRET_KIND.write_only
    assert response_digest("staging", SECRET_KIND.name, "id1", "a" * 40) is None
