"""load_yaml_file: UTF-8 with or without BOM, CRLF; every other failure is a PolicyError."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.errors import PolicyError, Problem
from duban.policy.yamlsrc import load_yaml, load_yaml_file


def file_problems(path: Path | str) -> list[Problem]:
    with pytest.raises(PolicyError) as info:
        load_yaml_file(path)
    return list(info.value.problems)


def test_reads_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: \xe6\xb5\x8b\xe8\xaf\x95\r\nroles:\r\n  - a\r\n")
    src = load_yaml_file(path)
    assert src.data == {"name": "测试", "roles": ["a"]}
    assert src.file == str(path)
    loc = src.locate(("roles", 0))
    assert loc is not None and (loc.file, loc.line, loc.column) == (str(path), 3, 5)


def test_file_name_is_kept_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    (p,) = file_problems("p.yaml")
    assert str(p.location) == "p.yaml:2:1"
    Path("q.yaml").write_text("a: 1\n", encoding="utf-8")
    assert load_yaml_file(Path("q.yaml")).file == "q.yaml"


def test_gbk_file_is_refused_with_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: demo\nname: 某集团\n".encode("gbk"))
    (p,) = file_problems(path)
    assert p.code == "yaml.encoding"
    # 某 is C4 B3 in GBK, which happens to be valid UTF-8 (one character); 集 (BC AF) is not
    assert p.location is not None and (p.location.line, p.location.column) == (2, 8)
    assert "字节偏移 17" in p.message and "offset 17" in p.message and "line 2" in p.message
    assert p.hint and "GBK" in p.hint and "UTF-8" in p.hint


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "u16.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    (p,) = file_problems(path)
    assert p.code == "yaml.encoding" and p.hint and "UTF-16" in p.hint
    assert p.location is not None and p.location.line == 1


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.yaml", tmp_path):
        (p,) = file_problems(path)
        assert p.code == "yaml.io" and p.location is None
        assert p.value == str(path) and p.hint
        assert "无法读取文件" in p.message and "cannot read" in p.message


def test_control_character_is_located(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("名称: 甲\n说明: 乙\x07丙\n", encoding="utf-8")
    (p,) = file_problems(path)
    assert p.code == "yaml.encoding" and p.value == "U+0007"
    assert p.location is not None and (p.location.line, p.location.column) == (2, 6)


def test_control_character_is_located_by_the_fallback_too(loader: str) -> None:
    with pytest.raises(PolicyError) as info:
        load_yaml("名称: 甲\n说明: 乙\x07丙\n")
    (p,) = info.value.problems
    assert p.location is not None and (p.location.line, p.location.column) == (2, 6)


def test_lone_surrogate_in_text_is_refused() -> None:
    with pytest.raises(PolicyError) as info:
        load_yaml("a: 1\nb: x\ud800\n")
    (p,) = info.value.problems
    assert p.code == "yaml.encoding"
    assert p.location is not None and (p.location.line, p.location.column) == (2, 5)
