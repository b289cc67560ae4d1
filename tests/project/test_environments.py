"""Environments: a branch environment's main environment (same connection, no branch), the environments
sharing one agent, and offline checks of traffic splits."""

from __future__ import annotations

from agents_cli.project.environments import (
    Environment,
    deployment_issues,
    main_environment,
    main_issues,
    parse_environment,
    same_agents,
)


def _environments(**specs: dict[str, object]) -> dict[str, Environment]:
    return {name: parse_environment(name, spec) for name, spec in specs.items()}


def test_a_branch_environment_branches_the_one_main_environment_on_its_connection() -> None:
    envs = _environments(
        prod={"base_url": "http://x", "api_key_env": "K"},
        dev={"base_url": "http://x", "api_key_env": "K", "branch": "dev"},
        qa={"base_url": "http://x", "api_key_env": "K", "branch": "qa"},
        other={"base_url": "http://y", "api_key_env": "K"},
    )
    assert main_environment(envs, envs["dev"]).name == "prod"
    assert main_environment(envs, envs["prod"]).name == "prod"
    assert same_agents(envs, envs["dev"]) == {"prod", "qa"}
    assert same_agents(envs, envs["prod"]) == {"dev", "qa"}
    assert same_agents(envs, envs["other"]) == set()


def test_without_exactly_one_main_a_branch_environment_is_its_own_main() -> None:
    envs = _environments(a={"emulator": True}, b={"emulator": True}, dev={"emulator": True, "branch": "dev"})
    assert main_environment(envs, envs["dev"]).name == "dev"


def test_traffic_splits_must_sum_to_100_and_name_declared_agents() -> None:
    envs = _environments(prod={"deployments": {"bot": {"main": 90, "canary": 5}, "ghost": {"main": 100}}})
    assert deployment_issues(envs, {"bot"}) == [
        (
            ("environments", "prod", "deployments", "bot"),
            "the traffic percentages of 'bot' sum to 95, not 100",
        ),
        (("environments", "prod", "deployments", "ghost"), "traffic split for undeclared agent 'ghost'"),
    ]
    fine = _environments(prod={"deployments": {"bot": {"main": 66.67, "canary": 33.33}}})
    assert deployment_issues(fine, {"bot"}) == []


def test_an_explicit_main_picks_the_main_environment_when_the_connection_does_not() -> None:
    envs = _environments(
        local={"emulator": True},
        scratch={"emulator": True},
        dev={"emulator": True, "branch": "dev", "main": "local"},
    )
    assert main_environment(envs, envs["dev"]).name == "local"
    assert same_agents(envs, envs["dev"]) == {"local"}
    assert same_agents(envs, envs["scratch"]) == set()
    assert main_issues(envs) == []


def test_a_main_naming_an_unknown_or_branch_environment_is_an_issue() -> None:
    envs = _environments(
        prod={"emulator": True},
        qa={"emulator": True, "branch": "qa", "main": "prod"},
        dev={"emulator": True, "branch": "dev", "main": "qa"},
        typo={"emulator": True, "branch": "t", "main": "prdo"},
        itself={"emulator": True, "branch": "i", "main": "itself"},
        plain={"emulator": True, "main": "prod"},
        remote={"base_url": "http://x", "branch": "r", "main": "prod"},
    )
    issues = dict(main_issues(envs))
    assert "reaches another workspace" in issues.pop(("environments", "remote", "main"))
    assert issues == {
        ("environments", "dev", "main"): "environment 'qa' is itself a branch environment (branch 'qa')",
        ("environments", "typo", "main"): "unknown environment 'prdo' (environments: dev, itself, plain, "
        "prod, qa, remote)",
        ("environments", "itself", "main"): "environment 'itself' cannot be its own main environment",
        ("environments", "plain", "main"): (
            "'main' is only for a branch environment ('plain' has no 'branch')"
        ),
    }
