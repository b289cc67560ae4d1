"""The spec package is layered (no import cycle, lazy imports included) and within the size limits."""

from __future__ import annotations

from tests.support.layout import import_cycles, oversized


def test_the_spec_package_has_no_import_cycle() -> None:
    assert import_cycles("agents_cli.spec") == []


def test_the_spec_package_is_within_the_size_limits() -> None:
    assert oversized("agents_cli.spec") == []
