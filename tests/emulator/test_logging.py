"""What the served emulator logs: nothing for intentional faults and clients that go away, one traceback
for a real bug (not a second copy from uvicorn)."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Iterator

import httpx
import pytest

from agents_cli.emulator.errors import ReportedErrorLogFilter
from tests.support.emulator import ServedEmulator
from tests.support.waiting import EVENT_DEADLINE_S, wait_until


@pytest.fixture
def all_logs(
    served_emulator: ServedEmulator, caplog: pytest.LogCaptureFixture
) -> Iterator[pytest.LogCaptureFixture]:
    """caplog that also sees uvicorn's error log (uvicorn's logging config does not propagate to root)."""
    caplog.set_level(logging.DEBUG)
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        uvicorn_log.removeHandler(caplog.handler)


def _port(served: ServedEmulator) -> int:
    return int(served.url.rsplit(":", 1)[1])


def _wait_for_exchange(served: ServedEmulator, method: str, path: str) -> None:
    """Until the app has finished with a request (the recorder notes it) and the server has finished with
    every request it began: uvicorn writes its logs for a request before the request's task ends."""
    wait_until(
        lambda: any(e.method == method and e.path == path for e in served.exchanges),
        f"the emulator finishing {method} {path}",
    )
    served.running.background.wait_until_idle(EVENT_DEADLINE_S)


def _problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name} {r.levelname} {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING or r.exc_info
    ]


def test_client_that_disconnects_mid_body_leaves_no_traceback(
    served_emulator: ServedEmulator, all_logs: pytest.LogCaptureFixture
) -> None:
    with socket.create_connection(("127.0.0.1", _port(served_emulator))) as sock:
        sock.sendall(
            b"POST /v1/convai/agents/create HTTP/1.1\r\nhost: emulator\r\n"
            + f"xi-api-key: {served_emulator.api_key}\r\n".encode()
            + b"content-type: application/json\r\ncontent-length: 500\r\n\r\n"
            + b'{"conversation_config": {'
        )
        # Hang up only once the server is handling the request, so that it is the app that sees the client go.
        in_flight = served_emulator.running.background.requests_in_flight
        wait_until(lambda: in_flight() > 0, "the server reading the request")
    _wait_for_exchange(served_emulator, "POST", "/v1/convai/agents/create")

    assert _problems(all_logs) == []
    assert any("client disconnected" in r.getMessage() for r in all_logs.records)  # at debug level
    # Nothing half-created, and the server keeps serving.
    listed = httpx.get(served_emulator.url + "/v1/convai/agents", headers=served_emulator.headers)
    assert listed.json()["agents"] == []


def test_dropped_connection_and_killed_clients_leave_no_traceback(
    served_emulator: ServedEmulator, all_logs: pytest.LogCaptureFixture
) -> None:
    from agents_cli.emulator.faults import FaultSettings

    served_emulator.configure(faults=FaultSettings(seed=3, fault_rate=1.0, kinds=("drop",)))
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers)
    # A client killed while its request waits out the injected latency: the answer goes nowhere.
    served_emulator.configure(faults=FaultSettings(seed=3, latency_ms=150))
    with socket.create_connection(("127.0.0.1", _port(served_emulator))) as sock:
        sock.sendall(
            b"GET /v1/convai/agents HTTP/1.1\r\nhost: emulator\r\n"
            + f"xi-api-key: {served_emulator.api_key}\r\n\r\n".encode()
        )
    _wait_for_exchange(served_emulator, "GET", "/v1/convai/agents")
    served_emulator.configure(faults=None)

    assert _problems(all_logs) == []
    assert httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers).status_code == 200


def test_a_real_bug_is_logged_once_with_its_traceback(
    served_emulator: ServedEmulator, all_logs: pytest.LogCaptureFixture
) -> None:
    # Settings the code cannot handle: building the user crashes, as a bug in a route would.
    served_emulator.configure(user_name=None)
    response = httpx.get(served_emulator.url + "/v1/user", headers=served_emulator.headers)
    _wait_for_exchange(served_emulator, "GET", "/v1/user")

    assert response.status_code == 500
    assert response.json()["detail"]["status"] == "internal_error"
    assert "AttributeError" in response.json()["detail"]["message"]
    reports = [r for r in all_logs.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in reports] == ["emulator bug while serving GET /v1/user"]
    assert reports[0].name == "agents_cli.emulator" and reports[0].exc_info is not None


def test_reported_error_filter_hides_only_errors_the_app_logged() -> None:
    def record_of(exc: Exception) -> logging.LogRecord:
        try:
            raise exc
        except Exception:
            info = sys.exc_info()
        return logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI", (), info)

    reported = RuntimeError("bug")
    reported.__dict__["emulator_reported"] = True
    log_filter = ReportedErrorLogFilter()
    assert log_filter.filter(record_of(reported)) is False
    assert log_filter.filter(record_of(RuntimeError("unreported"))) is True
    plain = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "no exception", (), None)
    assert log_filter.filter(plain) is True
