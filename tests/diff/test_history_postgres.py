"""`duban diff --history` on a real PostgreSQL store: the same replay as on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from duban.diff.history import diff_history
from duban.policy.loader import load_policy
from duban.store.base import Store
from duban.store.postgres import PostgresStore

DATA = Path(__file__).parent / "data"
OLD = DATA / "areas" / "old.yaml"
SHORTER = DATA / "shorter.yaml"


def test_history_on_postgresql(pg_schema_url: str, run: Callable[..., Result],
        record_history: Callable[[Store], None]) -> None:
    record_history(PostgresStore(pg_schema_url))
    h = diff_history(load_policy(OLD), load_policy(SHORTER), pg_schema_url)
    assert h.items == 3
    said = [c.sentence() for c in h.changes]
    assert "事项 A 的期限：2026-03-16 → 2026-03-09" in said
    assert "办结率：66.7%（按时办结 2/3） → 33.3%（按时办结 1/3）" in said
    result = run("diff", str(OLD), str(SHORTER), "--history", pg_schema_url)
    assert result.exit_code == 1 and "历史回放：" in result.stdout
