"""Regression compare (``agents test --compare deployed``): each attached test's verdict against the
deployed agent and against the local config, from one run of both. A test that passes deployed and not
locally is a regression; scenarios always run against the deployed agent, so they are not compared."""

from __future__ import annotations

from agents_cli.testing.model import Comparison, RunReport


def compare(local: RunReport, deployed: RunReport) -> list[Comparison]:
    """One row per test of the local run, its pass-rate verdict on each side (``missing``: not run there)."""
    theirs = {(rate.agent, rate.name): rate for rate in deployed.pass_rates() if rate.kind == "test"}
    rows = []
    for rate in local.pass_rates():
        if rate.kind != "test":
            continue
        other = theirs.get((rate.agent, rate.name))
        deployed_verdict = "missing" if other is None else ("passed" if other.ok else "failed")
        rows.append(Comparison(rate.agent, rate.name, deployed_verdict, "passed" if rate.ok else "failed"))
    return rows
