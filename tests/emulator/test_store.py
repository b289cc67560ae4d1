"""The SQLite store and concurrent requests: nothing lost, nothing duplicated, order kept, data survives."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from agents_cli.emulator.store import Store
from tests.support.emulator import ServedEmulator


def test_documents_round_trip_in_insertion_order_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "emulator.db"
    store = Store(path)
    store.put("agent", "a", {"name": "first", "unicode": "grüße"})
    store.put("agent", "b", {"name": "second"})
    store.put("agent", "a", {"name": "first, updated"})  # an update keeps its place
    store.put("tool", "t", {"name": "tool"})
    assert [ident for _, ident, _ in store.list("agent")] == ["b", "a"]
    assert [ident for _, ident, _ in store.list("agent", newest_first=False)] == ["a", "b"]
    assert store.delete("agent", "b") and not store.delete("agent", "b")
    store.close()

    reopened = Store(path)
    assert reopened.get("agent", "a") == {"name": "first, updated"}
    assert reopened.get("agent", "b") is None
    assert reopened.count("tool") == 1
    reopened.put("agent", "c", {})
    seqs = [seq for seq, _, _ in reopened.list("agent", newest_first=False)]
    assert seqs == sorted(seqs) and len(set(seqs)) == 2
    reopened.close()


def test_a_failed_transaction_writes_nothing() -> None:
    store = Store(None)
    try:
        with store.transaction():
            store.put("agent", "a", {})
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.get("agent", "a") is None
    store.close()


def test_two_stores_on_one_file_from_many_threads(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    stores = [Store(path), Store(path)]

    def write(worker: int) -> None:
        for index in range(25):
            stores[worker % 2].put("agent", f"{worker}-{index}", {"worker": worker})

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listed = stores[0].list("agent")
    assert len(listed) == 150
    assert len({seq for seq, _, _ in listed}) == 150
    for store in stores:
        store.close()


def test_concurrent_creates_over_http_are_all_kept(served_emulator: ServedEmulator) -> None:
    def create(index: int) -> str:
        with httpx.Client(
            base_url=served_emulator.url, headers=served_emulator.headers, timeout=10
        ) as client:
            body = {"name": f"agent {index}", "conversation_config": {}}
            response = client.post("/v1/convai/agents/create", json=body)
            assert response.status_code == 200, response.text
            agent_id: str = response.json()["agent_id"]
            return agent_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, range(40)))
    assert len(set(created)) == 40

    seen: list[str] = []
    cursor: str | None = None
    with httpx.Client(base_url=served_emulator.url, headers=served_emulator.headers) as client:
        while True:
            params: dict[str, str | int] = {"page_size": 7}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/v1/convai/agents", params=params).json()
            seen.extend(agent["agent_id"] for agent in page["agents"])
            if not page["has_more"]:
                break
            cursor = page["next_cursor"]
    assert sorted(seen) == sorted(created)
