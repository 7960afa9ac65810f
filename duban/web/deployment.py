"""What one server process shares between requests: settings, plugins, policies, and a
pool of services (one store connection each).

Why a pool: a store connection is used by one request at a time (a SQLite or psycopg
connection in the middle of a transaction must not serve a second request), while the
policies, the plugin manager and the compiled engines are immutable and shared. A request
borrows a :class:`~duban.runtime.service.Service` for its duration and gives it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from duban.plugins import Hooks, make_plugin_manager
from duban.runtime.app import open_service
from duban.runtime.config import Config
from duban.runtime.service import Service
from duban.store.base import StoreError
from duban.store.identity import IdentityStore, identity_for
from duban.web.settings import WebSettings

T = TypeVar("T")


@dataclass
class Lease:
    """A borrowed service and the identity tables of the same connection."""

    service: Service
    identity: IdentityStore


@dataclass
class ServicePool:
    """At most ``size`` open services; a request waits ``timeout`` seconds for one."""

    config: Config
    hooks: Hooks
    size: int = 8
    timeout: float = 30.0
    _free: queue.LifoQueue[Lease] = field(default_factory=queue.LifoQueue)
    _opened: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _first: Service | None = None
    _slots: asyncio.Semaphore | None = None
    _queue: queue.SimpleQueue[Any] | None = None

    async def run(self, work: Callable[[Lease], T]) -> T:
        """``work(lease)`` on one of the pool's own threads, with a connection leased
        there, awaited from the event loop.

        Why not the framework's thread pool (anyio's, which a sync endpoint or
        dependency runs in) or an executor: their per-call bookkeeping (a capacity
        limiter and a cancel scope; a concurrent future chained to an asyncio one) cost
        the event loop about as much CPU as the token check itself. Here a call is one
        put on a queue and one callback back into the loop. The pool has one thread per
        connection, and a call keeps its slot until its thread is done with it — also
        when the request was cancelled meanwhile: the store transaction is never cut in
        the middle, and at most ``size`` threads hold a connection, so :meth:`lease`
        never waits, neither here nor in the event loop."""
        slots = self.slots()
        await slots.acquire()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        try:
            self._jobs().put((work, contextvars.copy_context(), loop, done))
        except BaseException:
            slots.release()
            raise
        return await done

    def _jobs(self) -> queue.SimpleQueue[Any]:
        with self._lock:
            if self._queue is None:
                self._queue = queue.SimpleQueue()
                for n in range(self.size):
                    threading.Thread(target=self._serve, args=(self._queue,), daemon=True,
                                     name=f"duban-store-{n}").start()
            return self._queue

    def _serve(self, jobs: queue.SimpleQueue[Any]) -> None:
        """One of the pool's threads: runs calls until :meth:`close` sends None."""
        while (job := jobs.get()) is not None:
            work, context, loop, done = job
            result, error = None, None
            try:
                with self.lease() as borrowed:
                    result = context.run(work, borrowed)
            except BaseException as exc:  # handed to the awaiting request as it is
                error = exc
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(self._settle, done, result, error)

    def _settle(self, done: asyncio.Future[Any], result: Any, error: BaseException | None
                ) -> None:
        self.slots().release()
        if done.cancelled():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)

    def slots(self) -> asyncio.Semaphore:
        """At most ``size`` requests hold a connection; the others wait in the event loop
        (so :meth:`lease` then never waits)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        return self._slots

    def _open(self) -> Lease:
        if self._first is None:  # loads policies and notifiers, migrates the store
            service = open_service(self.config, hooks=self.hooks)
            self._first = service
        else:
            first = self._first
            scheme = self.config.store.split(":", 1)[0] if "://" in self.config.store \
                else "sqlite"
            store = self.hooks.stores.get(scheme)(self.config.store)
            service = Service(store, first.policies, self.hooks, first.channels,
                              first.notifiers, first.delivery,
                              quick_check_every=first.quick_check_every)
        return Lease(service, identity_for(service.store))

    @contextmanager
    def lease(self) -> Iterator[Lease]:
        try:
            lease = self._free.get_nowait()
        except queue.Empty:
            with self._lock:
                grow = self._opened < self.size
                if grow:
                    self._opened += 1
            if grow:
                try:
                    lease = self._open()
                except BaseException:
                    with self._lock:
                        self._opened -= 1
                    raise
            else:
                try:
                    lease = self._free.get(timeout=self.timeout)
                except queue.Empty:
                    raise StoreError("服务繁忙，请稍后重试 / all store connections are busy, "
                                     "retry later") from None
        try:
            yield lease
        finally:
            self._free.put(lease)

    def policies(self) -> Service:
        """A service whose ``policies`` are loaded (opening the first connection)."""
        with self.lease() as lease:
            return lease.service

    def close(self) -> None:
        with self._lock:
            jobs, self._queue = self._queue, None
        if jobs is not None:
            for _ in range(self.size):
                jobs.put(None)
        while True:
            try:
                self._free.get_nowait().service.store.close()
            except queue.Empty:
                return


@dataclass
class Deployment:
    """Everything a request handler may need besides the request itself."""

    config: Config
    settings: WebSettings
    hooks: Hooks
    pool: ServicePool
    #: The only clock the service reads (tests and rehearsals pass their own).
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    attachment_storage: Any = None  # built on first use (duban.web.attachments)

    @classmethod
    def open(cls, config: Config, settings: WebSettings, hooks: Hooks | None = None,
             clock: Callable[[], dt.datetime] | None = None) -> Deployment:
        hooks = hooks or Hooks(make_plugin_manager(folder=config.plugins))
        pool = ServicePool(config, hooks, size=settings.pool_size)
        pool.policies()  # fail at start-up (bad policy, unreachable store), not later
        dep = cls(config, settings, hooks, pool)
        if clock is not None:
            dep.clock = clock
        return dep
