"""The look-up's statement on PostgreSQL, prepared and run through libpq outside transactions
(campaign/lookup_statement.py): the same rows as through Django's cursor, and the same
behaviour when things go wrong.

Transactional tests: the prepared path is taken only with no transaction open, as in
production, where requests run in autocommit.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction

from campaign import lookup_statement
from campaign.vin import decode
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the prepared path is PostgreSQL's (CI runs it)"
    ),
]

VINS = [
    ale_vin(7930),  # on the list
    ale_vin(7931),  # in range, not on the list
    ale_vin(7930, year=2008),  # the same serial in another model year
    "1HGCM82633A004352",  # covered by nothing
]


@pytest.fixture
def listed(ale):
    AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=ale_vin(7930)))


def through_django(decoded):
    # With an execute wrapper installed, the look-up goes through Django's own cursor.
    with connection.execute_wrapper(lambda execute, *args: execute(*args)):
        return lookup_statement.rows(connection, decoded)


def prepared_here() -> bool:
    return connection.connection in lookup_statement._prepared


def test_same_rows_as_through_django(listed):
    for vin in VINS:
        decoded = decode(vin)
        prepared = lookup_statement.rows(connection, decoded)
        assert prepared_here()
        assert prepared == through_django(decoded), vin
        assert [type(value) for value in prepared[0][:2]] == [int, str]


def test_inside_a_transaction_it_runs_in_the_transaction(listed):
    decoded = decode(VINS[0])
    lookup_statement._prepared.clear()
    with transaction.atomic():
        in_transaction = lookup_statement.rows(connection, decoded)
        assert not prepared_here()
    assert in_transaction == lookup_statement.rows(connection, decoded)


def test_a_dropped_statement_is_prepared_again(listed):
    decoded = decode(VINS[0])
    expected = lookup_statement.rows(connection, decoded)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert lookup_statement.rows(connection, decoded) == expected


def test_a_session_that_has_it_already_is_fine(listed):
    decoded = decode(VINS[0])
    expected = lookup_statement.rows(connection, decoded)
    lookup_statement._prepared.clear()  # this process forgot; the session still has it
    assert lookup_statement.rows(connection, decoded) == expected


def test_a_new_connection_prepares_it_again(listed):
    decoded = decode(VINS[0])
    expected = lookup_statement.rows(connection, decoded)
    connection.close()
    assert lookup_statement.rows(connection, decoded) == expected
    assert prepared_here()


def test_database_errors_are_djangos(listed):
    decoded = decode(VINS[0])
    lookup_statement.rows(connection, decoded)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    # The server ended the session: the look-up fails as any query would, with Django's error,
    # and Django knows to drop the connection at the end of the request.
    with pytest.raises(OperationalError):
        lookup_statement.rows(connection, decoded)
    assert connection.errors_occurred
    connection.close_if_unusable_or_obsolete()
    assert lookup_statement.rows(connection, decoded)
