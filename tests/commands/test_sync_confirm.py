"""An environment with ``"confirm": true`` (e.g. prod): every sync that writes asks first on a terminal,
needs --yes off one, and a sync with nothing to do asks nothing. Over loopback HTTP against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import on_a_terminal, run_cli
from tests.support.emulator import ServedEmulator, remote_list
from tests.support.samples import KEYS, sample_project


def confirming_project(root: Path, url: str) -> Path:
    sample_project(root, url)
    manifest = json.loads((root / "agents.json").read_text())
    manifest["environments"]["staging"]["confirm"] = True
    (root / "agents.json").write_text(json.dumps(manifest))
    return root


def test_a_confirming_environment_asks_before_every_sync(
    tmp_path: Path, served_emulator: ServedEmulator
) -> None:
    root = confirming_project(tmp_path / "p", served_emulator.url)
    run_cli(["validate"], cwd=root)  # the manifest schema knows "confirm"
    refused = run_cli(["sync"], cwd=root, env=KEYS, expect=1)
    assert "syncing 'staging' (its \"confirm\": true in agents.json) needs confirmation" in refused.stderr
    assert remote_list(served_emulator.url, "/v1/convai/tools", "tools") == []

    code, declined = on_a_terminal(["sync"], root, env={**KEYS, "NO_COLOR": "1"}, answer="n")
    assert (
        code == 1 and "Apply this plan to 'staging'? [y/N]" in declined and "nothing was written" in declined
    )
    assert remote_list(served_emulator.url, "/v1/convai/tools", "tools") == []

    code, accepted = on_a_terminal(["sync"], root, env={**KEYS, "NO_COLOR": "1"}, answer="y")
    assert code == 0 and "Sync staging: 3 created" in accepted
    # Nothing to do: no question.
    assert "Sync staging: 0 created" in run_cli(["sync"], cwd=root, env=KEYS).stdout
    config = root / "agents" / "bot.yaml"
    config.write_text(config.read_text().replace("temperature: 0.3", "temperature: 0.1"))
    assert "1 updated" in run_cli(["sync", "--yes"], cwd=root, env=KEYS).stdout
