"""Problems a demanding user hit walking through the CLI, each pinned by a test that failed before the fix."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.support.cli import init_project, run_cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_editor_schemas_cover_scenarios_and_partial_overlays(tmp_path: Path) -> None:
    # Before: scenario files pointed their modeline at .agents/schemas/scenario.schema.json, which was never
    # written; overlays pointed at the full schema, so editors flagged each overlay for missing required keys.
    import jsonschema

    root = init_project(tmp_path)
    run_cli(["add", "tool", "lookup", "--template", "webhook", "--env", "prod"], cwd=root)
    schemas = root / ".agents" / "schemas"
    assert (schemas / "scenario.schema.json").is_file()
    overlay_file = (root / "tools" / "lookup.prod.yaml").read_text(encoding="utf-8")
    assert overlay_file.startswith(
        "# yaml-language-server: $schema=../.agents/schemas/tool.overlay.schema.json\n"
    )

    def problems(name: str, document: dict[str, object]) -> list[str]:
        schema = json.loads((schemas / name).read_text(encoding="utf-8"))
        validator = jsonschema.validators.validator_for(schema)(schema)
        return [error.message for error in validator.iter_errors(document)]

    partial_agent = {"conversation_config": {"agent": {"prompt": {"temperature": 0.2}}}}
    assert problems("agent.schema.json", {"tags": ["prod"]})  # the full schema still requires its keys
    assert problems("agent.overlay.schema.json", {"tags": ["prod"]}) == []
    assert problems("agent.overlay.schema.json", partial_agent) == []
    typo = {"conversation_config": {"agent": {"prompt": {"temprature": 0.2}}}}
    assert "'temprature' was unexpected" in problems("agent.overlay.schema.json", typo)[0]
    # The tool type still picks its branch: a partial webhook is fine, an unknown key is not.
    assert problems("tool.overlay.schema.json", {"type": "webhook", "api_schema": {"method": "POST"}}) == []
    assert problems("tool.overlay.schema.json", {"type": "webhook", "bogus": 1})
    assert problems("test.overlay.schema.json", {"success_condition": "The agent greets."}) == []
