"""Values merged from `extends` are compared as resolved and name the file that wrote
them; git revisions (REV:path) bring their bases as of that revision."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from duban.diff import diff_policies
from duban.diff.refs import DiffInputError, load_ref

DATA = Path(__file__).parent / "data"

EXT = DATA / "extends"


def _family(folder: Path, group: str) -> Path:
    folder.mkdir(parents=True)
    shutil.copyfile(EXT / group, folder / "group.yaml")
    shutil.copyfile(EXT / "child.yaml", folder / "child.yaml")
    return folder / "child.yaml"


def test_a_change_in_the_base_shows_in_the_child_with_the_base_as_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]) -> None:
    monkeypatch.chdir(tmp_path)
    old = _family(tmp_path / "v1", "group_v1.yaml")
    new = _family(tmp_path / "v2", "group_v2.yaml")
    changes = {c.path: c for c in diff_policies(load_ref(str(old)), load_ref(str(new)))}
    assert set(changes) == {("time_limits", "handling", "default"),
                            ("penalties", "逾期扣分", "points_per_day")}
    limit = changes[("time_limits", "handling", "default")]
    assert (limit.old, limit.new, limit.cite) == ("10个工作日", "7个工作日", "集团办法 第十条")
    assert limit.source == "v2/group.yaml" and limit.inherited
    result = run("diff", "v1/child.yaml", "v2/child.yaml")
    assert result.exit_code == 1
    assert ("默认办理时限（领导未明确时限的）：10个工作日 → 7个工作日（集团办法 第十条）"
            "〔来自 v2/group.yaml〕") in result.stdout
    assert ("考核规则“逾期扣分”按日扣分：每逾期一日扣1分 → 每逾期一日扣2分（集团办法 第二十条）"
            "〔来自 v2/group.yaml〕") in result.stdout


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=评审", "-c", "user.email=r@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two commits: v1 of the group policy, then v2 (child unchanged)."""
    r = tmp_path / "repo"
    pol = r / "policies"
    pol.mkdir(parents=True)
    _git(r, "init", "-q")
    shutil.copyfile(EXT / "group_v1.yaml", pol / "group.yaml")
    shutil.copyfile(EXT / "child.yaml", pol / "child.yaml")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "v1")
    shutil.copyfile(EXT / "group_v2.yaml", pol / "group.yaml")
    _git(r, "commit", "-q", "-am", "v2")
    monkeypatch.chdir(r)
    return r


def test_git_revisions_take_the_bases_of_their_revision(repo: Path,
        run: Callable[..., Result]) -> None:
    result = run("diff", "HEAD~1:policies/child.yaml", "HEAD:policies/child.yaml",
                 "--format", "json")
    assert result.exit_code == 1, result.output
    rows = {tuple(r["path"]): r for r in json.loads(result.stdout)}
    limit = rows[("time_limits", "handling", "default")]
    assert (limit["old"], limit["new"]) == ("10个工作日", "7个工作日")
    assert limit["source"] == "HEAD:policies/group.yaml"
    text = run("diff", "HEAD~1:policies/child.yaml", "HEAD:policies/child.yaml").stdout
    assert "HEAD~1:policies/child.yaml" in text.splitlines()[0]
    assert "〔来自 HEAD:policies/group.yaml〕" in text


def test_git_revision_against_the_working_copy(repo: Path, run: Callable[..., Result]) -> None:
    (repo / "policies" / "child.yaml").write_text(
        (EXT / "child.yaml").read_text(encoding="utf-8").replace("2个工作日", "3个工作日"),
        encoding="utf-8")
    result = run("diff", "HEAD:policies/child.yaml", "policies/child.yaml")
    assert result.exit_code == 1
    assert "提醒“催办预告”发出时间：期限前2个工作日 → 期限前3个工作日（子公司细则 第三条）" in result.stdout
    assert run("diff", "HEAD:policies/group.yaml", "policies/group.yaml").exit_code == 0


def test_git_path_relative_to_the_current_folder(repo: Path, monkeypatch: pytest.MonkeyPatch,
        run: Callable[..., Result]) -> None:
    monkeypatch.chdir(repo / "policies")
    assert run("diff", "HEAD~1:./child.yaml", "HEAD:./child.yaml").exit_code == 1
    assert run("diff", "HEAD:./child.yaml", "child.yaml").exit_code == 0


def test_git_errors_are_user_errors(repo: Path, run: Callable[..., Result]) -> None:
    bad_rev = run("diff", "nosuchrev:policies/child.yaml", "policies/child.yaml")
    assert bad_rev.exit_code == 2
    assert "无法读取 git 版本 nosuchrev:policies/child.yaml" in bad_rev.stderr
    missing = run("diff", "HEAD~1:policies/nosuch.yaml", "policies/child.yaml")
    assert missing.exit_code == 2 and "检查版本号与路径" in missing.stderr


