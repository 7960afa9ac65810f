"""``duban demo``: what ``make demo`` runs.

One company's month of supervision (duban/simulation/demo_month.yaml: items from a
总经理办公会 and from leader instructions, confirmations, reminders, an extension, a
return, overdue items, penalties) is driven through the real service on SQLite in a
fresh folder and printed as it happens; then the month's 督查通报 is printed and written
as HTML and Word; then the same month runs under all fourteen shipped policies, side by
side. The folder is kept so the reader can go on with ``duban report``/``form``/``taizhang``.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import click

from duban import vocabulary
from duban.cli import main
from duban.cli.engine_cmds import render_table
from duban.cli.paths import FilePath
from duban.engine.core import engine_for
from duban.engine.model import ItemState
from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.policy.shipped import shipped_paths
from duban.reports import Period, from_store, render_report
from duban.reports.history import action_word, decision_word, verdict
from duban.reports.words import organisation, signed
from duban.runtime.service import Service
from duban.simulation.drive import Collector, Happening, drive
from duban.simulation.outcome import simulate
from duban.simulation.scenario import ItemSpec, load_scenario, parse_instant
from duban.store.sqlite import SqliteStore


def demo_scenario_path() -> Path:
    return Path(str(resources.files("duban") / "simulation" / "demo_month.yaml"))


def _word(policy: Policy, canonical: str, written: str, before: ItemState | None) -> str:
    """An action in the policy's words; an approval names its step and the decision."""
    pending = before.pending if before is not None else None
    if pending is not None and canonical in ("approve", "reject"):
        return decision_word(policy, pending, canonical)
    return action_word(policy, canonical, written)


def _result(h: Happening) -> str:
    """``→ state，期限 MM-DD`` and a new number, after a step that changed the item."""
    if h.item is None:
        return ""
    extra = f"文号 {h.item.number} " if h.item.number and (
        h.before is None or not h.before.number) else ""
    due = f"，期限 {h.item.due:%m-%d}" if h.item.due is not None and (
        h.before is None or h.before.due != h.item.due) else ""
    return f"{extra}→ {h.item.state}{due}"


def _intent_line(policy: Policy, h: Happening, when: str) -> str:
    """An intent step: what it meant, then each planned action with who took it."""
    intent = h.step.intent or ""
    what = INTENT_WORDS.get(intent) or vocabulary.word(vocabulary.ACTIONS, intent)
    head = f"{when}  {h.step.item} {what}（{h.step.describe()}）"
    if h.refused:
        return f"{head}  ✗ 拒绝 {h.refused}"
    taken = []
    for p in h.planned:
        what = f"{p.sign}：{verdict(p.canonical, p.purpose)}" if p.sign else \
            action_word(policy, p.canonical, p.event.action)
        dept = p.event.actor.department if p.event.actor else None
        taken.append(f"{what}（{p.word}{f'（{dept}）' if dept else ''}）")
    opened = ""
    if h.item is not None and h.before is None:
        opened = f"「{h.item.title}」主办 {h.item.department or '—'}" + (
            f"、协办 {'、'.join(h.item.assist)}" if h.item.assist else "")
    return " ".join(x for x in (head, opened, "、".join(taken), _result(h)) if x)


#: How the demo reads an intent step.
#: (the others are actions, read in the vocabulary's words).
INTENT_WORDS = {"reach": "办到", "approve": "批完待批"}


def _role_words(policy: Policy, h: Happening) -> str:
    if h.actor is None:
        return ""
    who = "、".join(sorted(policy.word(r) for r in h.actor.roles))
    return f"{who}（{h.actor.department}）" if h.actor.department else who


def describe(policy: Policy, h: Happening) -> list[str]:
    """The lines one step prints: timers fired before it, then what it did."""
    when = h.at.strftime("%m-%d %H:%M")
    lines = [f"{when}  定时检查：{item_id} {name}（{event}）" for item_id, name, event in h.fired]
    if h.step.tick:
        if not h.fired:
            lines.append(f"{when}  定时检查：没有到期的提醒")
    elif h.step.intent is not None:
        lines.append(_intent_line(policy, h, when))
    else:
        canonical, _ = engine_for(policy).resolve(h.step.action or "")
        word = _word(policy, canonical, h.step.action or "", h.before)
        title = h.item.title if h.item is not None else (h.before.title if h.before else "")
        head = f"{when}  {h.step.item} {word}（{_role_words(policy, h)}）"
        if h.refused:
            lines.append(f"{head}  ✗ 拒绝 {h.refused}")
        elif h.item is not None:
            extra = ""
            if canonical == "create":
                extra = f"「{title}」主办 {h.item.department or '—'}"
                if h.item.assist:
                    extra += f"、协办 {'、'.join(h.item.assist)}"
            lines.append(" ".join(x for x in (head, extra.strip(), _result(h)) if x))
    for p in h.penalties:
        money = "、".join(x for x in (f"扣{-p.points:g}分" if p.points else "",
                                      f"绩效系数{signed(p.coefficient)}" if p.coefficient else "")
                         if x)
        lines.append(f"            考核：{p.target} {money or '、'.join(p.measures)}"
                     f"（{p.rule}{'，' + p.cite if p.cite else ''}）")
    recipients = sorted({m.recipient for m in h.notices})
    if recipients:
        lines.append(f"            通知 {len(h.notices)} 条 → {'、'.join(recipients)}")
    return lines


def _load_all() -> list[Policy]:
    out = []
    for p in shipped_paths():
        try:
            out.append(load_policy(p))
        except PolicyError as err:
            click.echo(f"  ✗ {p.stem}\n{err}", err=True)
            sys.exit(1)
    return out


@main.command()
@click.option("-p", "--policy", "policy_id", default="gansu_huizhan", show_default=True,
              help="用哪一个已发布策略运行这个月")
