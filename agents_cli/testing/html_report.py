"""The HTML report (``agents test --html FILE``): one self-contained file, no network.

Styles and the one small script are inline; nothing is loaded from elsewhere, so the file can be attached
to a CI run and opened offline. It shows the summary, the pass rate per test, every run with its rationale
and its transcript (tool calls included), and, with ``--compare``, the status of each test on both sides.
Without JavaScript everything is still shown; the script only adds the "failures only" filter.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from agents_cli.testing.model import CaseResult, RunReport
from agents_cli.testing.reports import write_bytes

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
td,th{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #ddd}
.passed{color:#137333}.failed,.error,.regression{color:#b3261e}.unknown,.timed_out{color:#8a5a00}
.verdict{font-weight:600}.run{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.run h3{font-size:1rem;margin:.25rem 0}.rationale{margin:.25rem 0 .25rem 1rem}
.turn{margin:.1rem 0 .1rem 1rem;font-family:ui-monospace,monospace;white-space:pre-wrap}
.role{display:inline-block;min-width:4rem;color:#555}.calls{color:#5b3cc4}
body.failures-only .run.ok{display:none}
"""
_SCRIPT = """
(function(){
  var box=document.getElementById('failures-only');
  if(box){box.addEventListener('change',function(){document.body.classList.toggle('failures-only',box.checked);});}
  document.body.setAttribute('data-rendered','yes');
})();
"""


def _status(status: str) -> str:
    return f'<span class="{escape(status)}">{escape(status.replace("_", " "))}</span>'


def _summary(report: RunReport) -> str:
    counts = report.counts()
    verdict = "passed" if report.all_passed else "failed"
    cells = "".join(f"<td>{escape(key)}: {value}</td>" for key, value in counts.items())
    return (
        f"<p>environment <b>{escape(report.environment)}</b>, against <b>{escape(report.against)}</b>, "
        f"started {escape(report.started_at)}, {report.duration_s:.1f}s</p>"
        f'<p class="verdict {verdict}" id="verdict">{verdict.upper()}</p>'
        f"<table><tr>{cells}</tr></table>"
    )


def _pass_rates(report: RunReport) -> str:
    rows = "".join(
        f"<tr><td>{escape(rate.agent)}</td><td>{escape(rate.name)}</td>"
        f"<td>{rate.passes}/{rate.runs} ({rate.rate:.0%})</td><td>{rate.min_pass_rate:.0%}</td>"
        f"<td>{_status('passed' if rate.ok else 'failed')}</td></tr>"
        for rate in report.pass_rates()
    )
    return (
        "<h2>Pass rates</h2><table><tr><th>agent</th><th>test</th><th>passed</th><th>needed</th>"
        f"<th>result</th></tr>{rows}</table>"
    )


def _run(result: CaseResult) -> str:
    messages = "".join(
        f"<li>{escape(message)}</li>"
        for message in result.rationale_messages
        if message != result.rationale_summary
    )
    turns = "".join(
        f'<div class="turn"><span class="role">{escape(turn.role)}</span> {escape(turn.message)}'
        + (
            f' <span class="calls">[calls {escape(", ".join(turn.tool_calls))}]</span>'
            if turn.tool_calls
            else ""
        )
        + "</div>"
        for turn in result.transcript
    )
    transcript = f"<details{' open' if not result.ok else ''}><summary>transcript</summary>{turns}</details>"
    return (
        f'<div class="run{" ok" if result.ok else ""}">'
        f"<h3>{escape(result.agent)} / {escape(result.display_name)} ({escape(result.type)}) "
        f"{_status(result.status)}</h3>"
        f'<p class="rationale">{escape(result.rationale_summary)}</p>'
        + (f'<ul class="rationale">{messages}</ul>' if messages else "")
        + (transcript if turns else "")
        + "</div>"
    )


def _compare(report: RunReport) -> str:
    flips = report.comparison
    if not flips:
        return ""
    rows = "".join(
        f"<tr><td>{escape(row.agent)}</td><td>{escape(row.name)}</td><td>{_status(row.deployed)}</td>"
        f'<td>{_status(row.local)}</td><td class="{"regression" if row.regression else ""}">'
        f"{escape(row.change)}</td></tr>"
        for row in flips
    )
    return (
        "<h2>Compare: deployed → local</h2><table><tr><th>agent</th><th>test</th><th>deployed</th>"
        f"<th>local</th><th>change</th></tr>{rows}</table>"
    )


def report_html(report: RunReport) -> str:
    runs = "".join(_run(result) for result in report.results)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Test report: {escape(report.environment)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Test report</h1>{_summary(report)}{_pass_rates(report)}{_compare(report)}"
        '<h2>Runs</h2><label><input type="checkbox" id="failures-only"> failures only</label>'
        f"{runs}<script>{_SCRIPT}</script></body></html>\n"
    )


def write_html(report: RunReport, path: Path) -> None:
    write_bytes(path, report_html(report).encode("utf-8"))
