"""The demo's messages: what the demo service desk's owners were told, through the real path
(rows written, sent after commit; in-process in the demo, to the console or the
``sent-messages/`` folder ``make demo`` names), so the message log and the vehicle record have
data: confirmations of the next bookings, tomorrow's reminders, the parts-arrived notices, two
owners who asked for letters only (their messages recorded as not sent), and the staff's digest.

Bounded (a few dozen messages at one dealer) so ``seed_demo`` stays fast.
"""

from __future__ import annotations

from typing import TextIO
from zoneinfo import ZoneInfo

from django.utils import timezone

from dealers.models import Dealer, Membership
from notifications.digests import dealer_digest_queue
from notifications.models import ContactPreferenceChange, Message
from notifications.owner_messages import (
    appointment_confirmation_queue,
    appointment_reminder_drafts,
    parts_arrived_queue,
)
from notifications.preferences import contact_preference_set
from notifications.queueing import messages_queue
from notifications.reminders import _tomorrow_span
from parts.models import PartsArrivedNotice
from repairs.models import Appointment

CONFIRMATIONS = 8
LETTERS_ONLY = 2


def notifications_seed(*, stdout: TextIO) -> None:
    membership = Membership.objects.filter(user__username="service", dealer__isnull=False).first()
    if membership is None:
        return
    dealer: Dealer = membership.dealer
    now = timezone.now()
    upcoming = Appointment.objects.filter(
        dealer=dealer, status=Appointment.Status.SCHEDULED, start_at__gte=now
    ).select_related("vehicle", "dealer", "campaign")
    for appointment in upcoming.order_by("pk")[:LETTERS_ONLY]:
        contact_preference_set(
            vin=appointment.vehicle_id,
            choice="none",
            source=ContactPreferenceChange.Source.STAFF,
            user=membership.user,
            reason="Owner asked on the phone for letters only.",
        )
    for appointment in upcoming.order_by("start_at", "pk")[:CONFIRMATIONS]:
        appointment_confirmation_queue(appointment=appointment, action="booked")
    _, start, end = _tomorrow_span(now.astimezone(ZoneInfo(dealer.time_zone)))
    for appointment in upcoming.filter(start_at__gte=start, start_at__lt=end):
        messages_queue(appointment_reminder_drafts(appointment))
    notices = PartsArrivedNotice.objects.filter(reservation__dealer=dealer).select_related(
        "reservation__vehicle", "reservation__dealer", "reservation__campaign"
    )
    for notice in notices[:10]:
        parts_arrived_queue(notice=notice)
    dealer_digest_queue(dealer_id=dealer.pk, day=timezone.localdate())
    counts = {
        status: Message.objects.filter(dealer=dealer, status=status).count()
        for status in (Message.Status.SENT, Message.Status.SKIPPED)
    }
    stdout.write(
        f"Messages at {dealer.name}: {counts['sent']} sent, {counts['skipped']} not sent "
        f"(letters only), {Message.objects.count()} in all.\n"
    )
