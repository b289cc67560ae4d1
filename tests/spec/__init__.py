"""Tests of ``agents_cli.spec``: the spec applied as models, the catalog table, schema generation, checks."""
