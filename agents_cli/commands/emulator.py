"""``agents emulator serve``: the convai emulator as a real HTTP server until SIGINT/SIGTERM."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

from agents_cli.context import AppContext
from agents_cli.errors import UsageError


def run(
    app: AppContext,
    *,
    host: str,
    port: int,
    data: Path | None,
    latency_ms: float,
    jitter_ms: float,
    fault_rate: float,
    faults: str | None,
    seed: int | None,
    strict: bool,
    api_keys: list[str],
    completion_polls: int | None,
    completion_delay: float | None,
) -> int:
    from agents_cli.emulator.faults import FaultSettings
    from agents_cli.emulator.server import serve
    from agents_cli.emulator.settings import EmulatorSettings

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (got {port})", hint="--port 0 picks a free one")
    if not 0.0 <= fault_rate <= 1.0:
        raise UsageError(
            f"--fault-rate must be between 0 and 1 (got {fault_rate})", hint="e.g. --fault-rate 0.2"
        )
    if completion_polls is not None and completion_polls < 0:
        raise UsageError("--completion-polls must not be negative", hint="e.g. --completion-polls 2")
    if completion_delay is not None and completion_delay < 0:
        raise UsageError("--completion-delay must not be negative", hint="e.g. --completion-delay 0.5")
    # Environment variables (AGENTS_EMULATOR_*) give the base; flags given on the command line win.
    fault_settings = FaultSettings.from_env()
    changes: dict[str, object] = {}
    if latency_ms:
        changes["latency_ms"] = latency_ms
    if jitter_ms:
        changes["jitter_ms"] = jitter_ms
    if fault_rate:
        changes["fault_rate"] = fault_rate
    if faults:
        changes["kinds"] = tuple(kind.strip() for kind in faults.split(",") if kind.strip())
    if seed is not None:
        changes["seed"] = seed
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
    settings = EmulatorSettings(
        strict=strict,
        api_keys=tuple(api_keys),
        completion_polls=completion_polls if completion_polls is not None else 1,
        completion_delay=completion_delay if completion_delay is not None else 0.0,
        faults=fault_settings,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        app.out.warn(f"serving on {host}: the emulator accepts any API key unless --api-key is given")

    def announce(line: str) -> None:
        # One parseable line on stdout, flushed at once: scripts wait for it.
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    try:
        serve(host, port, settings, data, announce=announce)
    except OSError as exc:
        import socket

        # A name that does not resolve is a --host problem; anything else (in use, no permission) --port.
        hint = "check --host (e.g. 127.0.0.1)" if isinstance(exc, socket.gaierror) else "pick another --port"
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint=hint) from exc
    return 0
