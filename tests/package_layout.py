"""Kept for ``tests/test_layout.py``: the layout checks live in ``tests/support/layout.py``."""

from tests.support.layout import (
    MAX_FUNCTION_LINES,
    MAX_MODULE_LINES,
    import_cycles,
    imports_within,
    oversized,
)

__all__ = ["MAX_FUNCTION_LINES", "MAX_MODULE_LINES", "import_cycles", "imports_within", "oversized"]
