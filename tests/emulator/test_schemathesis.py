"""The emulator checked by an outside fuzzer: ``schemathesis`` generates requests for every route the emulator
implements from the spec (``agents_cli/spec/convai-openapi.json``), valid ones and (for lists) invalid
ones, sends them over loopback HTTP and checks each answer: no server error, the documented status codes,
content types and response schemas, valid data accepted, invalid data rejected, ``Allow`` on 405.

Bounded and fixed: ``POSITIVE_EXAMPLES``/``NEGATIVE_EXAMPLES`` per operation, derandomised (the same inputs
every run). What the fuzzer flags that the real API does too is listed in ``EXPECTED`` with its reason (and
in docs/emulator.md); any other finding fails the test.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402

from agents_cli.emulator.app import ROUTES  # noqa: E402

SPEC = Path(__file__).resolve().parents[2] / "agents_cli" / "spec" / "convai-openapi.json"
POSITIVE_EXAMPLES = 8
NEGATIVE_EXAMPLES = 4
RUN = settings(
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Deviation:
    """A finding the real API shares: the failed check, the answer's status and its error code (an
    ``fnmatch`` pattern)."""

    check: str
    status: int
    code: str
    reason: str


_UNKNOWN_ID = "an id the fuzzer made up does not exist: the API answers 404, which the spec does not document"
EXPECTED = [
    Deviation("UndefinedStatusCode", 404, "*not_found", _UNKNOWN_ID),
    Deviation("RejectedPositiveData", 404, "*not_found", _UNKNOWN_ID),
    Deviation(
        "UndefinedStatusCode", 400, "invalid_cursor", "cursors are opaque: one the fuzzer made up is refused"
    ),
    Deviation(
        "RejectedPositiveData", 400, "invalid_cursor", "cursors are opaque: one the fuzzer made up is refused"
    ),
    Deviation(
        "UndefinedStatusCode", 400, "invalid_parameters", "a rule the schema cannot say (a production value)"
    ),
    Deviation(
        "RejectedPositiveData", 400, "invalid_parameters", "a rule the schema cannot say (a production value)"
    ),
    Deviation(
        "RejectedPositiveData",
        422,
        "union_tag_not_found",
        "the spec gives a discriminated union's tag a default, so the fuzzer omits it; Pydantic needs it",
    ),
    Deviation("RejectedPositiveData", 400, "*_not_found", "the body refers to an id that does not exist"),
    Deviation("UndefinedStatusCode", 400, "*_not_found", "the body refers to an id that does not exist"),
    Deviation("RejectedPositiveData", 422, "value_error", "a model validator the schema cannot say"),
    Deviation(
        "RejectedPositiveData",
        400,
        "*_not_found",
        "a body naming an id that does not exist (attached_tests, tool_ids…) is refused, as the API does",
    ),
    Deviation(
        "UndefinedStatusCode", 409, "*", "a conflict (in use, already exists) the spec does not document"
    ),
    Deviation("RejectedPositiveData", 400, "invalid_url", "the spec's description requires https"),
    Deviation("UndefinedStatusCode", 400, "invalid_url", "the spec's description requires https"),
    *(
        Deviation(check, 400, code, "a rule of the document's type or folder the schema cannot say")
        for check in ("RejectedPositiveData", "UndefinedStatusCode")
        for code in ("invalid_move", "invalid_document_type", "cannot_index_folder")
    ),
    Deviation(
        "RejectedPositiveData", 400, "unsupported_provider", "the emulator imports twilio and sip_trunk only"
    ),
    Deviation(
        "UndefinedStatusCode", 400, "unsupported_provider", "the emulator imports twilio and sip_trunk only"
    ),
    Deviation(
        "RejectedPositiveData", 409, "*", "a conflict (in use, already exists) the spec does not document"
    ),
]


# Lists whose query parameters all take strings or lists of strings (besides ones the emulator checks): a
# "negative" case (objects or numbers where strings go) reaches the server as strings, valid on the wire, so
# FastAPI accepts it too.
WIRE_VALID_NEGATIVES = {("GET", "/v1/convai/conversations")}


def _implemented() -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in ROUTES
        for method in (getattr(route, "methods", None) or ())
        if method != "HEAD"
    }


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_path(str(SPEC))
    wanted = _implemented()
    found = [result.ok() for result in schema.get_all_operations()]
    return [op for op in found if (op.method.upper(), op.path) in wanted]


OPERATIONS = _operations()


@pytest.fixture
def emulator_url() -> Iterator[str]:
    """A fresh emulator per operation: what one operation's requests find does not depend on which others
    ran before it in the same worker."""
    from agents_cli.emulator.server import running_emulator
    from agents_cli.emulator.settings import EmulatorSettings

    with running_emulator(EmulatorSettings()) as running:
        yield running.url


def _codes(response: Any) -> list[str]:
    """The answer's error codes: ``detail.status``, or every 422 item's ``type``."""
    try:
        detail = json.loads(response.content or b"null").get("detail")
    except (ValueError, AttributeError):
        return [""]
    if isinstance(detail, dict):
        return [str(detail.get("status", ""))]
    if isinstance(detail, list):
        return [str(item.get("type", "")) for item in detail if isinstance(item, dict)] or [""]
    return [""]


def _described(failure: BaseException, response: Any) -> str:
    """The failure's title, what was sent and the start of the answer (enough to reproduce it)."""
    request = response.request
    body = (request.body or b"")[:300] if isinstance(request.body, bytes) else str(request.body)[:300]
    return f"{str(failure).splitlines()[0]}: {request.method} {request.url} {body!r} -> {response.text[:300]}"


