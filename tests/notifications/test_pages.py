"""The message log (scoped, masked, filterable, exportable, a fixed number of queries) and the
vehicle record's messages card with the owner's contact preference."""

from __future__ import annotations

import pytest

from notifications.models import ContactPreferenceChange, Message
from notifications.queueing import Draft, messages_queue
from tests.notifications.factories import owner_vehicle

pytestmark = pytest.mark.django_db
LOG = "/messages/"


def _messages(vehicle, dealer, n: int, *, tag: str = "") -> None:
    messages_queue(
        [
            Draft(
                dedupe_key=f"page:{dealer.pk}:{tag}{i}",
                kind=Message.Kind.APPOINTMENT_REMINDER,
                channel="email" if i % 2 else "sms",
                recipient="jane.owner@example.com" if i % 2 else "+19165550142",
                subject="Reminder",
                body="Tomorrow.",
                vehicle_id=vehicle.vin,
                dealer_id=dealer.pk,
            )
            for i in range(n)
        ]
    )


@pytest.fixture
def logged(ale, dealer_a, dealer_b):
    a, b = owner_vehicle(ale, dealer_a), owner_vehicle(ale, dealer_b)
    _messages(a, dealer_a, 3)
    _messages(b, dealer_b, 2)
    return a, b


def _vins(response) -> set[str]:
    return {row.record.vehicle_id for row in response.context["table"].paginated_rows}


def test_each_reader_sees_their_own_dealers_messages(
    client_for, logged, service_manager_a, regional_west, campaign_admin, principal_b
):
    a, b = logged
    assert _vins(client_for(service_manager_a).get(LOG)) == {a.vin}
    assert _vins(client_for(regional_west).get(LOG)) == {a.vin}
    assert _vins(client_for(principal_b).get(LOG)) == {b.vin}
    assert _vins(client_for(campaign_admin).get(LOG)) == {a.vin, b.vin}


def test_the_log_masks_addresses_and_logs_no_owner_data(client_for, logged, campaign_admin):
    from dealers.models import OwnerDataAccess

    page = client_for(campaign_admin).get(LOG).content.decode()
    assert "jane.owner@example.com" not in page and "j•••@example.com" in page
    assert "+19165550142" not in page and "•••0142" in page
    assert OwnerDataAccess.objects.count() == 0


def test_the_log_filters_and_exports(client_for, logged, campaign_admin, dealer_a):
    client = client_for(campaign_admin)
    sms = client.get(LOG, {"channel": "sms", "dealer": dealer_a.code})
    assert sms.context["table"].paginator.count == 2
    export = client.get(LOG, {"channel": "email", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().strip().splitlines()
    assert lines[0].startswith("Written,Message,Channel,To,VIN") and len(lines) == 1 + 2
    assert "jane.owner" not in export.content.decode()


def _log_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(LOG).status_code == 200
    return len(queries)


def test_the_log_costs_the_same_queries_at_two_sizes(client_for, ale, dealer_a, campaign_admin):
    vehicle = owner_vehicle(ale, dealer_a)
    client = client_for(campaign_admin)
    _messages(vehicle, dealer_a, 3)
    small = _log_queries(client)
    _messages(vehicle, dealer_a, 120, tag="more")
    # session, user, permissions (2), memberships (scope), the count, the page of rows
    assert _log_queries(client) == small == 7


def test_the_vehicle_record_shows_the_vins_messages_whole_where_the_owner_is_shown(
    client_for, logged, service_manager_a, parts_manager_a
):
    a, _ = logged
    page = client_for(service_manager_a).get("/vehicles/", {"vin": a.vin}).content.decode()
    assert 'data-testid="messages"' in page and "jane.owner@example.com" in page
    assert "Not stated" in page and 'name="choice"' in page
    # Parts managers see neither the owner nor the messages card.
    other = client_for(parts_manager_a).get("/vehicles/", {"vin": a.vin}).content.decode()
    assert 'data-testid="messages"' not in other


def test_service_staff_set_the_owners_preference_and_it_is_recorded(client_for, logged, service_manager_a):
    a, _ = logged
    client = client_for(service_manager_a)
    response = client.post(
        f"/messages/preference/{a.vin}/", {"choice": "email", "reason": "No texts, please."}
    )
    assert response.status_code == 302
    change = ContactPreferenceChange.objects.get(vehicle=a)
    assert (change.from_choice, change.to_choice, change.by, change.reason) == (
        "",
        "email",
        service_manager_a,
        "No texts, please.",
    )
    page = client.get(response["Location"]).content.decode()
    assert "contact preference is saved" in page and "E-mail only" in page
    again = client.post(f"/messages/preference/{a.vin}/", {"choice": "email", "reason": "Same."}, follow=True)
    assert "already the owner" in again.content.decode() and ContactPreferenceChange.objects.count() == 1


def test_a_bad_preference_is_refused_with_a_reason(client_for, logged, service_manager_a):
    a, _ = logged
    response = client_for(service_manager_a).post(
        f"/messages/preference/{a.vin}/", {"choice": "pigeon", "reason": ""}, follow=True
    )
    page = response.content.decode()
    assert "Contact preference not changed" in page and not ContactPreferenceChange.objects.exists()


def test_another_dealers_vehicle_is_a_404(client_for, logged, service_manager_b):
    a, _ = logged
    response = client_for(service_manager_b).post(
        f"/messages/preference/{a.vin}/", {"choice": "none", "reason": "x"}
    )
    assert response.status_code == 404 and not ContactPreferenceChange.objects.exists()
