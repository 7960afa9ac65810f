"""Partial expectations: the differences a reviewer reads (Chinese, dates as dates), and
the golden values ``--update`` writes. ``compare`` keeps its old sentences (the policy and
engine tests print them)."""

from __future__ import annotations

from duban.testing.expect import compare, differences, golden, updated

OUTCOME = {
    "items": {"A": {"state": "已办结", "due": "2026-10-15T23:59:59+08:00", "on_time": False,
                    "closed_at": None, "returns": 1,
                    "reminders": [{"event": "step_overdue", "at": "2026-10-10T00:00:00+08:00"},
                                  {"event": "overdue_notice", "at": "2026-10-16T00:00:00+08:00"}]}},
    "penalties": [{"item": "A", "target": "财务部", "points": -2, "coefficient": 0,
                   "measures": [], "rule": "逾期扣分", "cite": "第十条", "at": "2026-10-16T10:00:00+08:00"}],
    "rejected_steps": [{"step": 3, "code": "permission_denied", "message": "……"}],
    "kpi": {"total": 1, "closed_on_time": 0, "closure_rate": 0.0},
}


def sentences(expected: dict) -> list[str]:
    return [d.sentence() for d in differences(expected, OUTCOME)]


def test_dates_are_written_as_dates_and_fields_in_chinese() -> None:
    assert sentences({"items": {"A": {"due": "2026-10-14T23:59:59+08:00"}}}) == [
        "事项 A 的期限：应为 2026-10-14 23:59:59，实际 2026-10-15 23:59:59"]


def test_booleans_nulls_codes_and_rates_read_as_words() -> None:
    got = sentences({"items": {"A": {"on_time": True, "closed_at": "2026-10-15T10:00:00+08:00"}},
                     "rejected_steps": [{"code": "invalid_transition"}],
                     "kpi": {"closure_rate": 1.0}})
    assert got == ["事项 A 的是否按时办结：应为 是，实际 否",
                   "事项 A 的办结时间：应为 2026-10-15 10:00:00，实际 无",
                   "第 1 条被拒步骤的错误码：应为 当前状态不允许此操作（invalid_transition），"
                   "实际 无权操作（permission_denied）",
                   "办结率：应为 100%，实际 0%"]


def test_a_list_of_another_length_lists_what_happened() -> None:
    (text,) = sentences({"items": {"A": {"reminders": []}}})
    assert text == ("事项 A 的提醒：应没有，实际 2 条（实际：事件 环节超时（step_overdue），时间 "
                    "2026-10-10 00:00:00；事件 催办通知（overdue_notice），时间 2026-10-16 00:00:00）")
    assert "{" not in text


def test_only_written_keys_count_and_missing_ones_are_named() -> None:
    assert sentences({"items": {"A": {"state": "已办结"}}, "penalties": [{"points": -2}]}) == []
    assert sentences({"items": {"A": {"number": "X〔2026〕1号"}}}) == [
        "事项 A 的文号：结果中没有这一项（应为 X〔2026〕1号）"]


def test_an_instant_matches_the_same_instant_written_otherwise() -> None:
    assert sentences({"items": {"A": {"due": "2026-10-15T23:59:59"}}}) == []
    assert sentences({"items": {"A": {"due": "2026-10-15T15:59:59Z"}}}) == []
    assert sentences({"items": {"A": {"due": "2026-10-15T23:59:58"}}}) != []


def test_differences_carry_the_field_path_for_tools() -> None:
    (d,) = differences({"penalties": [{"points": -1}]}, OUTCOME)
    assert d.to_json()["field"] == "penalties.0.points"
    assert (d.expected, d.actual) == (-1, -2)


def test_compare_keeps_its_sentences() -> None:
    assert compare({"items": {"A": {"returns": 0}}}, OUTCOME) == [
        "items 的 A 的 退办次数(returns)：应为 0，实际 1"]


def test_updated_keeps_the_expectation_partial() -> None:
    expected = {"items": {"A": {"due": "2026-10-14T23:59:59+08:00", "on_time": False,
                                "gone": 1, "reminders": [{"event": "step_overdue"}]}},
                "kpi": {"total": 1}}
    assert updated(expected, OUTCOME) == {
        "items": {"A": {"due": "2026-10-15T23:59:59+08:00", "on_time": False,
                        "reminders": [{"event": "step_overdue"}, {"event": "overdue_notice"}]}},
        "kpi": {"total": 1}}


def test_golden_writes_what_the_regulation_decides() -> None:
    g = golden(OUTCOME)
    assert g["items"]["A"] == {"state": "已办结", "due": "2026-10-15T23:59:59+08:00",
                               "on_time": False, "returns": 1,
                               "reminders": [{"event": "step_overdue",
                                              "at": "2026-10-10T00:00:00+08:00"},
                                             {"event": "overdue_notice",
                                              "at": "2026-10-16T00:00:00+08:00"}]}
    assert g["rejected_steps"] == [{"step": 3, "code": "permission_denied"}]
    assert g["penalties"] == [{"item": "A", "target": "财务部", "points": -2, "coefficient": 0,
                               "rule": "逾期扣分"}]
    assert differences(g, OUTCOME) == []
