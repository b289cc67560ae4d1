from __future__ import annotations

from agents_cli.cli.main import main

main()
