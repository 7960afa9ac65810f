"""Finding 7 of the attack probe: `report|taizhang|form -o` to a directory, a missing
folder, a place that cannot be written or a full disk gave a traceback and could leave a
0-byte file; an existing file was overwritten without a word. Output is written to a
temporary file beside the target and renamed over it, so a target is either the whole
new document or untouched."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Duban = Callable[..., Result]
Opener = Callable[..., None]


REPORTS = Path(__file__).parents[1] / "reports" / "data"

COMMANDS = {
    "report": ["report", "--period", "2026-09", "--format", "md"],
    "taizhang": ["taizhang", "--format", "xlsx"],
    "form": ["form", "A", "任务通知单", "--format", "docx"],
}


@pytest.fixture
def item(open_item: Opener) -> None:
    open_item("A", "资产清查", extra=("--due", "2026-09-30"))


def _clean(result: object) -> str:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, out  # type: ignore[attr-defined]
    assert "Traceback" not in out and "Errno" not in out.split("：")[0]
    return str(out)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_is_refused(duban: Duban, item: None, tmp_path: Path, command: str) -> None:
    target = tmp_path / "out"
    target.mkdir()
    out = _clean(duban(*COMMANDS[command], "-o", str(target)))
    assert "目录" in out and list(target.iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_folder_is_refused(duban: Duban, item: None, tmp_path: Path,
                                     command: str) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.bin"
    out = _clean(duban(*COMMANDS[command], "-o", str(target)))
    assert "文件夹不存在" in out and not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_an_existing_file_needs_force(duban: Duban, item: None, tmp_path: Path,
                                      command: str) -> None:
    target = tmp_path / "keep.bin"
    target.write_bytes(b"earlier work")
    out = _clean(duban(*COMMANDS[command], "-o", str(target)))
    assert "已存在" in out and "--force" in out
    assert target.read_bytes() == b"earlier work"
    forced = duban(*COMMANDS[command], "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() != b"earlier work" and target.stat().st_size > 0


def test_a_place_that_cannot_be_written_is_refused(duban: Duban, item: None) -> None:
    out = _clean(duban(*COMMANDS["report"], "-o", "/proc/self/通报.md"))
    assert "无法写入" in out


def test_a_full_disk_leaves_no_file(tmp_path: Path) -> None:
    """The disk fills while the document is written (a file-size limit stands in for a
    full disk: the write fails the same way, part-way through). The 台账 comes from a
    scenario run in memory, so nothing but the document is written."""
    target = tmp_path / "台账.xlsx"
    (tmp_path / "cwd").mkdir()

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    out = subprocess.run([sys.executable, "-c", "from duban.cli import main; main()",
                          "taizhang", "--format", "xlsx", "-o", str(target),
                          "--scenario", str(REPORTS / "november.yaml"),
                          "-p", str(REPORTS / "policies" / "report_company.yaml")],
                         cwd=tmp_path / "cwd", capture_output=True,
                         text=True, timeout=120, preexec_fn=small_disk, check=False)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "磁盘" in out.stderr
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    assert os.listdir(tmp_path / "cwd") == []
