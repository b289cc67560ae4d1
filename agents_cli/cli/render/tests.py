"""How a test run looks to people: live progress, the result table, and why each failure failed.

Progress and per-run lines are diagnostics (stderr); the table and failure details are the command's data
(stdout). On a terminal progress is a live bar per agent; otherwise one quiet line per finished run.
"""

from __future__ import annotations

import dataclasses
from types import TracebackType
from typing import TYPE_CHECKING, Any

from agents_cli.cli.output import Output
from agents_cli.cli.render.base import Renderer
from agents_cli.commands.test import TestRun
from agents_cli.context import AppContext
from agents_cli.testing.model import CaseResult, RunReport

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

STATUS_STYLES = {
    "passed": "green",
    "failed": "red",
    "unknown": "yellow",
    "timed_out": "magenta",
    "error": "red",
}
STATUS_LABELS = {"timed_out": "timed out"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


class LiveProgress:
    """A ``runner.Progress`` that draws bars on a TTY (stderr) and prints quiet lines elsewhere."""

    def __init__(self, out: Output) -> None:
        self.out = out
        isatty = getattr(out.stderr, "isatty", None)
        self.live = bool(isatty and isatty())
        self._bars: RichProgress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> LiveProgress:
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bars = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.out.err_console,
                transient=True,
            )
            self._bars.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._bars is not None:
            self._bars.stop()

    def started(self, agent: str, total: int) -> None:
        if self._bars is not None:
            self._tasks[agent] = self._bars.add_task(agent, total=total)
        else:
            self.out.info(f"{agent}: running {total} test run(s)")

    def finished(self, result: CaseResult) -> None:
        line = (
            f"{status_label(result.status):>9}  {result.agent} / {result.display_name} "
            f"({result.type}, {result.duration_s:.1f}s)"
        )
        if self._bars is not None:
            from rich.text import Text

            # A styled Text, not print(style=...): that style would also paint the redrawn progress bars.
            self._bars.console.print(Text(line, style=STATUS_STYLES[result.status]), highlight=False)
            task = self._tasks.get(result.agent)
            if task is not None:
                self._bars.advance(task)
        else:
            self.out.info(line)


def render_table(out: Output, report: RunReport) -> None:
    rows = [
        (
            result.agent,
            result.display_name,
            result.type,
            status_label(result.status).upper() if not result.ok else "passed",
            f"{result.duration_s:.1f}s",
        )
        for result in report.results
    ]
    out.table(["agent", "test", "type", "status", "duration"], rows)
    if any(rate.runs > 1 or rate.min_pass_rate < 1 for rate in report.pass_rates()):
        out.line()
        out.table(
            ["agent", "test", "pass rate", "needed", "result"],
            [
                (
                    rate.agent,
                    rate.name,
                    f"{rate.passes}/{rate.runs} ({rate.rate:.0%})",
                    f"{rate.min_pass_rate:.0%}",
                    "passed" if rate.ok else "FAILED",
                )
                for rate in report.pass_rates()
            ],
        )


def render_comparison(out: Output, report: RunReport) -> None:
    if not report.comparison:
        return
    out.line()
    out.table(
        ["agent", "test", "deployed", "local", "change"],
        [(row.agent, row.name, row.deployed, row.local, row.change) for row in report.comparison],
    )
    regressions = sum(1 for row in report.comparison if row.regression)
    fixed = sum(1 for row in report.comparison if row.deployed == "failed" and row.local == "passed")
    out.line(
        f"compare with deployed: {regressions} regression(s), {fixed} fixed",
        style="bold red" if regressions else "green",
    )


def render_failures(out: Output, report: RunReport, *, show_transcript: bool) -> None:
    """Every run that did not pass: its rationale and relevant turns (all turns with ``show_transcript``)."""
    for result in report.results:
        if result.ok and not show_transcript:
            continue
        out.line()
        header = (
            f"{status_label(result.status).upper()}  {result.agent} / {result.display_name} ({result.type})"
        )
        out.line(header, style=STATUS_STYLES[result.status])
        if result.rationale_summary:
            out.line(f"  rationale: {result.rationale_summary}")
        for message in result.rationale_messages:
            if message != result.rationale_summary:
                out.line(f"    - {message}")
        indexes = range(len(result.transcript)) if show_transcript else result.relevant_turns
        turns = [result.transcript[i] for i in indexes if 0 <= i < len(result.transcript)]
        if turns:
            out.line("  transcript:" if show_transcript else "  relevant turns:")
            for turn in turns:
                calls = f"  [calls {', '.join(turn.tool_calls)}]" if turn.tool_calls else ""
                out.line(f"    {turn.role:>5}: {turn.message}{calls}")


