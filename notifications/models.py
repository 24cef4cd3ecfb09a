"""Every e-mail and text message the product sends, and each owner's say in what they get.

A ``Message`` is written, queued, in the transaction of the change it reports, and sent
after commit by a Celery task. Its ``dedupe_key`` is unique: a signal received twice, a
beat run repeated or a task redelivered finds the row already there and sends nothing new.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaign.models import Vehicle
from dealers.models import Dealer


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class ContactPreference(models.Model):
    """How the owner of a vehicle wants to hear from us. No row: both channels, where we hold
    the address or number (owners also get the Part 577 letters by mail, whatever this says)."""

    class Choice(models.TextChoices):
        BOTH = "both", "E-mail and text messages"
        EMAIL = "email", "E-mail only"
        SMS = "sms", "Text messages only"
        NONE = "none", "Letters only (no e-mail, no texts)"

    vehicle = models.OneToOneField(
        Vehicle, primary_key=True, on_delete=models.PROTECT, related_name="contact_preference"
    )
    choice = models.CharField(max_length=5, choices=Choice.choices, default=Choice.BOTH)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.get_choice_display()}"

    @staticmethod
    def allows(choice: str, channel: str) -> bool:
        return choice == ContactPreference.Choice.BOTH or choice == channel


class ContactPreferenceChange(models.Model):
    """History: each change of an owner's preference, by staff (who) or by the owner (unsubscribe)."""

    class Source(models.TextChoices):
        STAFF = "staff", "Dealer staff, on the owner's word"
        UNSUBSCRIBE = "unsubscribe", "The owner's unsubscribe link"
        API = "api", "Dealer system"

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    # Blank the first time the owner states a preference (until then: both, or the booking's word).
    from_choice = models.CharField(max_length=5, choices=ContactPreference.Choice.choices, blank=True)
    to_choice = models.CharField(max_length=5, choices=ContactPreference.Choice.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.from_choice} → {self.to_choice}"


class Message(models.Model):
    class Kind(models.TextChoices):
        APPOINTMENT_CONFIRMATION = "appointment_confirmation", "Appointment confirmation"
        APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
        PARTS_ARRIVED = "parts_arrived", "Parts arrived"
        REPAIR_THANKS = "repair_thanks", "Thanks for the repair"
        REIMBURSEMENT_DECISION = "reimbursement_decision", "Reimbursement decision"
        DEALER_DIGEST = "dealer_digest", "Dealer digest"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent"

    dedupe_key = models.CharField(max_length=120, help_text="What this message is about, once.")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=254, help_text="The address or number as sent.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # What the message concerns: an owner message has the vehicle (and usually the dealer), a
    # digest the dealer and the staff member it went to.
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey(Dealer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A parts-arrived message marks its notice sent (parts.PartsArrivedNotice.sent_at).
    arrived_notice = models.ForeignKey(
        "parts.PartsArrivedNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One message per thing to say, per channel: the guard against sending twice.
            models.UniqueConstraint(fields=["dedupe_key"], name="message_dedupe_once"),
            models.CheckConstraint(
                condition=~Q(status="sent") | (Q(sent_at__isnull=False) & ~Q(provider_id="")),
                name="message_sent_has_provider_id",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False), name="message_sending_claimed"
            ),
        ]
        indexes = [
            # The vehicle record's messages for a VIN.
            models.Index(fields=["vehicle", "-created_at"], name="message_by_vehicle"),
            # A dealer's message log, newest first.
            models.Index(fields=["dealer", "-created_at"], name="message_by_dealer"),
            # The resume sweep: messages still queued or stuck sending.
            models.Index(fields=["status", "created_at"], name="message_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.channel} ({self.get_status_display()})"


class MessageEvent(models.Model):
    """History: each status change of a message (queued, each attempt, sent, failed, skipped)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=8, choices=Message.Status.choices, blank=True)
    to_status = models.CharField(max_length=8, choices=Message.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class DigestRun(models.Model):
    """A dealer's daily digest was built for its local ``day`` (sent to whom it concerned, or to
    nobody when nothing happened). Unique per dealer and day: the hourly beat, a redelivered task
    or a second worker build it once. The next digest covers from this one's ``covered_until``."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    covered_from = models.DateTimeField()
    covered_until = models.DateTimeField()
    messages = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-day", "dealer"]
        constraints = [models.UniqueConstraint(fields=["dealer", "day"], name="digest_run_once_a_day")]

    def __str__(self) -> str:
        return f"Digest {self.dealer_id} {self.day}"
