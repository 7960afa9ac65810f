"""`duban diff --history` on a real PostgreSQL store: the same replay as on SQLite."""

from __future__ import annotations

from duban.diff.history import diff_history
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.postgres import PostgresStore
from tests.diff.helpers import OLD, run
from tests.diff.test_behaviour import FIN, LEADER, OFFICE, SHORTER, _at
from tests.pg_fixture import pg_schema_url, pg_url

__all__ = ["pg_schema_url", "pg_url"]  # the fixtures, imported for pytest


def test_history_on_postgresql(pg_schema_url: str) -> None:
    policy = load_policy(OLD)
    db = PostgresStore(pg_schema_url)
    db.migrate()
    service = Service(db, {policy.id: policy})
    for key, report in (("A", 11), ("B", 5), ("C", None)):
        service.create(key, policy.id, {"kind": "other", "lead": "财务部", "title": key},
                       OFFICE, _at(2))
        service.act(key, "approve", LEADER, {}, _at(2, 10))
        if report is not None:
            service.act(key, "report", FIN, {}, _at(report))
            service.act(key, "approve", OFFICE, {}, _at(report, 10))
    service.tick(_at(31, 18))
    db.close()

    h = diff_history(load_policy(OLD), load_policy(SHORTER), pg_schema_url)
    assert h.items == 3
    said = [c.sentence() for c in h.changes]
    assert "事项 A 的期限：2026-03-16 → 2026-03-09" in said
    assert "办结率：66.7%（按时办结 2/3） → 33.3%（按时办结 1/3）" in said
    result = run("diff", str(OLD), str(SHORTER), "--history", pg_schema_url)
    assert result.exit_code == 1 and "历史回放：" in result.stdout
