"""Planning traffic splits: a change per agent whose live split is not the desired one (rounding aside)."""

from __future__ import annotations

from agents_cli.engine.plan import SplitChange
from agents_cli.engine.splits import plan_splits, same_split


def test_an_equal_split_plans_nothing_and_a_different_one_a_change() -> None:
    desired = {"bot": {"main": 90.0, "canary": 10.0}, "faq": {"main": 100.0}}
    live = {"bot": {"main": 100.0}, "faq": {"main": 100.0}}
    assert plan_splits(desired, live) == (
        SplitChange("bot", {"main": 100.0}, {"main": 90.0, "canary": 10.0}),
    )


def test_an_agent_not_created_yet_plans_its_split_from_nothing() -> None:
    assert plan_splits({"bot": {"main": 100.0}}, {"bot": None}) == (SplitChange("bot", {}, {"main": 100.0}),)


def test_zero_shares_and_rounding_are_the_same_split() -> None:
    assert same_split({"main": 90.0, "canary": 10.0, "old": 0.0}, {"main": 90.004, "canary": 9.996})
    assert not same_split({"main": 90.0, "canary": 10.0}, {"main": 80.0, "canary": 20.0})
