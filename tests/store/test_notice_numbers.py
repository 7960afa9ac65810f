"""一单多事 in the store: a notice's 文号 is reserved once and shared, and the places on it
(第N项) are handed out once each — also to workers numbering items of one notice at the
same instant. Runs against every store (SQLite file, real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

from duban.store.base import Store

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=TZ)


def test_one_number_per_notice_and_each_place_once_under_concurrency(
        open_store: Callable[[], Store]) -> None:
    first = open_store()
    first.migrate()
    workers, each = 4, 10
    stores = [open_store() for _ in range(workers)]
    got: list[tuple[int, int, int, dt.datetime]] = []
    plain: list[int] = []
    lock = threading.Lock()
    gate = threading.Barrier(workers)

    def work(s: Store, n: int) -> None:
        gate.wait()
        for _ in range(each):  # items of notice A numbered, and items numbered on their own
            hit = s.notice_number("qinan", "A", at(3, 2 + n))
            alone = s.next_number("qinan", 2026)
            with lock:
                got.append((hit.year, hit.seq, hit.place, hit.issued))
                plain.append(alone)

    threads = [threading.Thread(target=work, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({(y, s) for y, s, _, _ in got}) == 1  # one 文号 for the notice
    assert sorted(p for _, _, p, _ in got) == list(range(1, workers * each + 1))
    assert len({i for *_, i in got}) == 1  # one date: the first call's
    seq = got[0][1]
    assert sorted([seq, *plain]) == list(range(1, workers * each + 2))  # never reused
    again = first.notice_number("qinan", "A", at(12, 31))
    assert (again.seq, again.place, again.issued) == (seq, workers * each + 1, got[0][3])


def test_a_notice_keeps_its_year_and_each_notice_has_its_own(store: Store) -> None:
    a = store.notice_number("qinan", "A", dt.datetime(2025, 12, 31, 10, tzinfo=TZ))
    b = store.notice_number("qinan", "B", dt.datetime(2026, 1, 5, 10, tzinfo=TZ))
    later = store.notice_number("qinan", "A", dt.datetime(2026, 1, 6, 10, tzinfo=TZ))
    assert (a.year, a.seq, a.place) == (2025, 1, 1)
    assert (b.year, b.seq, b.place) == (2026, 1, 1)  # the new year starts again
    assert (later.year, later.seq, later.place) == (2025, 1, 2)  # 〔2025〕1号 第2项
    assert later.issued == dt.datetime(2025, 12, 31, 10, tzinfo=TZ)
    assert store.notice_number("other", "A", at(1, 6)).place == 1  # per policy
