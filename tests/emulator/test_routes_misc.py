"""Workspace environment variables (``routes_misc``): a ``production`` value is required and labels are
unique. Real loopback HTTP."""

from __future__ import annotations

import httpx


def test_env_vars_need_production_and_a_new_label(client: httpx.Client) -> None:
    no_production = {"type": "string", "label": "X", "values": {"staging": "v"}}
    assert client.post("/v1/convai/environment-variables", json=no_production).status_code == 400
    good = {"type": "string", "label": "X", "values": {"production": "v"}}
    assert client.post("/v1/convai/environment-variables", json=good).status_code == 200
    assert client.post("/v1/convai/environment-variables", json=good).status_code == 409
