"""``make demo`` ends by serving the demo month: the real ``duban demo`` command in its own
process, signed into over HTTP with an account it printed, stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from duban.web.demo import DEMO_PASSWORD


def _sign_in(url: str, name: str, clients: list[httpx.Client]) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    clients.append(client)
    r = client.post("/login", data={"name": name, "password": DEMO_PASSWORD, "next": "/items"})
    assert r.status_code == 303 and r.headers["location"] == "/items", r.text
    return client


def test_demo_serves_the_month_with_its_printed_accounts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}  # CI=true would skip serving
    proc = subprocess.Popen([str(Path(sys.executable).parent / "duban"), "demo", "--out",
                             str(tmp_path / "demo"), "--port", "0"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    clients: list[httpx.Client] = []
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, f"the demo stopped before serving: {''.join(lines)}"
            lines.append(line)
            if line.strip().startswith("信息中心"):  # the last account printed
                break
        text = "".join(lines)
        found = re.search(r"== 5\. 网页：(http://127\.0\.0\.1:\d+)", text)
        assert found, text
        assert f"密码均为 {DEMO_PASSWORD}" in text and "总经理工作部  督办部门，管理员" in text
        url = found.group(1)
        finance = _sign_in(url, "财务部", clients)
        ledger = finance.get("/items").text
        assert "总经理办公会：完成年度预算调整" in ledger and "领导批示：四季度营销方案" in ledger
        # the demo's clock reads the month's last evening, not today: the item due 10-20
        # is not overdue, the one due 09-18 is
        late = finance.get("/items", params={"overdue": "1"}).text
        assert "上级交办：配合专项审计" in late and "四季度营销方案" not in late
        assert "中层干部调整方案" not in ledger  # H is confidential to 人力资源部
        assert "中层干部调整方案" in _sign_in(url, "人力资源部", clients).get("/items").text
        office = _sign_in(url, "总经理工作部", clients)
        assert office.get("/admin").status_code == 200  # the office is the administrator
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        for c in clients:
            c.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "网页已停止" in out
    assert err == "", err  # no warning, no traceback, on the way in or out