def test_an_invalid_policy_at_a_revision_is_located_at_the_revision(repo: Path,
        run: Callable[..., Result]) -> None:
    (repo / "policies" / "group.yaml").write_text(
        (EXT / "group_v2.yaml").read_text(encoding="utf-8").replace("7个工作日", "7个星期天"),
        encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "broken")
    result = run("diff", "HEAD~1:policies/child.yaml", "HEAD:policies/child.yaml")
    assert result.exit_code == 2
    assert "HEAD:policies/group.yaml:7:23: 错误[schema.pattern]" in result.stderr
    assert "✗ NEW 策略无效" in result.stderr


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DiffInputError, match="不在 git 仓库中"):
        load_ref("HEAD:policies/child.yaml")


def test_a_base_the_revision_lacks_comes_from_the_working_copy(repo: Path,
        run: Callable[..., Result]) -> None:
    """A child committed before its (still untracked) base: the base is read from disk."""
    pol = repo / "policies"
    (pol / "child2.yaml").write_text(
        (EXT / "child.yaml").read_text(encoding="utf-8").replace("group.yaml", "draft.yaml"),
        encoding="utf-8")
    _git(repo, "add", "policies/child2.yaml")
    _git(repo, "commit", "-q", "-m", "child2")
    shutil.copyfile(EXT / "group_v2.yaml", pol / "draft.yaml")  # never committed
    result = run("diff", "HEAD:policies/child2.yaml", "policies/child.yaml", "--format", "json")
    assert result.exit_code == 0, result.output


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GROUP = """duban: 1
id: demo_group
name: 示例集团督办管理办法
extends: standard
categories:
  重点事项:
    kinds: [leader_instruction]
    extensions: {{max: {max}, approvers: [延期审批, 延期审批], cite: 集团办法 第十二条}}
    cite: 集团办法 第五条
"""


def test_a_setting_inherited_beside_one_the_child_writes_names_the_base(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child writes one extension setting of a group category (four keys deep); the
    group's change to a sibling setting is the group's, not the child's (origins are kept
    at every depth)."""
    monkeypatch.chdir(tmp_path)
    for version, count in (("v1", 2), ("v2", 1)):
        (tmp_path / version).mkdir()
        _write(tmp_path / version, "group.yaml", GROUP.format(max=count))
        _write(tmp_path / version, "child.yaml", """duban: 1
id: demo_subsidiary
name: 示例子公司督办管理办法
extends: group.yaml
categories:
  重点事项:
    extensions: {before_due: true}
""")
    changes = {c.path: c for c in diff_policies(load_ref("v1/child.yaml"),
                                                load_ref("v2/child.yaml"))}
    count = changes[("categories", "重点事项", "extensions", "max")]
    assert (count.old, count.new, count.cite, count.source, count.inherited) == (
        "2次", "1次", "集团办法 第十二条", "v2/group.yaml", True)
    assert all(c.source == "v2/group.yaml" for c in changes.values())


def test_a_rule_the_new_policy_inherits_without_a_clause_never_shows_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]) -> None:
    """Two organisations compared: OLD limits extensions under its own clause, NEW says
    nothing and inherits the standard's mechanics. The line names the standard as the
    source and carries no clause — OLD's clause says nothing about NEW. A rule NEW no
    longer has shows OLD's clause as OLD's (原依据)."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "jia.yaml", """duban: 1
id: jia
name: 甲公司督办办法
extends: standard
time_limits:
  handling: {default: 10个工作日, cite: 甲办法 第八条}
extensions: {max: 2, approvers: [延期审批, 延期审批], cite: 甲办法 第九条}
""")
    _write(tmp_path, "yi.yaml", "duban: 1\nid: yi\nname: 乙公司督办办法\nextends: standard\n")
    rows = {c.path: c for c in diff_policies(load_ref("jia.yaml"), load_ref("yi.yaml"))}
    count = rows[("extensions", "max")]
    assert (count.old, count.new, count.cite, count.source) == ("2次", "不限次数", None,
                                                                 "standard")
    text = run("diff", "jia.yaml", "yi.yaml").stdout
    assert "最多延期次数：2次 → 不限次数〔来自 standard〕\n" in text
    assert "甲办法 第九条" not in text
    assert "默认办理时限（领导未明确时限的）：10个工作日 → 未规定（原依据：甲办法 第八条）" in text
