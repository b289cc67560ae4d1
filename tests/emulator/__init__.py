"""Tests of ``agents_cli.emulator``, one module per part of it."""
