"""Fixtures of the report tests: a test policy, a November with one item per case, the
same month driven through the real service into SQLite, and golden files.

The numbers of ``data/november.yaml`` are worked out by hand in test_kpi.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.reports import Dataset, from_run
from duban.reports.period import SHANGHAI
from duban.runtime.service import Service
from duban.simulation.drive import Collector, drive
from duban.simulation.runner import RunResult, run_scenario
from duban.simulation.scenario import Scenario, load_scenario
from duban.store.sqlite import SqliteStore

HERE = Path(__file__).parent
DATA = HERE / "data"
GOLDEN = HERE / "golden"
POLICY_DIR = DATA / "policies"
AS_OF = dt.datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
#: Which item shows each form best (see data/november.yaml).
FORM_ITEMS = {"notice": "A", "stub": "A", "confirmation": "A", "process": "D", "report": "A",
              "reminder": "E", "extension": "C", "postpone": "C", "bulletin": "E"}


@pytest.fixture(scope="session")
def as_of() -> dt.datetime:
    """The instant every report and form of the November is made at."""
    return AS_OF


@pytest.fixture(params=sorted(FORM_ITEMS))
def form_item(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(form kind, the item of the November that shows it best), once per form."""
    kind: str = request.param
    return kind, FORM_ITEMS[kind]


@pytest.fixture
def check_golden(golden: Callable[[Path, str], None]) -> Callable[[str, str], None]:
    """``check_golden(name, text)``: the root ``golden`` check on tests/reports/golden/NAME."""
    def check(name: str, text: str) -> None:
        golden(GOLDEN / name, text)
    return check


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(POLICY_DIR / "report_company.yaml")


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return load_scenario(DATA / "november.yaml")


@pytest.fixture(scope="session")
def run(policy: Policy, scenario: Scenario) -> RunResult:
    return run_scenario(policy, scenario)


@pytest.fixture(scope="session")
def dataset(run: RunResult) -> Dataset:
    return from_run(run, as_of=AS_OF)


@pytest.fixture(scope="session")
def store_db(tmp_path_factory: pytest.TempPathFactory, policy: Policy,
             scenario: Scenario) -> Path:
    """The November driven through Service into a SQLite file (built once)."""
    db = tmp_path_factory.mktemp("reports") / "duban.db"
    store = SqliteStore(str(db))
    store.migrate()
    collector = Collector()
    service = Service(store, {policy.id: policy}, None, ("demo",), {"demo": collector})
    happened = drive(service, policy, scenario, collector=collector)
    store.close()
    assert [h.refused for h in happened if h.refused] == []
    return db


@pytest.fixture
def service(store_db: Path, policy: Policy) -> Iterator[Service]:
    store = SqliteStore(str(store_db))
    yield Service(store, {policy.id: policy})
    store.close()


@pytest.fixture
def config(tmp_path: Path, store_db: Path) -> Path:
    """A deployment config pointing at the November store and the test policy folder."""
    path = tmp_path / "duban.yaml"
    path.write_text(f"store: sqlite:///{store_db}\npolicies: [{POLICY_DIR}]\nplugins: null\n",
                    encoding="utf-8")
    return path
