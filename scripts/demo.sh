#!/usr/bin/env bash
# `make demo`: a fresh project in a temp folder, against the embedded emulator (environment `local`):
# init → add (tool, test, agent) → validate → plan → sync → plan (no changes), then one edit → plan shows the
# field → sync → test (the tool test runs against the local config) → chat --script over the Agent WebSocket.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${ROOT}/.venv/bin"
export PATH="${BIN}:${PATH}"
DEMO_DIR="$(mktemp -d "${TMPDIR:-/tmp}/agents-demo.XXXXXX")"
if [[ "${KEEP_DEMO:-0}" != "1" ]]; then
  trap 'rm -rf "${DEMO_DIR}"' EXIT
fi

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then BOLD=$'\033[1m'; PLAIN=$'\033[0m'; else BOLD=""; PLAIN=""; fi

step() {
  printf '\n%s$ %s%s\n' "${BOLD}" "$*" "${PLAIN}"
  "$@"
}

cd "${DEMO_DIR}"
echo "demo project: ${DEMO_DIR} (KEEP_DEMO=1 keeps it)"
step agents init .
step agents add tool "Lookup Order" --template webhook
step agents add test "Looks Up Order" --template tool
step agents add agent "Support Bot" --template minimal

# Attach the tool and the test to the agent (what the 'add' lines above say to do).
config="$(ls agents/support-bot.* | head -n 1)"
printf '\n# edit %s: attach @tool:lookup-order and @test:looks-up-order\n' "${config}"
"${BIN}/python" - "${config}" <<'PY'
import sys
from pathlib import Path

path = Path(sys.argv[1])
text = path.read_text()
marker = "      prompt: "
if marker in text and "tool_ids" not in text:
    text = text.replace(marker, '      tool_ids: ["@tool:lookup-order"]\n' + marker, 1)
text += 'platform_settings:\n  testing:\n    attached_tests:\n      - test_id: "@test:looks-up-order"\n'
path.write_text(text)
PY
step agents validate
step agents plan --env local
step agents sync --env local --yes
step agents plan --env local --detailed-exitcode

# One change: the plan names exactly that field, and sync applies only it.
printf '\n# edit %s: set the prompt temperature to 0.2\n' "${config}"
"${BIN}/python" - "${config}" <<'PY'
import sys
from pathlib import Path

path = Path(sys.argv[1])
text = path.read_text()
marker = "      prompt: "
if "temperature:" not in text and marker in text:
    text = text.replace(marker, "      temperature: 0.2\n" + marker, 1)
path.write_text(text)
PY
set +e
step agents plan --env local --detailed-exitcode
code=$?
set -e
echo "(exit code ${code}: 2 means changes are present)"
step agents sync --env local --yes
step agents plan --env local
step agents test --env local

# A scripted conversation over the Agent WebSocket (the local emulator served on loopback for it).
cat > chat.yaml <<'YAML'
turns:
  - user: Hello, where is my parcel?
    expect:
      reply_contains: help
YAML
step agents chat support-bot --env local --script chat.yaml
step agents conversations list --env local
