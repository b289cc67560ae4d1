"""``gather_or_cancel``: ``asyncio.gather`` that leaves nothing running when one of its tasks fails."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def gather_or_cancel(*coroutines: Coroutine[Any, Any, T]) -> list[T]:
    """``asyncio.gather`` that, when one fails, cancels and awaits the others before raising that first
    error (not an ``ExceptionGroup``): nothing is left running on a client that is about to close."""
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coroutine) for coroutine in coroutines]
    except BaseExceptionGroup as failed:
        raise _first_leaf(failed) from None
    return [task.result() for task in tasks]


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