def _expected(check: str, status: int, codes: list[str]) -> bool:
    return any(
        d.check == check and d.status == status and any(fnmatch(code, d.code) for code in codes)
        for d in EXPECTED
    )


def _findings(operation: Any, mode: Any, examples: int, url: str) -> set[str]:
    """Every unexpected finding of ``examples`` generated cases, as ``check status code`` lines."""
    found: set[str] = set()

    @settings(RUN, max_examples=examples)
    @given(case=operation.as_strategy(mode))
    def run(case: Any) -> None:
        response = case.call(base_url=url, headers={"xi-api-key": "sk_fuzz"}, timeout=60)
        try:
            case.validate_response(response, headers={"xi-api-key": "sk_fuzz"})
        except BaseException as failed:  # a FailureGroup of the checks that failed
            if not isinstance(failed, BaseExceptionGroup):
                raise
            for failure in failed.exceptions:
                check, codes = type(failure).__name__, _codes(response)
                if not _expected(check, response.status_code, codes):
                    found.add(f"{check} {response.status_code} {codes[0]}: {_described(failure, response)}")

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid (no parameters, no body)
        run()
    return found


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_the_emulator_answers_generated_requests_as_the_spec_says(operation: Any, emulator_url: str) -> None:
    findings = _findings(operation, schemathesis.GenerationMode.POSITIVE, POSITIVE_EXAMPLES, emulator_url)
    if operation.method.upper() == "GET" and "{" not in operation.path:
        negative = schemathesis.GenerationMode.NEGATIVE
        found = _findings(operation, negative, NEGATIVE_EXAMPLES, emulator_url)
        if (operation.method.upper(), operation.path) in WIRE_VALID_NEGATIVES:
            found = {line for line in found if not line.startswith("AcceptedNegativeData 200")}
        findings |= found
    assert sorted(findings) == []


# Routes the spec does not have, so nothing can be generated for them: the SDK sends them.
NOT_IN_SPEC = {("DELETE", "/v1/convai/environment-variables/{env_var_id}")}


def test_every_implemented_route_is_fuzzed() -> None:
    fuzzed = {(op.method.upper(), op.path) for op in OPERATIONS}
    assert fuzzed == _implemented() - NOT_IN_SPEC
