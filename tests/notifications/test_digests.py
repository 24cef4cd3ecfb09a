"""The daily dealer digest: each staff member's sections, once a day, never empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from dealers.models import InventoryUnit
from notifications.digests import dealer_digest_queue, dealers_due_for_digest
from notifications.models import DigestRun, Message
from tests.factories import ale_vin

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(principal_a, service_manager_a, parts_manager_a, preowned_manager_a):
    return {
        "principal": principal_a,
        "service": service_manager_a,
        "parts": parts_manager_a,
        "preowned": preowned_manager_a,
    }


def _held_unit(dealer, serial=31000):
    return InventoryUnit.objects.create(
        dealer=dealer,
        vin=ale_vin(serial),
        stock_number=f"P{serial}",
        received_on=dt.date(2010, 7, 1),
        stop_sale=True,
        stop_sale_since=timezone.now() - dt.timedelta(hours=2),
        stop_sale_campaigns="ALE",
    )


def _returned_claim(ale, dealer, service_manager, warranty_admin):
    from repairs.claims import claim_return, claim_submit
    from tests.repairs.factories_claims import claims_setup, completed_ro

    claims_setup(ale, dealer)
    claim = claim_submit(repair_order_id=completed_ro(ale, dealer).pk, user=service_manager)
    return claim_return(claim_id=claim.pk, user=warranty_admin, note="Attach the RO's signed copy.")


def _bodies() -> dict[str, str]:
    return {m.to[0].split("@")[0]: m.body for m in mail.outbox}


def test_each_role_gets_its_sections_and_the_principal_gets_all(
    ale, dealer_a, staff, warranty_admin, django_capture_on_commit_callbacks
):
    _held_unit(dealer_a)
    claim = _returned_claim(ale, dealer_a, staff["service"], warranty_admin)
    with django_capture_on_commit_callbacks(execute=True):
        created = dealer_digest_queue(dealer_id=dealer_a.pk, day=timezone.localdate())
    bodies = _bodies()
    assert len(created) == 3  # the parts manager has nothing today: no claims, no stock, no line
    assert set(bodies) == {"principal_a", "svc_a", "preowned_a"}
    assert "NEW STOP-SALE UNITS: 1" in bodies["principal_a"] and "P31000" in bodies["principal_a"]
    assert f"Claim {claim.pk}" in bodies["principal_a"] and "Returned for correction" in bodies["svc_a"]
    assert "Attach the RO's signed copy." in bodies["svc_a"]
    assert "STOP-SALE" not in bodies["svc_a"]
    assert "CLAIMS" not in bodies["preowned_a"] and "P31000" in bodies["preowned_a"]
    assert all(m.subject.startswith(dealer_a.name) for m in mail.outbox)


def test_a_digest_is_built_once_a_day(ale, dealer_a, staff, django_capture_on_commit_callbacks):
    _held_unit(dealer_a)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        first = dealer_digest_queue(dealer_id=dealer_a.pk, day=today)
        again = dealer_digest_queue(dealer_id=dealer_a.pk, day=today)
    assert len(first) == 2 and again == []  # principal and pre-owned manager
    assert len(mail.outbox) == 2 and DigestRun.objects.get().messages == 2


def test_nothing_to_report_sends_nothing_but_the_day_is_done(dealer_a, staff, settings):
    settings.NOTIFY_DIGEST_HOUR = 0
    today = timezone.localdate()
    assert dealer_digest_queue(dealer_id=dealer_a.pk, day=today) == []
    assert Message.objects.count() == 0 and DigestRun.objects.filter(dealer=dealer_a, day=today).exists()


def test_the_next_digest_covers_from_where_the_last_ended(
    dealer_a, staff, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    _held_unit(dealer_a, 31001)
    with django_capture_on_commit_callbacks(execute=True):
        dealer_digest_queue(dealer_id=dealer_a.pk, day=today - dt.timedelta(days=1))
        # Nothing new since: the unit flagged before yesterday's digest is not told again.
        assert dealer_digest_queue(dealer_id=dealer_a.pk, day=today, now=timezone.now()) == []
    assert len(mail.outbox) == 2


def test_dealers_are_due_once_their_local_morning_comes(dealer_a, dealer_b, settings):
    settings.NOTIFY_DIGEST_HOUR = 7
    dealer_a.time_zone = "Pacific/Honolulu"
    dealer_a.save()
    dealer_b.time_zone = "America/New_York"
    dealer_b.save()
    from zoneinfo import ZoneInfo

    eight_in_new_york = dt.datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("America/New_York"))  # 03:00 HST
    assert dealers_due_for_digest(now=eight_in_new_york) == [(dealer_b.pk, dt.date(2026, 12, 2))]
    DigestRun.objects.create(
        dealer=dealer_b,
        day=dt.date(2026, 12, 2),
        covered_from=eight_in_new_york,
        covered_until=eight_in_new_york,
    )
    noon_in_new_york = eight_in_new_york + dt.timedelta(hours=10)  # 08:00 HST
    assert dealers_due_for_digest(now=noon_in_new_york) == [(dealer_a.pk, dt.date(2026, 12, 2))]


def test_users_without_an_email_get_no_digest(dealer_a, staff, django_capture_on_commit_callbacks):
    staff["preowned"].email = ""
    staff["preowned"].save()
    _held_unit(dealer_a)
    with django_capture_on_commit_callbacks(execute=True):
        dealer_digest_queue(dealer_id=dealer_a.pk, day=timezone.localdate())
    assert [m.to for m in mail.outbox] == [["principal_a@example.com"]]
