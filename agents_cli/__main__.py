"""``python -m agents_cli`` and the ``agents`` console script."""

from __future__ import annotations

import gc

# A run lives for well under a second and builds few reference cycles: collecting during the imports (and
# at teardown, over everything the run built) costs tens of milliseconds and frees almost nothing.
gc.disable()

from agents_cli.cli.main import entry  # noqa: E402

if __name__ == "__main__":
    entry()
