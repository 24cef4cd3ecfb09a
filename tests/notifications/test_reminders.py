"""The day-before reminder, in each dealer's own time zone: Honolulu is five hours behind New York."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from notifications.models import Message
from notifications.reminders import appointments_due_for_reminder, reminders_queue_due
from repairs.appointments import appointment_cancel, appointment_reschedule, dealer_today
from tests.notifications.factories import booked

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def zones(dealer_a, dealer_b):
    dealer_a.time_zone = "Pacific/Honolulu"
    dealer_a.save()
    dealer_b.time_zone = "America/New_York"
    dealer_b.save()
    return dealer_a, dealer_b


def _at_new_york(hour: int, dealer) -> dt.datetime:
    """Today (New York's date) at ``hour`` New York time."""
    return dt.datetime.combine(dealer_today(dealer), dt.time(hour), tzinfo=NEW_YORK)


def test_each_dealer_is_reminded_once_its_own_clock_passes_the_send_hour(
    ale, zones, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_REMINDER_HOUR = 10
    honolulu, new_york = zones
    # Both visits are on tomorrow's date as New York sees it, at 08:00 local.
    days_ahead = (dealer_today(new_york) - dealer_today(honolulu)).days + 1
    at_honolulu = booked(ale, honolulu, days=days_ahead)
    at_new_york = booked(ale, new_york, days=1)
    assert mail.outbox == []  # their confirmations are written, not sent: no commit in this test

    eleven_in_new_york = _at_new_york(11, new_york)  # 06:00 in Honolulu
    assert [a.pk for a in appointments_due_for_reminder(now=eleven_in_new_york)] == [at_new_york.pk]
    with django_capture_on_commit_callbacks(execute=True):
        reminders_queue_due(now=eleven_in_new_york)
        reminders_queue_due(now=eleven_in_new_york + dt.timedelta(hours=1))  # the next hourly run
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    reminder = Message.objects.get(kind="appointment_reminder", channel="email")
    local_day = at_new_york.start_at.astimezone(NEW_YORK).date()
    assert reminder.dedupe_key == f"reminder:{at_new_york.pk}:{local_day:%Y-%m-%d}:email"
    assert "tomorrow" in mail.outbox[0].subject and "8:00 AM" in mail.outbox[0].subject

    four_in_new_york = _at_new_york(16, new_york)  # 11:00 in Honolulu
    assert [a.pk for a in appointments_due_for_reminder(now=four_in_new_york)] == [at_honolulu.pk]
    with django_capture_on_commit_callbacks(execute=True):
        reminders_queue_due(now=four_in_new_york)
    assert len(mail.outbox) == 2 and honolulu.name in mail.outbox[1].body
    assert "HST" in mail.outbox[1].body  # the time as the Honolulu owner reads it


def test_cancelled_visits_get_no_reminder_and_a_rescheduled_one_gets_one_for_its_new_day(
    ale, zones, service_manager_b, django_capture_on_commit_callbacks
):
    _, new_york = zones
    cancelled = booked(ale, new_york, days=1)
    moved = booked(ale, new_york, days=1)
    appointment_cancel(appointment_id=cancelled.pk, dealer_ids={new_york.pk}, reason="Sold", user=None)
    eleven = _at_new_york(11, new_york)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_queue_due(now=eleven)
    assert (
        Message.objects.filter(
            kind="appointment_reminder", dedupe_key__startswith=f"reminder:{moved.pk}:"
        ).count()
        == 2
    )
    appointment_reschedule(
        appointment_id=moved.pk,
        dealer_ids={new_york.pk},
        date=dealer_today(new_york) + dt.timedelta(days=2),
        time=dt.time(8, 0),
        reason="Owner asked",
        user=None,
    )
    assert appointments_due_for_reminder(now=eleven) == []  # its new day is not tomorrow
    day_after = eleven + dt.timedelta(days=1)
    assert [a.pk for a in appointments_due_for_reminder(now=day_after)] == [moved.pk]
    assert not Message.objects.filter(dedupe_key__startswith=f"reminder:{cancelled.pk}:").exists()


def test_a_run_with_everything_reminded_costs_the_same_queries_at_two_sizes(
    ale, zones, django_capture_on_commit_callbacks, django_assert_num_queries
):
    _, new_york = zones
    eleven = _at_new_york(11, new_york)
    for size in (1, 4):
        for _ in range(size):
            booked(ale, new_york, days=1)
        reminders_queue_due(now=eleven)
        # The zones in use, then for each zone past the send hour (New York: Honolulu is at 06:00)
        # its tomorrow's appointments and which of them were reminded.
        with django_assert_num_queries(1 + 2):
            assert reminders_queue_due(now=eleven) == []
