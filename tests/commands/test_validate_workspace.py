"""``agents validate`` of the workspace kinds declared in agents.json: a variable without a ``production``
value and a secret written out are errors at their agents.json line; ``--allow-literal`` lets the latter
pass; references to secrets are checked like every other."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli

MANIFEST = """\
{
  "version": 1,
  "environments": {"dev": {"server_environment": "staging"}},
  "secrets": {
    "crm-token": {"value": "${CRM_TOKEN}"},
    "hook-token": {"value": "literal-s3cret"}
  },
  "environment_variables": {
    "api-base": {
      "values": {"staging": "https://staging.example.com"}
    },
    "crm-key": {"type": "secret", "values": {"production": "@secret:crm-tokn"}}
  },
  "phone_numbers": {"line": {"phone_number": "5551230000", "agent": "@agent:nobody"}},
  "workspace": {"settings": {"webhooks": {"post_call_webhook_idd": "x"}}}
}
"""


def problems(root: Path, *extra: str) -> list[tuple[int, str, str]]:
    result = run_cli(["validate", "--json", *extra], cwd=root, expect=1)
    found = json.loads(result.stdout)["problems"]
    return [(p["line"], p["path"], p["message"]) for p in found if p["severity"] == "error"]


def test_workspace_entries_are_validated_at_their_manifest_lines(tmp_path: Path) -> None:
    (tmp_path / "agents.json").write_text(MANIFEST)
    found = problems(tmp_path)
    by_path = {path: (line, message) for line, path, message in found}
    assert by_path["value"][0] == 6 and "${VAR} placeholder" in by_path["value"][1]
    assert by_path["values"][0] == 10 and "missing required key 'production'" in by_path["values"][1]
    assert "unknown secret 'crm-tokn' (did you mean 'crm-token'?)" in by_path["values.production"][1]
    assert by_path["phone_number"][0] == 14
    assert "unknown agent 'nobody'" in by_path["agent"][1]
    assert by_path["webhooks.post_call_webhook_idd"][0] == 15
    allowed = {path for _line, path, _message in problems(tmp_path, "--allow-literal")}
    assert "value" not in allowed and "values" in allowed


WEBHOOKS_MANIFEST = """\
{
  "version": 1,
  "webhooks": {
    "post-call": {"webhook_url": "https://hooks.example.com/call"},
    "plain": {"webhook_url": "http://x.example.com", "request_headers": {"Authorization": "Bearer x"}}
  },
  "workspace": {"settings": {"webhooks": {"post_call_webhook_id": "@webhook:post-cal"}}}
}
"""


def test_webhooks_and_their_references_are_validated_at_their_manifest_lines(tmp_path: Path) -> None:
    (tmp_path / "agents.json").write_text(WEBHOOKS_MANIFEST)
    by_path = {path: (line, message) for line, path, message in problems(tmp_path)}
    line, message = by_path["webhooks.post_call_webhook_id"]
    assert line == 7 and "unknown webhook 'post-cal' (did you mean 'post-call'?)" in message
    assert by_path["webhook_url"][0] == 5  # an HTTPS URL only
    assert "${VAR} placeholder" in by_path["request_headers.Authorization"][1]
    allowed = {path for _line, path, _message in problems(tmp_path, "--allow-literal")}
    assert "request_headers.Authorization" not in allowed
