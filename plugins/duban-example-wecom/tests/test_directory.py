"""The CSV organisation directory and the ``duban_directory_lookup`` hook."""

from __future__ import annotations

from pathlib import Path

import pytest
from duban_example_wecom import plugin
from duban_example_wecom.directory import CsvDirectory

from duban.errors import DubanError
from duban.plugins import Hooks, make_plugin_manager

DATA = Path(__file__).parent / "data"


def test_people_and_departments() -> None:
    d = CsvDirectory(DATA / "org.csv")
    zhao = d.lookup("赵六")
    assert zhao is not None
    assert zhao.entry() == {"department": "财务部", "roles": ["主办部门", "承办人"],
                            "mobile": "13900000004", "email": None}
    assert [p.name for p in d.members("财务部")] == ["张三", "赵六"]
    assert d.lookup("无名氏") is None


@pytest.mark.parametrize(("text", "line", "words"), [
    ("姓名,部门\n张三,财务部\n", 1, "缺少列 人员"),
    ("人员,部门\n张三,\n", 2, "人员和部门都必须填写"),
    ("人员,部门\n张三,财务部\n张三,综合部\n", 3, "重复"),
])
def test_mistakes_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "org.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(DubanError) as err:
        CsvDirectory(path)
    assert f"{path}:{line}:" in str(err.value) and words in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DubanError, match="读不到组织目录"):
        CsvDirectory(tmp_path / "none.csv")


def test_the_hook_answers_through_duban(directory_env: Path) -> None:
    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[plugin]))
    assert hooks.directory_lookup("张三") == {"department": "财务部", "roles": ["主办部门"],
                                             "mobile": "13900000003",
                                             "email": "zhangsan@example.com"}
    assert hooks.directory_lookup("无名氏") is None  # not ours: another plugin may answer


def test_without_a_directory_the_hook_has_no_opinion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUBAN_DIRECTORY_CSV", raising=False)
    assert plugin.duban_directory_lookup(person="张三") is None


def test_an_edited_file_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    path = tmp_path / "org.csv"
    path.write_text("人员,部门\n张三,财务部\n", "utf-8")
    monkeypatch.setenv("DUBAN_DIRECTORY_CSV", str(path))
    assert plugin.duban_directory_lookup(person="张三")["department"] == "财务部"  # type: ignore[index]
    path.write_text("人员,部门\n张三,审计部\n", "utf-8")
    os.utime(path, (1, 1))  # a different modification time, whatever the clock's resolution
    assert plugin.duban_directory_lookup(person="张三")["department"] == "审计部"  # type: ignore[index]
