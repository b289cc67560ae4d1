from __future__ import annotations

from agents_cli.cli import main

main()
