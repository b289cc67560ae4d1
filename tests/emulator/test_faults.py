"""Seeded fault injection middleware: reproducibility, fault shapes, per-route overrides, settings from the
environment (over real HTTP: test_faults_over_http)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx
import pytest

from agents_cli.emulator import faults
from agents_cli.emulator.faults import (
    FaultMiddleware,
    FaultSettings,
    decide,
    format_retry_after,
)
from agents_cli.errors import ConfigError
from tests.support.faults import ItemsApp, items_middleware, run_requests

# --- reproducibility --------------------------------------------------------------------------------------


def test_same_seed_same_faults_and_different_seeds_differ() -> None:
    first, _ = items_middleware(seed=42, fault_rate=0.2)
    second, _ = items_middleware(seed=42, fault_rate=0.2)
    other, _ = items_middleware(seed=43, fault_rate=0.2)
    outcomes = run_requests(first, 200)
    assert run_requests(second, 200) == outcomes
    assert run_requests(other, 200) != outcomes
    assert [d.kind for d in first.history] == [d.kind for d in second.history]
    kinds = {d.kind for d in first.history}
    assert kinds == {None, "429", "500", "502", "503", "drop"}
    # The HTTP outcome is the decision's kind (200/201 when none).
    for decision, outcome in zip(first.history, outcomes, strict=True):
        served = "201" if decision.method == "POST" else "200"
        assert str(outcome) == (decision.kind or served)


def test_fault_rate_is_respected_roughly() -> None:
    settings = FaultSettings(fault_rate=0.2)
    faulted = sum(decide(settings, 7, n, "GET", "/items/1").kind is not None for n in range(5000))
    assert 0.18 < faulted / 5000 < 0.22
    middleware, _ = items_middleware(seed=7, fault_rate=0.2)
    share = sum(o not in (200, 201) for o in run_requests(middleware, 200)) / 200
    assert 0.1 < share < 0.3
    none, _ = items_middleware(seed=7)
    assert set(run_requests(none, 50)) == {200, 201}


def test_reset_replays_the_sequence_and_a_random_seed_is_reported() -> None:
    middleware, _ = items_middleware(fault_rate=0.5)
    assert isinstance(middleware.seed_in_use, int)
    outcomes = run_requests(middleware, 40)
    middleware.reset()
    assert run_requests(middleware, 40) == outcomes
    assert len(middleware.history) == 40


def test_latency_comes_from_the_seeded_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = FaultSettings(latency_ms=20, jitter_ms=10)
    delays = [decide(settings, 1, n, "GET", "/x").delay_s for n in range(100)]
    assert all(0.020 <= d < 0.030 for d in delays)
    assert delays == [decide(settings, 1, n, "GET", "/x").delay_s for n in range(100)]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    # The middleware's waits, recorded instead of taken.
    monkeypatch.setattr(faults, "asyncio", SimpleNamespace(**{**vars(asyncio), "sleep": sleep}))
    middleware, _ = items_middleware(seed=1, latency_ms=20)
    assert run_requests(middleware, 3) == [200, 201, 200]
    assert waited == pytest.approx([0.02] * 3)  # every request waited the fixed latency


# --- fault shapes -----------------------------------------------------------------------------------------


def test_429_carries_retry_after_and_the_api_error_shape() -> None:
    middleware, items = items_middleware(seed=1, fault_rate=1.0, kinds=("429",), retry_after_s=2)

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return await client.post("/items", json={"n": 1})

    response = asyncio.run(call())
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json()["detail"]["status"] == "too_many_concurrent_requests"
    assert items.created == []  # decided before the app: nothing was created
    assert format_retry_after(0.25) == "0.25"


ERROR_CODES = [("500", "internal_error"), ("502", "bad_gateway"), ("503", "service_unavailable")]


@pytest.mark.parametrize(("kind", "code"), ERROR_CODES)
def test_server_errors_carry_an_error_body(kind: str, code: str) -> None:
    middleware, items = items_middleware(seed=1, fault_rate=1.0, kinds=(kind,))
    assert run_requests(middleware, 2) == [int(kind), int(kind)]

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return await client.get("/items/1")

    body = asyncio.run(call()).json()
    assert body["detail"]["status"] == code and "emulated fault" in body["detail"]["message"]
    assert items.created == []


def test_500_after_lets_the_create_happen_but_answers_500() -> None:
    middleware, items = items_middleware(seed=3, fault_rate=1.0, kinds=("500-after",))
    assert run_requests(middleware, 2) == [500, 500]
    assert items.created == [{"n": 1}]


def test_slow_waits_then_serves_with_the_request_body_intact() -> None:
    middleware, items = items_middleware(seed=3, fault_rate=1.0, kinds=("slow",), slow_s=0.05)
    assert run_requests(middleware, 2) == [200, 201]
    assert items.created == [{"n": 1}]


def test_configure_changes_settings_at_runtime_and_validates() -> None:
    middleware, _ = items_middleware(seed=5)
    assert run_requests(middleware, 4) == [200, 201, 200, 201]
    middleware.configure(fault_rate=1.0, kinds=("503",))
    assert run_requests(middleware, 2) == [503, 503]
    with pytest.raises(ConfigError, match="unknown fault kind"):
        middleware.configure(kinds=("404",))
    with pytest.raises(ConfigError, match="between 0 and 1"):
        middleware.configure(fault_rate=1.5)


# --- per-route overrides ----------------------------------------------------------------------------------


def test_route_override_applies_only_to_its_route() -> None:
    settings = FaultSettings(seed=11, latency_ms=0).with_route("POST /items", fault_rate=1.0, kinds=("503",))
    middleware = FaultMiddleware(ItemsApp().app, settings)
    outcomes = run_requests(middleware, 40)
    assert outcomes[1::2] == [503] * 20
    assert outcomes[0::2] == [200] * 20


def test_route_keys_match_templates_prefixes_and_any_method() -> None:
    settings = FaultSettings(fault_rate=0.0)
    settings.with_route("GET /v1/convai/agents/{agent_id}", fault_rate=1.0, kinds=("500",))
    settings.with_route("* /v1/convai/tools*", fault_rate=1.0, kinds=("429",))
    assert settings.for_route("GET", "/v1/convai/agents/agent_123").kinds == ("500",)
    assert settings.for_route("get", "/v1/convai/agents/agent_123").fault_rate == 1.0
    assert settings.for_route("GET", "/v1/convai/agents/agent_123/widget") is settings
    assert settings.for_route("PATCH", "/v1/convai/agents/agent_123") is settings
    assert settings.for_route("DELETE", "/v1/convai/tools/tool_9").kinds == ("429",)
    assert settings.for_route("GET", "/v1/convai/tools").kinds == ("429",)
    with pytest.raises(ConfigError, match="METHOD /path"):
        settings.with_route("/v1/no-method")


def test_from_env_parses_every_variable() -> None:
    settings = FaultSettings.from_env(
        {
            "AGENTS_EMULATOR_LATENCY_MS": "15",
            "AGENTS_EMULATOR_JITTER_MS": "5.5",
            "AGENTS_EMULATOR_FAULT_RATE": "0.2",
            "AGENTS_EMULATOR_FAULTS": "429, 503,drop",
            "AGENTS_EMULATOR_SEED": "1234",
            "AGENTS_EMULATOR_SLOW_S": "2",
            "AGENTS_EMULATOR_RETRY_AFTER_S": "0.5",
            "AGENTS_EMULATOR_ROUTE_FAULTS": "POST /v1/convai/agents/create fault_rate=1 kinds=500-after; "
            "GET /v1/user latency_ms=100",
        }
    )
    assert (settings.latency_ms, settings.jitter_ms, settings.fault_rate) == (15.0, 5.5, 0.2)
    assert settings.kinds == ("429", "503", "drop")
    assert (settings.seed, settings.slow_s, settings.retry_after_s) == (1234, 2.0, 0.5)
    create = settings.for_route("POST", "/v1/convai/agents/create")
    assert (create.fault_rate, create.kinds, create.latency_ms) == (1.0, ("500-after",), 15.0)
    assert settings.for_route("GET", "/v1/user").latency_ms == 100.0
    assert FaultSettings.from_env({}) == FaultSettings()
    assert not FaultSettings.from_env({}).active and settings.active


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"AGENTS_EMULATOR_FAULT_RATE": "lots"}, "must be a number"),
        ({"AGENTS_EMULATOR_SEED": "1.5"}, "must be an integer"),
        ({"AGENTS_EMULATOR_FAULTS": "429,teapot"}, "unknown fault kind"),
        ({"AGENTS_EMULATOR_ROUTE_FAULTS": "GET /v1/user rate=1"}, "bad setting"),
    ],
)
def test_from_env_rejects_bad_values_with_a_config_error(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        FaultSettings.from_env(environ)
