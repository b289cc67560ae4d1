"""The convai REST emulator: app, store, deterministic test evaluation, fault injection, transports."""

from __future__ import annotations
