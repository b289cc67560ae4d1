"""``agents emulator serve``: the convai emulator as a real HTTP server until SIGINT/SIGTERM."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from agents_cli.context import AppContext
from agents_cli.errors import UsageError

if TYPE_CHECKING:
    from agents_cli.emulator.faults import FaultSettings


@dataclass(frozen=True)
class ServeRequest:
    host: str = "127.0.0.1"
    port: int = 8765  # 0 picks a free one
    data: Path | None = None  # SQLite file (default: in memory)
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fault_rate: float = 0.0
    faults: str | None = None  # fault kinds, e.g. '429,500,502,503,drop,slow'
    seed: int | None = None
    strict: bool = False  # reject unknown keys instead of dropping them
    api_keys: tuple[str, ...] = ()  # accepted xi-api-key values (default: any non-empty)
    completion_polls: int | None = None
    completion_delay: float | None = None


def _check(request: ServeRequest) -> None:
    port, fault_rate = request.port, request.fault_rate
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (got {port})", hint="--port 0 picks a free one")
    if not 0.0 <= fault_rate <= 1.0:
        raise UsageError(
            f"--fault-rate must be between 0 and 1 (got {fault_rate})", hint="e.g. --fault-rate 0.2"
        )
    if request.completion_polls is not None and request.completion_polls < 0:
        raise UsageError("--completion-polls must not be negative", hint="e.g. --completion-polls 2")
    if request.completion_delay is not None and request.completion_delay < 0:
        raise UsageError("--completion-delay must not be negative", hint="e.g. --completion-delay 0.5")


def _fault_settings(app: AppContext, request: ServeRequest) -> FaultSettings:
    """Environment variables (AGENTS_EMULATOR_*) give the base; flags given on the command line win."""
    from agents_cli.emulator.faults import FaultSettings

    fault_settings = FaultSettings.from_env(app.host.environ)
    changes: dict[str, object] = {}
    if request.latency_ms:
        changes["latency_ms"] = request.latency_ms
    if request.jitter_ms:
        changes["jitter_ms"] = request.jitter_ms
    if request.fault_rate:
        changes["fault_rate"] = request.fault_rate
    if request.faults:
        changes["kinds"] = tuple(kind.strip() for kind in request.faults.split(",") if kind.strip())
    if request.seed is not None:
        changes["seed"] = request.seed
    if changes:
        fault_settings = replace(fault_settings, **changes)  # type: ignore[arg-type]
    if fault_settings.active:
        if fault_settings.seed is None:
            # Pick the seed here so that it can be shown: with it, the same request sequence replays.
            fault_settings = replace(fault_settings, seed=random.SystemRandom().randrange(2**31))
        app.out.info(
            f"faults: rate {fault_settings.fault_rate:g} of {','.join(fault_settings.kinds)}, latency "
            f"{fault_settings.latency_ms:g}+{fault_settings.jitter_ms:g} ms, seed {fault_settings.seed}"
        )
    return fault_settings


def serve_emulator(app: AppContext, request: ServeRequest) -> int:
    from agents_cli.emulator.server import serve
    from agents_cli.emulator.settings import EmulatorSettings

    _check(request)
    host, port = request.host, request.port
    settings = EmulatorSettings(
        strict=request.strict,
        api_keys=tuple(request.api_keys),
        completion_polls=request.completion_polls if request.completion_polls is not None else 1,
        completion_delay=request.completion_delay if request.completion_delay is not None else 0.0,
        faults=_fault_settings(app, request),
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        app.out.warn(f"serving on {host}: the emulator accepts any API key unless --api-key is given")

    def announce(line: str) -> None:
        # One parseable line on stdout, flushed at once: scripts wait for it.
        app.out.stdout.write(line + "\n")
        app.out.stdout.flush()

    try:
        serve(host, port, settings, request.data, announce=announce)
    except OSError as exc:
        import socket

        # A name that does not resolve is a --host problem; anything else (in use, no permission) --port.
        hint = "check --host (e.g. 127.0.0.1)" if isinstance(exc, socket.gaierror) else "pick another --port"
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint=hint) from exc
    return 0
