"""Schemathesis against a running server, with a token, on every path of the OpenAPI schema.

Generated requests (valid and invalid, per operation) go over real HTTP to ``live_server``;
every response must be no 5xx and must match the schema: a documented status code, the
documented content type, a body of the documented shape, and a 4xx for a request the schema
says is wrong. A new endpoint is covered as soon as it is in the schema.

One check is left out: "a schema-valid request is accepted". The API refuses well-formed
requests for reasons no schema can state (a VIN whose check digit is wrong, a VIN that is not
on the campaign's list, a full day): those refusals are documented 400/409 answers, and the
status-code and body checks hold them to their documented shape.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

# Per operation: enough to reach every documented branch of these small bodies, and few enough
# that the whole API takes well under a minute.
EXAMPLES = 40


@pytest.fixture
def api_token(transactional_db, ale, dealer_a, service_manager_a):
    from rest_framework.authtoken.models import Token

    # Something for the VIN and dealer endpoints to find.
    vehicle = VehicleFactory(vin=ale_vin(7930))
    AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    return Token.objects.create(user=service_manager_a).key


def test_every_operation_answers_as_documented(live_server, api_token, settings):
    # The public look-up's throttle counts this client too; here it must not refuse.
    settings.LOOKUP_THROTTLE_RATE = "100000/minute"
    headers = {"Authorization": f"Token {api_token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema lists no operation"
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(
                base_url=live_server.url, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
