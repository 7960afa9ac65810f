"""Durations in the words regulations use, and the ones refused."""

from __future__ import annotations

import pytest

from duban.calendar import Duration, DurationSyntaxError, parse_duration


@pytest.mark.parametrize(
    ("text", "amount", "unit", "zh"),
    [
        ("2 working days", 2, "working_day", "2个工作日"),
        ("1 working day", 1, "working_day", "1个工作日"),
        ("2个工作日", 2, "working_day", "2个工作日"),
        ("两个工作日", 2, "working_day", "2个工作日"),
        ("5工作日", 5, "working_day", "5个工作日"),
        ("7 days", 7, "day", "7日"),
        ("1 day", 1, "day", "1日"),
        ("7日", 7, "day", "7日"),
        ("7天", 7, "day", "7日"),
        ("三天", 3, "day", "3日"),
        ("十五日", 15, "day", "15日"),
        ("三十天", 30, "day", "30日"),
        ("二十五个工作日", 25, "working_day", "25个工作日"),
        ("九十九天", 99, "day", "99日"),
        ("48 hours", 48, "hour", "48小时"),
        ("48小时", 48, "hour", "48小时"),
        ("二十四小时", 24, "hour", "24小时"),
        ("2 weeks", 2, "week", "2周"),
        ("两周", 2, "week", "2周"),
        ("2周", 2, "week", "2周"),
        ("一个星期", 1, "week", "1周"),
        ("1 month", 1, "month", "1个月"),
        ("3 months", 3, "month", "3个月"),
        ("一个月", 1, "month", "1个月"),
        ("1个月", 1, "month", "1个月"),
        ("两个月", 2, "month", "2个月"),
        ("半个月", 15, "day", "15日"),
        ("  2  Working   Days ", 2, "working_day", "2个工作日"),
        ("２个工作日", 2, "working_day", "2个工作日"),  # full-width digit
        ("2 个工作日", 2, "working_day", "2个工作日"),
    ],
)
def test_accepted_forms(text: str, amount: int, unit: str, zh: str) -> None:
    duration = parse_duration(text)
    assert (duration.amount, duration.unit) == (amount, unit)
    assert duration.text == text
    assert duration.to_text_zh() == zh
    assert parse_duration(duration.to_text_zh()) == duration
    assert parse_duration(duration.to_text_en()) == duration


@pytest.mark.parametrize(
    "text",
    [
        "三", "soon", "2 fortnights", "-1 days", "0 days", "0个工作日", "零天", "", "2",
        "2 working", "一月", "1月", "十两天", "两十天", "百天", "1.5 days", "1 month ago",
        "10000 days", "二十二十天", "days", "个工作日", "2 working days later",
    ],
)
def test_refused_forms_list_the_accepted_ones(text: str) -> None:
    with pytest.raises(DurationSyntaxError) as caught:
        parse_duration(text)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert repr(text) in message
    assert "个工作日" in message and "working days" in message and "半个月" in message
    assert message.index("无法识别") < message.index("not a duration")  # Chinese first


def test_non_text_is_refused() -> None:
    with pytest.raises(DurationSyntaxError):
        parse_duration(2)  # type: ignore[arg-type]


def test_equality_ignores_the_original_text() -> None:
    assert parse_duration("两周") == parse_duration("2 weeks") == Duration(2, "week")
    assert parse_duration("半个月") == Duration(15, "day")
    assert hash(parse_duration("7日")) == hash(parse_duration("7 days"))
    assert str(parse_duration("2 working days")) == "2个工作日"
    assert parse_duration("1 working day").to_text_en() == "1 working day"


@pytest.mark.parametrize(("amount", "unit"), [(-1, "day"), (3, "fortnight"), (10_000, "day")])
def test_invalid_duration_values(amount: int, unit: str) -> None:
    with pytest.raises(ValueError):
        Duration(amount, unit)  # type: ignore[arg-type]


def test_zero_only_where_allowed() -> None:
    """0 means "at the deadline" for a reminder; as a time limit it is refused."""
    assert parse_duration("0个工作日", allow_zero=True) == Duration(0, "working_day")
    assert parse_duration("0 days", allow_zero=True) == Duration(0, "day")
    with pytest.raises(DurationSyntaxError):
        parse_duration("0个工作日")
