"""How an emulator instance behaves: strictness, accepted keys, test-run timing, faults, identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EmulatorSettings:
    strict: bool = False
    """Reject unknown keys in request bodies (422 ``extra_forbidden``) instead of dropping them."""
    strict_catalog: bool = False
    """Check catalog enums (LLM ids, TTS models...) against the spec instead of accepting any string."""
    api_keys: tuple[str, ...] = ()
    """Accepted ``xi-api-key`` values; empty accepts any non-empty key."""
    completion_polls: int = 1
    """A test run completes on this GET of its invocation (1: the first poll already shows results)."""
    completion_delay: float = 0.0
    """...and not before this many seconds after it was started."""
    faults: Any = None
    """``agents_cli.emulator.faults.FaultSettings`` or None (no fault injection)."""
    user_id: str = "emulator-user"
    user_name: str = "Emulator User"
    user_email: str = "emulator@localhost"
    workspace_id: str = "emulator-workspace"
    extra: dict[str, Any] = field(default_factory=dict)

    def key_accepted(self, key: str | None) -> bool:
        if not key:
            return False
        return not self.api_keys or key in self.api_keys
