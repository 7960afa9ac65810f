"""The working-day calendar: which days are worked, and counting over them in O(1).

Why precomputed counts: every deadline, reminder and penalty asks "the N-th working day
after D" or "how many working days between A and B", often thousands of times in a
replay or a simulation. A day-by-day loop over a holiday table costs hundreds of
microseconds per question; here each question is a few list lookups.

Scheme: over the known range (whole years) ``_upto[i]`` (``== _cum[i + 1]``) is the number
of working days from the first known day up to and including day ``i`` (``_cum[0] == 0``),
and
``_wd_dates[k - 1]`` is the ``k``-th working day. Call ``C(d)`` the count up to ``d`` and
``W(k)`` the ``k``-th working day; then

* ``workdays_between(a, b) = C(b) - C(a)`` (working days in ``(a, b]``),
* ``add_workdays(d, n) = W(C(d) + n)`` for ``n >= 1`` (``d`` itself never counted),
* ``add_workdays(d, -n) = W(C(d - 1) + 1 - n)`` (the n-th working day strictly before ``d``).

Outside the known range ``C`` and ``W`` are either an error (the default; docs/calendar.md:
"never a silent guess") or, when the caller opted in with
``beyond_known_data="weekends_only"``, the closed-form weekday rule of
:mod:`duban.calendar._weekdays`; callers flag such answers as provisional.

A :class:`WorkCalendar` never reads the clock or the disk: it is built from data once
(see :func:`duban.calendar.build.build_calendar`) and shared.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from duban.calendar._weekdays import is_weekday, nth_weekday, weekdays_upto
from duban.calendar.data import CalendarAdditions, CalendarData
from duban.errors import CalendarUnknownDate

#: The empty set of additions (the official data as published).
NO_ADDITIONS = CalendarAdditions()

BeyondKnownData = Literal["error", "weekends_only"]
#: Accepted values of ``beyond_known_data``.
BEYOND_MODES: tuple[str, ...] = ("error", "weekends_only")

_HOW_TO_ADD_ZH = (
    "请用 duban calendar import 导入该年的放假安排通知，并在 duban.yaml 的 calendar: files: "
    "中引用（或安装提供日历的插件，或在策略中加入 calendar: {extra_holidays: [...], "
    "extra_workdays: [...]}）；也可明确选择 beyond_known_data: weekends_only"
    "（按周末规则计算，结果标记为临时，数据加入后用 duban calendar heal 重算）"
)
_HOW_TO_ADD_EN = (
    "import that year's notice with duban calendar import and name the file under "
    "calendar: files: in duban.yaml (or install a calendar plugin, or add the days to the "
    "policy's calendar:), or opt in to beyond_known_data: weekends_only (weekday rule, "
    "results flagged provisional and recomputed by duban calendar heal)"
)


class WorkCalendar:
    """An immutable working-day calendar over a known range of whole years.

    Dates are :class:`datetime.date`; no method reads the clock. Instances are cheap to
    share and safe across threads: nothing changes after construction.
    """

    __slots__ = (
        "_additions",
        "_beyond",
        "_cum",
        "_data",
        "_first",
        "_first_ord",
        "_last",
        "_last_ord",
        "_mask",
        "_n",
        "_nwd",
        "_rest_dates",
        "_rest_ords",
        "_upto",
        "_version",
        "_wd_dates",
        "_wd_ords",
        "_weekdays_before",
        "_weekdays_last",
    )

    _additions: CalendarAdditions
    _beyond: BeyondKnownData
    _cum: list[int]
    _upto: list[int]
    _data: CalendarData | None
    _first: dt.date
    _first_ord: int
    _last: dt.date
    _last_ord: int
    _mask: tuple[bool, ...]
    _n: int
    _nwd: int
    _rest_dates: list[dt.date]
    _rest_ords: list[int]
    _version: str
    _wd_dates: list[dt.date]
    _wd_ords: list[int]
    _weekdays_before: int
    _weekdays_last: int

    def __init__(
        self,
        first: dt.date,
        workday_mask: Sequence[bool],
        *,
        version: str,
        beyond_known_data: BeyondKnownData = "error",
        data: CalendarData | None = None,
        additions: CalendarAdditions = NO_ADDITIONS,
    ) -> None:
        """Build from the first known day and one flag per day (True = working day).

        Prefer :func:`duban.calendar.build_calendar`, which merges official data and
        additions and checks them; this constructor trusts its input.
        """
        if beyond_known_data not in BEYOND_MODES:
            raise ValueError(f"beyond_known_data must be one of {BEYOND_MODES}")
        mask = tuple(bool(flag) for flag in workday_mask)
        if not mask:
            raise ValueError("a calendar needs at least one known day")
        first_ord = first.toordinal()
        cum = [0] * (len(mask) + 1)
        wd_ords: list[int] = []
        rest_ords: list[int] = []
        running = 0
        for i, working in enumerate(mask):
            if working:
                running += 1
                wd_ords.append(first_ord + i)
            else:
                rest_ords.append(first_ord + i)
            cum[i + 1] = running
        last_ord = first_ord + len(mask) - 1
        values: dict[str, Any] = {
            "_additions": additions,
            "_beyond": beyond_known_data,
            "_cum": cum,
            "_upto": cum[1:],
            "_data": data,
            "_first": first,
            "_first_ord": first_ord,
            "_last": dt.date.fromordinal(last_ord),
            "_last_ord": last_ord,
            "_mask": mask,
            "_n": len(mask),
            "_nwd": len(wd_ords),
            "_rest_dates": [dt.date.fromordinal(o) for o in rest_ords],
            "_rest_ords": rest_ords,
            "_version": version,
            "_wd_dates": [dt.date.fromordinal(o) for o in wd_ords],
            "_wd_ords": wd_ords,
            "_weekdays_before": weekdays_upto(first_ord - 1),
            "_weekdays_last": weekdays_upto(last_ord),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self) -> str:
        return (
            f"WorkCalendar({self._first.isoformat()}..{self._last.isoformat()}, "
            f"version={self._version!r}, beyond_known_data={self._beyond!r})"
        )

    # -- what the calendar is --------------------------------------------------------

    @property
    def version(self) -> str:
        """The data version (plus a hash of any additions); recorded with every deadline."""
        return self._version

    @property
    def known_range(self) -> tuple[dt.date, dt.date]:
        """The first and last day the data answers for (inclusive)."""
        return (self._first, self._last)

    @property
    def beyond_known_data(self) -> BeyondKnownData:
        """``"error"`` or ``"weekends_only"``: what a question beyond the data gets."""
        return self._beyond

    @property
    def data(self) -> CalendarData | None:
        """The official table this calendar was built from (for labels), if any."""
        return self._data

    @property
    def additions(self) -> CalendarAdditions:
        """The merged additions (policy, data files, plugins) applied over the data."""
        return self._additions

    def is_known(self, d: dt.date) -> bool:
        """Whether ``d`` lies inside the known data (answers about it are not provisional)."""
        return self._first_ord <= d.toordinal() <= self._last_ord

    def spans_known(self, a: dt.date, b: dt.date) -> bool:
        """Whether every day from ``a`` to ``b`` (``a <= b``) lies inside the known data."""
        return self._first_ord <= a.toordinal() and b.toordinal() <= self._last_ord

    def provisional(self, *days: dt.date) -> bool:
        """Whether any of ``days`` is beyond the data, i.e. an answer touching it is a guess."""
        return any(not self._first_ord <= d.toordinal() <= self._last_ord for d in days)

    # -- questions -------------------------------------------------------------------

    def is_workday(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day (weekdays, makeup days; not rest days)."""
        i = d.toordinal() - self._first_ord
        if 0 <= i < self._n:
            return self._mask[i]
        self._check_beyond(d.toordinal(), d)
        return is_weekday(d.toordinal())

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``d`` (``d`` itself is never counted).

        ``n < 0`` gives the ``|n|``-th working day strictly before ``d`` (for "N working
        days before a deadline"); ``n == 0`` returns ``d`` unchanged, so that
        ``workdays_between(d, add_workdays(d, n)) == n`` for every ``n >= 0`` (use
        :meth:`next_workday` to roll a day forward).
        """
        i = d.toordinal() - self._first_ord
        if n > 0 and i >= 0:
            # The hot path: two list lookups. An IndexError (d or the result beyond the
            # data) is rare and falls through to the general path, which raises or
            # answers by the weekday rule.
            try:
                return self._wd_dates[self._upto[i] + n - 1]
            except IndexError:
                pass
        if n == 0:
            return d
        o = d.toordinal()
        # Forward: count from d inclusive; backward: from the day before d, so d is skipped.
        k = self._count(o, d) + n if n > 0 else self._count(o - 1, d) + 1 + n
        return dt.date.fromordinal(self._nth(k, d))

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in ``(a, b]``: ``a`` not counted, ``b`` counted; negative if b < a."""
        first = self._first_ord
        ia = a.toordinal() - first
        ib = b.toordinal() - first
        if ia >= 0 and ib >= 0:
            upto = self._upto
            try:
                return upto[ib] - upto[ia]
            except IndexError:  # beyond the data: the general path raises or extrapolates
                pass
        return self._count(b.toordinal(), b) - self._count(a.toordinal(), a)

    def next_workday(self, d: dt.date) -> dt.date:
        """``d`` if it is a working day, else the first working day after it (节假日顺延)."""
        i = d.toordinal() - self._first_ord
        if 0 <= i < self._n:
            if self._mask[i]:
                return d
            j = self._cum[i + 1]
            if j < self._nwd:
                return self._wd_dates[j]
        o = d.toordinal()
        return dt.date.fromordinal(self._nth(self._count(o - 1, d) + 1, d))

    def rest_days_between(self, a: dt.date, b: dt.date) -> list[dt.date]:
        """Rest days in ``(a, b]`` in order (empty when ``b <= a``)."""
        lo, hi = a.toordinal() + 1, b.toordinal()
        if hi < lo:
            return []
        rest = self._rest_ords
        if self._first_ord <= lo and hi <= self._last_ord:
            return self._rest_dates[bisect.bisect_left(rest, lo) : bisect.bisect_right(rest, hi)]
        if lo < self._first_ord:
            self._check_beyond(lo, dt.date.fromordinal(lo))
        if hi > self._last_ord:
            beyond = max(lo, self._last_ord + 1)
            self._check_beyond(beyond, dt.date.fromordinal(beyond))
        before = [o for o in range(lo, min(hi, self._first_ord - 1) + 1) if not is_weekday(o)]
        start = bisect.bisect_left(rest, lo)
        stop = bisect.bisect_right(rest, hi)
        after = [o for o in range(max(lo, self._last_ord + 1), hi + 1) if not is_weekday(o)]
        return (
            [dt.date.fromordinal(o) for o in before]
            + self._rest_dates[start:stop]
            + [dt.date.fromordinal(o) for o in after]
        )

    # -- the count C and its inverse W, beyond the fast paths ------------------------

    def _count(self, o: int, asked: dt.date) -> int:
        """``C(o)``: working days from the first known day up to ordinal ``o`` inclusive."""
        i = o - self._first_ord
        if -1 <= i < self._n:
            return self._cum[i + 1]
        self._check_beyond(o, asked)
        if i >= self._n:
            return self._cum[-1] + weekdays_upto(o) - self._weekdays_last
        return weekdays_upto(o) - self._weekdays_before

    def _nth(self, k: int, asked: dt.date) -> int:
        """``W(k)``: the ordinal of the working day whose count ``C`` is ``k``."""
        if 1 <= k <= self._nwd:
            return self._wd_ords[k - 1]
        if k > self._nwd:
            self._check_beyond(self._last_ord + 1, asked)
            return nth_weekday(k - self._nwd + self._weekdays_last)
        self._check_beyond(self._first_ord - 1, asked)
        return nth_weekday(k + self._weekdays_before)

    def _check_beyond(self, o: int, asked: dt.date) -> None:
        """Raise :class:`CalendarUnknownDate` for ordinal ``o`` unless weekends_only."""
        if self._beyond == "weekends_only":
            return
        year = dt.date.fromordinal(o).year
        iso = asked.isoformat()
        if self.is_known(asked):
            what_zh, what_en = f"从 {iso} 起的计算需要 {year} 年的数据", f"counting from {iso}"
        else:
            what_zh, what_en = f"{iso} 不在日历数据范围内", f"{iso} is outside the data"
        known = f"{self._first.year}–{self._last.year}"
        raise CalendarUnknownDate(
            f"日历数据未覆盖 {year} 年（已知 {known}）：{what_zh}。{_HOW_TO_ADD_ZH}。"
            f" / No calendar data for {year} (known: {known}): {what_en}; {_HOW_TO_ADD_EN}."
        )

