"""A tiny app standing in for the emulator behind ``FaultMiddleware``, and a way to send it requests.

Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agents_cli.emulator.faults import ConnectionDropped, FaultMiddleware, FaultSettings


class ItemsApp:
    """A tiny app standing in for the emulator: GET an item, POST creates one (counted)."""

    def __init__(self) -> None:
        self.created: list[Any] = []
        self.app = Starlette(
            routes=[
                Route("/items/{item_id}", self.get_item, methods=["GET"]),
                Route("/items", self.create_item, methods=["POST"]),
            ]
        )

    async def get_item(self, request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["item_id"]})

    async def create_item(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.created.append(body)
        return JSONResponse({"id": f"item_{len(self.created)}", **body}, status_code=201)


def items_middleware(**settings: Any) -> tuple[FaultMiddleware, ItemsApp]:
    items = ItemsApp()
    return FaultMiddleware(items.app, FaultSettings(**settings)), items


async def outcomes(middleware: FaultMiddleware, count: int) -> list[object]:
    """Status codes of ``count`` sequential requests (alternating GET/POST); "drop" for dropped ones."""
    results: list[object] = []
    transport = httpx.ASGITransport(app=middleware)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        for index in range(count):
            try:
                if index % 2:
                    response = await client.post("/items", json={"n": index})
                else:
                    response = await client.get(f"/items/{index}")
                results.append(response.status_code)
            except ConnectionDropped:
                results.append("drop")
    return results


def run_requests(middleware: FaultMiddleware, count: int) -> list[object]:
    return asyncio.run(outcomes(middleware, count))
