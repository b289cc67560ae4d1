"""The convai API: one client, its answers and failures, credentials and the directory of remote resources."""

import sys

# httpx imports its command-line module (``httpx._main``: rich, click, pygments when installed, ≈30 ms) from
# its ``__init__`` only to offer ``httpx.main``; a None entry makes that import fail, which httpx handles.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
