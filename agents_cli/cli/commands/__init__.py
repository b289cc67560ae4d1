"""The command declarations (typer functions), one module per group, imported in help order.

Each typer function only builds its command's typed request and calls ``boundary.invoke``; the command's
module is imported inside the function, so ``agents --help`` imports no heavy library.
"""
# ruff: noqa: I001  (the import order below is the order of ``agents --help``)

from agents_cli.cli.commands import project
from agents_cli.cli.commands import deploy
from agents_cli.cli.commands import branches
from agents_cli.cli.commands import testing
from agents_cli.cli.commands import conversation
from agents_cli.cli.commands import resources
from agents_cli.cli.commands import importing
from agents_cli.cli.commands import auth

__all__ = ["auth", "branches", "conversation", "deploy", "importing", "project", "resources", "testing"]
