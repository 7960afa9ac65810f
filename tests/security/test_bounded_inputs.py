"""Findings 5, 6 and the template and CEL parts of 8 of the attack probe: inputs that
passed validation and then ran away, read files they had no business reading, or broke
every action at run time.

5. ``extends: /dev/zero`` grew to 6 GB in 15 s; a form template
   ``{{ 'x' * 10000000000 }}`` validated, then took 22 GB at render.
6. ``extends`` read any file (absolute, ``../``) and echoed its content in the error.
8. a CEL guard ``item.returns / 0`` validated and then blocked every approve with a
   run-time error; a notice template ``{{ title['__cla'+'ss__'] }}`` passed the
   load-time check.

The runaway probes run the real command in a child process with its address space
capped, so that on a build without the limits they fail with a MemoryError instead of
taking the machine down.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Duban = Callable[..., Result]


HEAD = "duban: 1\nid: {id}\nname: 示例公司督查督办管理办法\nextends: {base}\n"
MEMORY_CAP = 1536 * 1024 * 1024  # bytes of address space for a probe


def run_capped(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``duban ARGS`` in a child process whose address space is capped."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    return subprocess.run([sys.executable, "-c", "from duban.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=240,
                          preexec_fn=cap, check=False)


def policy(folder: Path, name: str, body: str = "", *, base: str = "standard") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(HEAD.format(id=name, base=base) + body, encoding="utf-8")
    return path


# -- extends ---------------------------------------------------------------------------------
def test_extends_dev_zero_is_refused_by_path(tmp_path: Path) -> None:
    p = policy(tmp_path / "policies", "zero_co", base="/dev/zero")
    out = run_capped("validate", str(p), cwd=tmp_path)
    assert out.returncode == 1, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "MemoryError" not in out.stderr
    assert "extends" in out.stdout and "/dev/zero" in out.stdout


SECRET_LINE = "hunter2_db_secret"


@pytest.mark.parametrize("base", ["{outside}", "../outside/secret.yaml",
                                  "link.yaml", "sub/../../outside/secret.yaml"])
def test_extends_outside_the_policy_folder_is_refused_without_echo(
        tmp_path: Path, base: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(f"db_password: {SECRET_LINE}\n", encoding="utf-8")  # a schema error echoes it
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "link.yaml").symlink_to(secret)
    p = policy(folder, "leaky_co", base=base.format(outside=secret))
    out = run_capped("validate", str(p), cwd=tmp_path)
    assert out.returncode == 1, out.stdout
    assert SECRET_LINE not in out.stdout + out.stderr
    assert "extends" in out.stdout and "Traceback" not in out.stderr


def test_extends_a_directory_or_a_fifo_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    (folder / "dir.yaml").mkdir(parents=True)
    os.mkfifo(folder / "pipe.yaml")
    for base in ("dir.yaml", "pipe.yaml"):
        p = policy(folder, "odd_co", base=base)
        out = run_capped("validate", str(p), cwd=tmp_path)
        assert out.returncode == 1 and "extends" in out.stdout, out.stdout + out.stderr
        assert "Traceback" not in out.stderr


def test_an_oversized_policy_file_is_refused(tmp_path: Path) -> None:
    p = policy(tmp_path / "policies", "big_co", "notes:\n" + "  - 很长的说明\n" * 400_000)
    out = run_capped("validate", str(p), cwd=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "过大" in out.stdout or "too large" in out.stdout


# -- templates -------------------------------------------------------------------------------
def _form_policy(tmp_path: Path, template: str) -> Path:
    body = f"documents:\n  templates:\n    任务通知单: {template!r}\n"
    return policy(tmp_path / "cwd" / "policies", "tpl_co", body)


def test_a_constant_runaway_template_is_refused_at_load(tmp_path: Path) -> None:
    p = _form_policy(tmp_path, "{{ 'x' * 10000000000 }}")
    out = run_capped("validate", str(p), cwd=tmp_path)
    assert out.returncode == 1, out.stdout
    assert "tpl_co.yaml:" in out.stdout and "任务通知单" in out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("template", [
    "{{ title * 1000000000 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}x",
    "{% set ns = namespace(s=title) %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s }}",
    "{{ '{:>9999999999}'.format(title) }}",
])
def test_a_runaway_template_is_stopped(duban: Duban, tmp_path: Path, template: str) -> None:
    """At load where its size is known then, else at render."""
    p = _form_policy(tmp_path, template)
    checked = run_capped("validate", str(p), cwd=tmp_path)
    if checked.returncode != 0:  # stopped at load already: fine, if it says where and why
        assert "tpl_co.yaml:" in checked.stdout and "任务通知单" in checked.stdout
        assert "Traceback" not in checked.stderr
        return
    made = duban("item", "create", "A", "-p", "tpl_co", "--title", "资产清查", "--lead", "财务部",
                 "--at", "2026-09-21T09:00")
    assert made.exit_code == 0, made.output
    url = f"sqlite:///{tmp_path / 'probe.db'}"
    out = run_capped("form", "A", "任务通知单", "--store", url, cwd=tmp_path / "cwd")
    assert out.returncode in (1, 2), out.stdout[-500:]
    assert "Traceback" not in out.stderr and "MemoryError" not in out.stderr, out.stderr[-2000:]
    assert "模板" in out.stderr


def test_a_notice_template_reaching_for_dunders_is_refused_at_load(tmp_path: Path) -> None:
    body = "documents:\n  templates:\n    overdue_notice: \"{{ title['__cla'+'ss__'] }}\"\n"
    p = policy(tmp_path / "policies", "dunder_co", body)
    out = run_capped("validate", str(p), cwd=tmp_path)
    assert out.returncode == 1, out.stdout
    assert "dunder_co.yaml:" in out.stdout and "overdue_notice" in out.stdout


# -- CEL guards ------------------------------------------------------------------------------
GUARD = ("transitions:\n  - {{name: 批示, action: approve, from: 待批示, to: 已交办, "
         "when: \"{when}\", cite: 第三条}}\n")


def test_division_by_a_constant_zero_is_refused_at_load(tmp_path: Path) -> None:
    p = policy(tmp_path / "policies", "zero_guard", GUARD.format(when="item.returns / 0 == 0"))
    out = run_capped("validate", str(p), cwd=tmp_path)
    assert out.returncode == 1 and "zero_guard.yaml:" in out.stdout, out.stdout


def test_division_by_a_variable_warns_and_fails_as_a_policy_error(duban: Duban,
                                                                  tmp_path: Path) -> None:
    p = policy(tmp_path / "cwd" / "policies", "var_guard",
               GUARD.format(when="10 / item.returns > 1"))
    checked = duban("validate", str(p), store=False)
    assert checked.exit_code == 0, checked.output
    assert "警告" in checked.output and "item.returns" in checked.output
    made = duban("item", "create", "A", "-p", "var_guard", "--title", "资产清查",
                 "--lead", "财务部", "--at", "2026-09-21T09:00")
    assert made.exit_code == 0, made.output
    refused = duban("item", "act", "A", "approve", "--as", "leader_in_charge",
                    "--at", "2026-09-21T10:00")
    assert refused.exit_code == 1, refused.output
    assert "policy_error" in refused.stderr and "第三条" in refused.stderr
    assert "Traceback" not in refused.output
    shown = duban("item", "show", "A")
    assert "待批示" in shown.stdout  # nothing written
