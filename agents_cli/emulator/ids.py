"""Ids that look like the real API's: ``agent_3701k3ttaq12ewp8b7qv5rfyszkz`` (prefix + 28 lowercase chars).

The 28 characters are a 4-digit shard (ending in ``01``), a ``k`` and 23 Crockford base32 characters, the
shape of every id in the spec's examples. Knowledge-base documents and secrets use the 20-character
mixed-case ids the API returns for them.
"""

from __future__ import annotations

import secrets
import string

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ALNUM = string.ascii_letters + string.digits

PREFIXES = {
    "agent": "agent",
    "tool": "tool",
    "test": "test",
    "invocation": "suite",
    "run": "run",
    "branch": "agtbranch",
    "version": "agtvrsn",
    "env_var": "envvar",
    "phone_number": "phnum",
    "conversation": "conv",
}


def new_id(kind: str) -> str:
    """A fresh id for ``kind`` (a key of ``PREFIXES``; other kinds get a 20-character id)."""
    prefix = PREFIXES.get(kind)
    if prefix is None:
        return "".join(_ALNUM[byte % len(_ALNUM)] for byte in secrets.token_bytes(20))
    shard = f"{secrets.randbelow(100):02d}01"
    tail = "".join(_CROCKFORD[byte % 32] for byte in secrets.token_bytes(23))  # 256 % 32 == 0: uniform
    return f"{prefix}_{shard}k{tail}"
