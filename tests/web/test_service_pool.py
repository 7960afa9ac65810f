"""The store pool's own threads (``ServicePool.run``), which the action endpoint hands its
whole request to: results and errors come back as they are, and a call keeps its slot —
its connection — until its thread is done, even when the request was cancelled."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from duban.plugins import Hooks, make_plugin_manager
from duban.runtime.config import Config
from duban.web.deployment import Lease, ServicePool


def _pool(tmp_path: Path, size: int) -> ServicePool:
    cfg = Config(store=f"sqlite:///{tmp_path / 'pool.db'}", policies=[], plugins=None)
    return ServicePool(cfg, Hooks(make_plugin_manager(folder=None)), size=size)


def test_results_and_errors_come_back_from_the_pool_threads(tmp_path: Path) -> None:
    pool = _pool(tmp_path, 2)

    def name(borrowed: Lease) -> str:
        assert borrowed.service.policies  # a real, leased service
        return threading.current_thread().name

    def fail(_borrowed: Lease) -> None:
        raise KeyError("the work's own error")

    async def main() -> None:
        assert (await pool.run(name)).startswith("duban-store-")
        with pytest.raises(KeyError, match="the work's own error"):
            await pool.run(fail)
        assert len(set(await asyncio.gather(*(pool.run(name) for _ in range(6))))) <= 2

    try:
        asyncio.run(main())
    finally:
        pool.close()


def test_a_cancelled_call_keeps_its_slot_until_its_thread_is_done(tmp_path: Path) -> None:
    pool = _pool(tmp_path, 1)
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def slow(_borrowed: Lease) -> None:
        started.set()
        release.wait(10)
        order.append("slow done")

    def next_one(_borrowed: Lease) -> None:
        order.append("next ran")

    async def main() -> None:
        first = asyncio.ensure_future(pool.run(slow))
        await asyncio.to_thread(started.wait, 10)
        first.cancel()
        await asyncio.sleep(0.05)
        assert first.cancelled() and pool.slots().locked()  # held by the running thread
        second = asyncio.ensure_future(pool.run(next_one))
        await asyncio.sleep(0.2)
        assert order == []  # the only connection is still in use by the cancelled call
        release.set()
        await second
        assert not pool.slots().locked()

    try:
        asyncio.run(main())
    finally:
        pool.close()
    assert order == ["slow done", "next ran"]