@click.option("--out", "out_dir", default=None, type=FilePath(file_okay=False),
              help="数据库与通报写到此目录（默认新建临时目录，演示后保留）")
@click.option("--no-serve", is_flag=True,
              help="最后不启动网页（CI=true 时同样不启动）/ do not serve the month at the end")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="网页端口（只监听 127.0.0.1；0 = 任一空闲端口）")
def demo(policy_id: str, out_dir: str | None, no_serve: bool, port: int) -> None:
    """演示：一个月的督办经由真实服务运行，打印月度督查通报，再在全部策略下对比，最后在网页中打开
    (the demo)."""
    started = time.perf_counter()
    sock = None if no_serve or os.environ.get("CI") == "true" else _bind(port)
    policies = _load_all()
    click.echo(f"== 1. 检查 {len(policies)} 个已发布策略 (validate shipped policies)")
    click.echo("  ✓ " + "  ✓ ".join(p.id for p in policies))
    chosen = next((p for p in policies if p.id == policy_id), None)
    if chosen is None:
        click.echo(f"没有已发布策略 '{policy_id}'；可用：{'、'.join(p.id for p in policies)} / "
                   "unknown policy", err=True)
        sys.exit(2)
    scenario = load_scenario(demo_scenario_path())
    folder = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="duban-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "duban.db"
    if db.exists():
        click.echo(f"{db} 已存在；请换一个 --out 目录 / the database exists", err=True)
        sys.exit(2)
    store = SqliteStore(str(db))
    store.migrate()
    collector = Collector()
    service = Service(store, {chosen.id: chosen}, None, ("demo",), {"demo": collector})
    click.echo(f"\n== 2. {scenario.name}：{organisation([chosen])}，按《{chosen.name}》"
               f"（{chosen.id}）经由服务运行 (one month through the service)")
    click.echo(f"  SQLite：{db}")
    tty = sys.stdout.isatty()
    with click.progressbar(length=len(scenario.steps) + 1, label="  进度", show_pos=True,
                           width=30) as bar:
        def on_step(h: Happening) -> None:
            if tty:
                click.echo("\r\x1b[2K", nl=False)
            for line in describe(chosen, h):
                click.echo("  " + line)
            bar.update(1)
        drive(service, chosen, scenario, on_step, collector)
    if tty:
        click.echo()
    end = parse_instant(scenario.end or scenario.steps[-1].at, chosen.timezone)
    start = parse_instant(scenario.start or scenario.steps[0].at, chosen.timezone)
    period = Period("month", start.year, start.month)
    dataset = from_store(service, as_of=end)
    store.close()
    text = render_report(dataset, period, "md").markdown
    html = folder / f"督查通报-{period.code}.html"
    html.write_bytes(render_report(dataset, period, "html").data)
    docx = folder / f"督查通报-{period.code}.docx"
    docx.write_bytes(render_report(dataset, period, "docx").data)
    click.echo(f"\n== 3. {period.title}督查通报 (the monthly bulletin)\n")
    click.echo(text)
    click.echo(f"HTML：{html}\nWord：{docx}")
    click.echo(f"继续查看：duban report --store sqlite:///{db} --period {period.code} "
               f"--format html -o 通报.html；duban taizhang --store sqlite:///{db} "
               "--format xlsx -o 台账.xlsx")
    click.echo(f"\n== 4. 同一个月的督办在 {len(policies)} 个策略下的结果 (one month, every policy)")
    click.echo(render_table(simulate(scenario, policies)))
    click.echo("（表中办结率按结果契约计场景的全部事项；通报的办结率只计期限在本月的事项，"
               "见 docs/reports.md）")
    click.echo(f"\n用时 {time.perf_counter() - started:.1f} 秒")
    _serve(chosen, scenario.items.values(), folder, db, end, sock)


def _bind(port: int) -> socket.socket:
    """The web page's port, taken before the month runs: in use is an error at once."""
    from duban.web.demo import bind

    try:
        return bind("127.0.0.1", port)
    except OSError as exc:
        click.echo(f"端口 {port} 无法使用（{exc.strerror}）：换一个 --port，或加 --no-serve / "
                   "the port is in use", err=True)
        sys.exit(2)


def _serve(policy: Policy, items: Iterable[ItemSpec], folder: Path, db: Path,
           end: dt.datetime, sock: socket.socket | None) -> None:
    """Phase 5: the demo accounts, then the month in the web app until Ctrl-C."""
    from duban.web import demo as web_demo

    config = web_demo.demo_config(db)
    accounts = web_demo.demo_accounts(policy, (d for i in items
                                               for d in (i.lead, *i.assist) if d))
    web_demo.add_accounts(config, accounts, end)
    if sock is None:
        click.echo(f"\n== 5. 网页未启动（--no-serve 或 CI=true）；启动：duban serve --store "
                   f"sqlite:///{db} (not served)")
    else:
        sock.listen(128)  # a browser opened at once waits for the app instead of failing
        host, port = sock.getsockname()[:2]
        click.echo(f"\n== 5. 网页：http://{host}:{port}  按 Ctrl-C 停止；时钟从 "
                   f"{end:%Y-%m-%d %H:%M} 走起 (the month served)")
    click.echo(f"  演示账户（密码均为 {web_demo.DEMO_PASSWORD}，仅供本机试用）：")
    width = max(len(a.user.name) for a in accounts)
    for a in accounts:
        click.echo(f"    {a.user.name}{'　' * (width - len(a.user.name))}  {a.what}")
    if sock is not None:
        sys.stdout.flush()
        web_demo.serve_demo(config, folder, sock, web_demo.running_from(end))
        click.echo("网页已停止 (stopped)")


__all__ = ["demo", "demo_scenario_path", "describe"]
