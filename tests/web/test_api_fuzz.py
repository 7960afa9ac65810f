"""The API fuzzed from its own OpenAPI document (schemathesis): every operation, with
requests generated from the schema — valid and invalid — sent over real HTTP to a server
on 127.0.0.1 as an administrator of the 督办 office. None may answer 5xx, and every
error is ``application/problem+json``.

``DUBAN_FUZZ_EXAMPLES`` sets the examples per operation (default 10; more for a long run).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode

EXAMPLES = int(os.environ.get("DUBAN_FUZZ_EXAMPLES", "10"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, start_server: Callable[..., Any],
        item_fields: Mapping[str, Any]) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("fuzz")
    live = start_server(f"sqlite:///{root / 'duban.db'}", root)
    admin = live.user("fuzz-admin-7f3a", "总经理工作部", "总经理工作部", admin=True)
    for n in range(3):  # something for the generated ids to find now and then
        assert admin.post("/api/v1/items", json={"id": str(n), **item_fields}).status_code == 201
    live.admin_token = admin.token  # type: ignore[attr-defined]
    yield live
    live.stop()


def _fuzz(case: Case, live, token: str, failures: list[str]) -> None:
    response = case.call(base_url=live.url, headers={"Authorization": f"Bearer {token}"},
                         timeout=30)
    where = f"{case.method} {case.formatted_path} → {response.status_code}"
    if response.status_code >= 500:
        failures.append(f"{where}: {response.text[:300]}")
    elif response.status_code >= 400 and not str(response.headers.get(
            "content-type", [""])[0]).startswith("application/problem+json"):
        failures.append(f"{where}: not problem+json: {response.text[:200]}")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_5xx(fuzz_server, mode: GenerationMode) -> None:
    """Each operation of the schema, ``EXAMPLES`` generated requests (schema-valid, then
    schema-violating ones)."""
    token = fuzz_server.admin_token  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/api/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def run(case: Case) -> None:
            _fuzz(case, fuzz_server, token, failures)

        try:
            run()
        except Unsatisfiable:  # nothing to violate (no parameters, no body): nothing to send
            assert mode is GenerationMode.NEGATIVE
    assert operations >= 15
    assert not failures, "\n".join(failures[:20])


def test_the_schema_covers_every_api_route(fuzz_server) -> None:
    import httpx

    spec = httpx.get(f"{fuzz_server.url}/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/v1/items", "/api/v1/items/{item_id}", "/api/v1/items/{item_id}/actions/{action}",
            "/api/v1/items/{item_id}/attachments", "/api/v1/reports/bulletin",
            "/api/v1/reports/taizhang", "/api/v1/policies", "/auth/login"} <= paths
