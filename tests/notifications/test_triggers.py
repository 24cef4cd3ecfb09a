"""What each event sends the owner: booking, reschedule, parts arrived, completion, decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from notifications.models import Message
from notifications.preferences import contact_preference_set
from parts.models import PartsArrivedNotice
from repairs.appointments import appointment_cancel, appointment_reschedule, dealer_today
from tests.notifications.factories import TEXTABLE, booked, owner_vehicle

pytestmark = pytest.mark.django_db


def test_a_booking_sends_the_owner_a_confirmation_by_email_and_text(
    ale, dealer_a, service_manager_a, sms_outbox, django_capture_on_commit_callbacks
):
    dealer_a.phone = "626-555-0100"
    dealer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(ale, dealer_a, user=service_manager_a)
    email = Message.objects.get(channel="email")
    text = Message.objects.get(channel="sms")
    assert email.kind == text.kind == "appointment_confirmation"
    assert email.dedupe_key == f"appointment-confirmation:{appointment.pk}:1:email"
    assert email.status == text.status == "sent" and email.dealer == dealer_a
    (sent,) = mail.outbox
    assert sent.to == ["owner@example.com"]
    assert "Your recall appointment is booked" in sent.subject
    # The dealer's address and the time in the dealer's zone (08:00, as booked), what to expect.
    assert dealer_a.address1 in sent.body and dealer_a.city in sent.body and "8:00 AM" in sent.body
    assert "free of charge" in sent.body and "Drop-off" in sent.body
    assert "/messages/unsubscribe/" in sent.body and sent.extra_headers["List-Unsubscribe-Post"]
    assert sms_outbox[0]["to"] == TEXTABLE and dealer_a.name in sms_outbox[0]["body"]


def test_a_rolled_back_booking_sends_nothing(ale, dealer_a, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        booked(ale, dealer_a)
        raise RuntimeError("the clerk's request failed after the booking")
    assert Message.objects.count() == 0 and mail.outbox == []


def test_a_reschedule_confirms_the_new_time_and_a_cancellation_sends_nothing(
    ale, dealer_a, service_manager_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(ale, dealer_a, user=service_manager_a)
        appointment_reschedule(
            appointment_id=appointment.pk,
            dealer_ids={dealer_a.pk},
            date=dealer_today(dealer_a) + dt.timedelta(days=9),
            time=dt.time(9, 30),
            reason="Owner asked",
            user=service_manager_a,
        )
        appointment_cancel(
            appointment_id=appointment.pk,
            dealer_ids={dealer_a.pk},
            reason="Sold the car",
            user=service_manager_a,
        )
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2 and "has moved" in subjects[1] and "9:30 AM" in mail.outbox[1].body
    assert Message.objects.filter(channel="email").count() == 2


def test_letters_only_owners_get_nothing_and_the_log_says_why(
    ale, dealer_a, sms_outbox, django_capture_on_commit_callbacks
):
    vehicle = owner_vehicle(ale, dealer_a)
    contact_preference_set(vin=vehicle.vin, choice="none", source="staff", reason="Owner asked on the phone")
    with django_capture_on_commit_callbacks(execute=True):
        booked(ale, dealer_a, vehicle=vehicle)
    assert mail.outbox == [] and sms_outbox == []
    skipped = Message.objects.filter(status="skipped")
    assert skipped.count() == 2
    assert all(m.last_error == "The owner asked for letters only." for m in skipped)


def test_an_email_only_owner_gets_no_text(ale, dealer_a, sms_outbox, django_capture_on_commit_callbacks):
    vehicle = owner_vehicle(ale, dealer_a)
    contact_preference_set(vin=vehicle.vin, choice="email", source="staff")
    with django_capture_on_commit_callbacks(execute=True):
        booked(ale, dealer_a, vehicle=vehicle)
    assert len(mail.outbox) == 1 and sms_outbox == []
    assert Message.objects.get(channel="sms").status == "skipped"


def test_an_owner_without_a_textable_number_gets_email_only(
    ale, dealer_a, sms_outbox, django_capture_on_commit_callbacks
):
    vehicle = owner_vehicle(ale, dealer_a, phone="555-01")
    with django_capture_on_commit_callbacks(execute=True):
        booked(ale, dealer_a, vehicle=vehicle)
    assert len(mail.outbox) == 1 and sms_outbox == [] and not Message.objects.filter(channel="sms").exists()


def test_parts_arrived_tells_the_waiting_owner_and_marks_the_notice_sent(
    ale, dealer_a, sms_outbox, django_capture_on_commit_callbacks
):
    from parts.reservations import waitlist_join
    from tests.parts.waitlist_factories import receive, tracked

    vehicle = owner_vehicle(ale, dealer_a)
    kit = tracked(ale)
    waitlist_join(dealer_id=dealer_a.pk, vin=vehicle.vin, campaign_id=ale.pk, user=None)
    with django_capture_on_commit_callbacks(execute=True):
        receive(dealer_a, kit, 1)
    notice = PartsArrivedNotice.objects.get(reservation__vehicle=vehicle)
    assert notice.sent_at is not None
    (sent,) = mail.outbox
    assert "parts for your recall repair have arrived" in sent.subject and "book the repair" in sent.body
    assert Message.objects.filter(arrived_notice=notice, status="sent").count() == 2


def test_completion_thanks_the_owner(ale, dealer_a, service_manager_a, django_capture_on_commit_callbacks):
    from repairs.repair_orders import repair_order_check_in, repair_order_complete

    appointment = booked(ale, dealer_a, days=1, user=service_manager_a)
    ro = repair_order_check_in(
        appointment_id=appointment.pk, ro_number="RO77", mileage_in=61000, user=service_manager_a
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        repair_order_complete(
            repair_order_id=ro.pk,
            completed_on=None,
            mileage_out=61010,
            technician="J. Tech",
            labor_hours=Decimal("6.0"),
            user=service_manager_a,
        )
    thanks = Message.objects.get(kind="repair_thanks", channel="email")
    assert thanks.status == "sent" and thanks.dedupe_key == f"repair-thanks:{ro.pk}:email"
    assert "RO77" in mail.outbox[-1].body


def test_a_reimbursement_decision_is_written_to_the_claimant(
    ale, warranty_admin, django_capture_on_commit_callbacks
):
    from repairs.reimbursement import reimbursement_approve, reimbursement_deny, reimbursement_submit
    from tests.repairs.factories_reimbursement import affected_vin, submission, window_set

    window_set(ale)
    approved = reimbursement_submit(**submission(affected_vin(ale)))
    denied = reimbursement_submit(
        **submission(
            affected_vin(ale),
            email="",
            phone="916 555 0199",
            address1="1 Elm St",
            city="Davis",
            state="CA",
            postal_code="95616",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        reimbursement_approve(request_id=approved.pk, user=warranty_admin, amount=Decimal("1500.00"))
        reimbursement_deny(
            request_id=denied.pk, user=warranty_admin, reason="The receipt is not for this VIN."
        )
    (email,) = mail.outbox
    assert email.to == ["pat@example.com"] and "approved" in email.subject and "$1500.00" in email.body
    text = Message.objects.get(kind="reimbursement_decision", channel="sms")
    assert text.recipient == "+19165550199" and "not for this VIN" in text.body and text.status == "sent"


@pytest.mark.parametrize(
    ("contact", "sent", "skipped"),
    [
        ("mail", set(), {"email", "sms"}),
        ("sms", {"sms"}, {"email"}),
        ("email", {"email"}, {"sms"}),
        ("phone", {"email", "sms"}, set()),
    ],
)
def test_how_the_clerk_said_to_reach_the_owner_counts_until_the_owner_says_otherwise(
    ale, dealer_a, contact, sent, skipped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booked(ale, dealer_a, contact=contact)
    by_status = {s: {m.channel for m in Message.objects.filter(status=s)} for s in ("sent", "skipped")}
    assert by_status == {"sent": sent, "skipped": skipped}


def test_the_owners_own_word_beats_the_booking(ale, dealer_a, django_capture_on_commit_callbacks):
    from notifications.models import ContactPreferenceChange

    vehicle = owner_vehicle(ale, dealer_a)
    assert contact_preference_set(vin=vehicle.vin, choice="both", source="staff", reason="Texts are fine.")
    assert not contact_preference_set(vin=vehicle.vin, choice="both", source="staff")  # said again: no row
    (stated,) = ContactPreferenceChange.objects.filter(vehicle=vehicle)
    assert (stated.from_choice, stated.to_choice) == ("", "both")
    with django_capture_on_commit_callbacks(execute=True):
        booked(ale, dealer_a, vehicle=vehicle, contact="mail")
    assert {m.channel for m in Message.objects.filter(status="sent")} == {"email", "sms"}
