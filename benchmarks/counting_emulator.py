"""The emulator served on a free loopback port with latency, counting the requests it serves.

``GET /_bench/requests`` answers ``{"requests": N, "first": T, "last": T}`` (not counted, no latency): how
many requests were served, when the first request since the previous ``/_bench`` call arrived and when the
last answer was sent (``time.monotonic()``, the same clock in every process of the machine), so a benchmark
can tell a command's fixed cost before its first request and after its last answer. Prints ``emulator
listening on URL`` once bound.

Usage: python benchmarks/counting_emulator.py [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


class CountingLayer:
    """ASGI: counts every HTTP request that passes, answers the count on ``/_bench/requests``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.first: float | None = None
        self.last: float | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/_bench/requests":
            answer = {"requests": self.requests, "first": self.first, "last": self.last}
            self.first = self.last = None
            body = json.dumps(answer).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.requests += 1
        if self.first is None:
            self.first = time.monotonic()
        await self.app(scope, receive, send)
        self.last = time.monotonic()


def main() -> None:
    import uvicorn

    from agents_cli.emulator.app import create_app
    from agents_cli.emulator.faults import FaultSettings
    from agents_cli.emulator.server import bind_socket
    from agents_cli.emulator.settings import EmulatorSettings

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    options = parser.parse_args()
    settings = EmulatorSettings(faults=FaultSettings(latency_ms=options.latency_ms))
    app = CountingLayer(create_app(settings))
    sock = bind_socket("127.0.0.1", 0)
    print(f"emulator listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
