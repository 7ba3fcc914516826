"""Schemathesis runs every operation of the served OpenAPI document against the app.

Each operation goes through schemathesis's phases — the document's examples (real demo
objects), coverage (boundary and invalid values, undeclared methods) and fuzzing (positive and
negative generated input) — and every response meets all default checks: no server error,
declared status code, content type, headers and body schema, rejected invalid input, an
``Allow`` header on 405... A second test runs the stateful phase over the document's links.

``schema.parametrize()`` with ``schemathesis.pytest.from_fixture`` would be the usual way, but it
sets ``request.node._nodeid``, which pytest 9.2 no longer has; so the test drives the same
per-operation tests (``get_all_tests``, what ``parametrize()`` runs) itself, once per database.
"""

from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.result import Err
from schemathesis.pytest.lazy import get_all_tests

from civic.public.openapi import openapi_document

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def api_schema(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_passes_schemathesis(api_schema):
    statuses: dict[str, Counter] = defaultdict(Counter)

    def call(case):
        response = case.call_and_validate()
        statuses[case.operation.label][response.status_code] += 1

    operations = []
    for result in get_all_tests(
        schema=api_schema, test_func=call, settings=SETTINGS, given_kwargs={}
    ):
        if isinstance(result, Err):  # the document is invalid for this operation
            pytest.fail(str(result.err()))
        operation, run = result.ok()
        operations.append(operation.label)
        run()

    documented = openapi_document("http://localhost")["paths"]
    assert sorted(operations) == sorted(f"GET {path}" for path in documented)
    for label in operations:
        # Examples reach real demo objects, so answers are not only 404s and 405s.
        assert statuses[label][200] >= 1, (label, statuses[label])
        assert sum(statuses[label].values()) >= 8, (label, statuses[label])
    assert statuses["GET /api/v1/pb/{slug}/results"][404] >= 1
    assert statuses["GET /api/v1/enterprises/{edrpou}"][404] >= 1


def test_links_between_operations_pass_schemathesis(api_schema):
    """The stateful phase follows the document's links (enterprise list → first enterprise)."""
    calls = []

    class Machine(api_schema.as_state_machine()):
        def after_call(self, response, case):
            calls.append((case.operation.label, response.status_code))
            super().after_call(response, case)

    Machine.run(settings=settings(SETTINGS, max_examples=15, stateful_step_count=4))
    assert ("GET /api/v1/enterprises/{edrpou}", 200) in calls