def summary_line(report: RunReport) -> str:
    counts = report.counts()
    parts = [f"{counts['passed']} passed"]
    for status in ("failed", "unknown", "timed_out", "error"):
        if counts[status]:
            parts.append(f"{counts[status]} {status_label(status)}")
    line = f"{', '.join(parts)} of {counts['total']} run(s) in {report.duration_s:.1f}s"
    rates = report.pass_rates()
    if any(rate.runs > 1 or rate.min_pass_rate < 1 for rate in rates):
        reached = sum(1 for rate in rates if rate.ok)
        line += f"; {reached} of {len(rates)} test(s) reached their pass rate"
    return line


def _human(app: AppContext, result: TestRun) -> Output:
    """Where people's output goes: stderr when a report takes stdout (``--json -``, ``--junit -``)."""
    if result.report_on_stdout:
        return Output(host=app.host, stdout=app.out.stderr, no_color=app.out.no_color)
    return app.out


def _test_run_text(app: AppContext, result: TestRun) -> None:
    human = _human(app, result)
    report = result.report
    if result.unchanged:
        from agents_cli.testing.cache import CACHE_PATH

        human.info(
            f"unchanged since their last successful run ({CACHE_PATH.as_posix()}), not run: "
            f"{', '.join(result.unchanged)} (--no-cache runs them anyway)"
        )
        if not report.results:
            human.line("0 tests run: nothing changed", style="green")
            return
    render_table(human, report)
    render_comparison(human, report)
    render_failures(human, report, show_transcript=result.show_transcript)
    if result.junit_on_stdout:
        from agents_cli.testing.reports import junit_text

        app.out.stdout.write(junit_text(report))
        app.out.stdout.flush()
    human.line()
    human.line(summary_line(report), style="green" if report.all_passed else "bold red")


def _test_run_json(result: TestRun) -> Any:
    from agents_cli.testing.reports import report_json

    document = report_json(result.report)
    if result.unchanged:  # --changed left these out: unchanged since their last successful run
        document["unchanged"] = list(result.unchanged)
    return document


def _test_run_stderr(app: AppContext, result: TestRun) -> None:
    """With the JSON report on stdout, people still see the table, the failures and the summary."""
    _test_run_text(app, dataclasses.replace(result, json_on_stdout=True))


def test_run_markdown(report: RunReport) -> str:
    """A test run as markdown (``--format markdown``): a table of runs, the summary, and one ``<details>``
    per run that did not pass with its rationale and relevant turns."""
    import html

    from agents_cli.cli.render.markdown import cell, fenced

    lines = [
        "### agents test",
        "",
        "| agent | test | type | status | duration |",
        "| --- | --- | --- | --- | --- |",
    ]
    for result in report.results:
        status = "✅ passed" if result.ok else f"❌ {status_label(result.status)}"
        row = (
            cell(result.agent),
            cell(result.display_name),
            result.type,
            status,
            f"{result.duration_s:.1f}s",
        )
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"**{summary_line(report)}**", ""]
    for result in report.results:
        if result.ok:
            continue
        summary = f"{html.escape(result.agent)} / {html.escape(result.display_name)}: "
        body = [f"rationale: {result.rationale_summary}"] if result.rationale_summary else []
        body += [f"  - {text}" for text in result.rationale_messages if text != result.rationale_summary]
        turns = [result.transcript[i] for i in result.relevant_turns if 0 <= i < len(result.transcript)]
        body += [f"{turn.role:>5}: {turn.message}" for turn in turns]
        lines += ["<details>", f"<summary>{summary}{status_label(result.status)}</summary>", ""]
        lines += [*fenced(body or ["(no rationale)"], language="text"), "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


TEST_RUN = Renderer(
    _test_run_text,
    _test_run_json,
    stderr=_test_run_stderr,
    markdown=lambda result: test_run_markdown(result.report),
)
