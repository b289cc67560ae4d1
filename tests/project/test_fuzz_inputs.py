"""Generated hostile configs, manifests and state files (``tests/support/fuzzing.py``): every one is an error
with a message (exit 1) or fine, never an unexpected exception (exit 3). The ``ci`` profile runs 2,200
inputs in all (the same ones every run); ``benchmarks/fuzz.py`` runs the ``long`` profile. A test's
timeout is generous (a loaded machine runs them many times slower); a hang is what it catches."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings

from tests.support.fuzzing import BASE_MANIFEST, config_files, manifests, run_offline, state_files, with_files

# ``benchmarks/fuzz.py`` sets AGENTS_FUZZ_PROFILE=long (and AGENTS_FUZZ_EXAMPLES per test); otherwise the
# bounded profile, 2,200 inputs in all (configs: per format).
PROFILE = os.environ.get("AGENTS_FUZZ_PROFILE", "ci")
CONFIGS, MANIFESTS, STATES = 500, 600, 600
TIMEOUT_S = 900


def _profile(count: int) -> settings:
    """The profile's settings with ``count`` examples (the long run: AGENTS_FUZZ_EXAMPLES)."""
    examples = count if PROFILE == "ci" else int(os.environ.get("AGENTS_FUZZ_EXAMPLES", "5000"))
    return settings(settings.get_profile(PROFILE), max_examples=examples)


@pytest.mark.timeout(TIMEOUT_S)
@_profile(CONFIGS)
@given(config=config_files(as_json=False))
def test_generated_yaml_configs_never_crash(tmp_path_factory: object, config: tuple[str, str]) -> None:
    _check_config(tmp_path_factory, config)


@pytest.mark.timeout(TIMEOUT_S)
@_profile(CONFIGS)
@given(config=config_files(as_json=True))
def test_generated_json_configs_never_crash(tmp_path_factory: object, config: tuple[str, str]) -> None:
    _check_config(tmp_path_factory, config)


def _check_config(tmp_path_factory: object, config: tuple[str, str]) -> None:
    suffix, text = config
    manifest = json.dumps(BASE_MANIFEST).replace("agents/bot.yaml", f"agents/bot{suffix}")
    root = with_files(
        _root(tmp_path_factory, f"config{suffix}"), {"agents.json": manifest, f"agents/bot{suffix}": text}
    )
    run_offline(root)


@pytest.mark.timeout(TIMEOUT_S)
@_profile(MANIFESTS)
@given(manifest=manifests())
def test_generated_manifests_never_crash(tmp_path_factory: object, manifest: str) -> None:
    root = with_files(_root(tmp_path_factory, "manifest"), {"agents.json": manifest})
    run_offline(root)


@pytest.mark.timeout(TIMEOUT_S)
@_profile(STATES)
@given(state=state_files())
def test_generated_state_files_never_crash(tmp_path_factory: object, state: str) -> None:
    root = with_files(_root(tmp_path_factory, "state"), {"state/dev.json": state})
    message = run_offline(root)
    assert message is None or "state" in message or "agents.json" in message or "bot" in message, message


def _root(factory: object, name: str) -> Path:
    """One folder per test, made again for each example (hypothesis runs examples inside one test call)."""
    from pytest import TempPathFactory

    assert isinstance(factory, TempPathFactory)
    return factory.getbasetemp() / f"fuzz-{name}"
