"""Owner letters (49 CFR 577): a mailing, its chunks, one row per letter, returned mail.

A mailing's letters are chosen and written as rows when it is created (``mailings.services``):
the owner's name and address are copied onto the letter AS MAILED, so a later change of
address never rewrites what was sent. Chunks of letters are rendered by Celery workers
(``mailings.chunks``): a chunk is claimed with a conditional update and a lease, so a worker
killed mid-chunk leaves it to be claimed again once the lease runs out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaign.models import Campaign, Vehicle


class Mailing(models.Model):
    class Kind(models.TextChoices):
        # The owner notification; for a vehicle that had an interim notice it is the second
        # notice of 577.7 ("followed by a second notice once the remedy is available"),
        # and its letter says so.
        NOTIFICATION = "notification", "Owner notification"
        INTERIM = "interim", "Interim notice (remedy not yet available)"
        FOLLOW_UP = "follow_up", "Follow-up notice (577.10)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Sent to the print vendor"
        FAILED = "failed", "Failed"

    # PROTECT: a mailing is the record of who was told what, and when (the 573.7 report's dates).
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="mailings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Counts at creation: letters chosen, and the selection's vehicles left out and why.
    letters_total = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    skipped_already_mailed = models.PositiveIntegerField(default=0)
    skipped_no_address = models.PositiveIntegerField(default=0)
    skipped_undeliverable = models.PositiveIntegerField(default=0)
    chunk_size = models.PositiveIntegerField(default=500)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(chunk_size__gt=0), name="mailing_chunk_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} mailing {self.pk}"


class MailingStatusChange(models.Model):
    """One row per status change of a mailing: who (or which worker), when, from, to, why."""

    mailing = models.ForeignKey(Mailing, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Mailing.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Mailing.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class MailingChunk(models.Model):
    """A run of consecutive letters rendered as one PDF and one manifest CSV."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Done"

    mailing = models.ForeignKey(Mailing, on_delete=models.PROTECT, related_name="chunks")
    number = models.PositiveIntegerField()
    first_sequence = models.PositiveIntegerField()
    last_sequence = models.PositiveIntegerField()
    letters = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The claim: the worker holding it, how many claims so far (a fencing token: only the
    # latest claimant may mark it done) and until when the claim holds.
    claimed_by = models.CharField(max_length=120, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["mailing", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "number"], name="mailing_chunk_number_once"),
            models.CheckConstraint(
                condition=Q(first_sequence__lte=F("last_sequence")), name="mailing_chunk_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(status="rendering") | Q(lease_expires_at__isnull=False),
                name="mailing_chunk_rendering_has_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"mailing {self.mailing_id} chunk {self.number}"


class Letter(models.Model):
    """One letter: the vehicle, the owner and address as mailed, the mailing, the date.

    ``campaign`` and ``kind`` repeat the mailing's so the database itself refuses a second
    letter of one kind to one vehicle in one campaign, whichever mailing would send it.
    ``mailed_on`` is set when the letter's chunk has been handed to the print vendor.
    """

    mailing = models.ForeignKey(Mailing, on_delete=models.PROTECT, related_name="letters")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=12, choices=Mailing.Kind.choices)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="letters")
    # The vehicle's model and year as mailed: the completion dashboard counts letters by model
    # from the letters alone (letter_mailed_by_model). Through each letter's vehicle, 38,617
    # letters under a model filter took 130 ms on SQLite and 68 ms on PostgreSQL.
    model_label = models.CharField(max_length=40, blank=True)
    model_year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField(help_text="Position in the mailing (ZIP order).")
    chunk = models.PositiveIntegerField()
    owner_name = models.CharField(max_length=120)
    address1 = models.CharField(max_length=120)
    address2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    # The date of the interim notice this vehicle had, for a notification's "second notice" wording.
    interim_mailed_on = models.DateField(null=True, blank=True)
    mailed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["mailing", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "vehicle"], name="letter_once_per_mailing"),
            # Leads with campaign and kind: also serves "already mailed in this kind" at selection.
            models.UniqueConstraint(
                fields=["campaign", "kind", "vehicle"], name="letter_once_per_campaign_kind"
            ),
            models.UniqueConstraint(fields=["mailing", "sequence"], name="letter_sequence_once"),
        ]
        indexes = [
            # A chunk's letters, in order (the render and the manifest).
            models.Index(fields=["mailing", "chunk", "sequence"], name="letter_by_chunk"),
            # Letters mailed, by model (the completion dashboard), read from the index alone.
            models.Index(
                fields=["campaign", "model_label", "model_year", "mailed_on"], name="letter_mailed_by_model"
            ),
        ]

    def __str__(self) -> str:
        return f"letter {self.pk} to {self.vehicle_id}"

    @property
    def address_lines(self) -> list[str]:
        last = f"{self.city}, {self.state} {self.postal_code}".strip(", ")
        return [line for line in (self.owner_name, self.address1, self.address2, last) if line]


class ReturnedMailImport(models.Model):
    """One upload of a vendor's or USPS's return file: its counts and its rejects (line, VIN, reason)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_forwarded = models.PositiveIntegerField(default=0)
    rows_undeliverable = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rejects = models.FileField(upload_to="returned-mail/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"returned mail {self.original_name}"


class ReturnedMail(models.Model):
    """A letter that came back: why, when, and the forwarding address USPS gave, if any."""

    class Reason(models.TextChoices):
        FORWARDED = "forwarded", "Moved, forwarding address given"
        MOVED_NO_ADDRESS = "moved", "Moved, left no address"
        NO_SUCH_ADDRESS = "no_such_address", "No such address"
        UNKNOWN = "unknown", "Addressee unknown"
        REFUSED = "refused", "Refused"
        UNDELIVERABLE = "undeliverable", "Undeliverable as addressed"

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="returns")
    upload = models.ForeignKey(
        ReturnedMailImport, null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    received_on = models.DateField()
    forwarding_address1 = models.CharField(max_length=120, blank=True)
    forwarding_address2 = models.CharField(max_length=120, blank=True)
    forwarding_city = models.CharField(max_length=80, blank=True)
    forwarding_state = models.CharField(max_length=2, blank=True)
    forwarding_postal_code = models.CharField(max_length=10, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            # A letter comes back once: the same return file uploaded twice records nothing twice.
            models.UniqueConstraint(fields=["letter"], name="returned_mail_once_per_letter"),
            models.CheckConstraint(
                condition=~Q(reason="forwarded")
                | (~Q(forwarding_address1="") & ~Q(forwarding_city="") & ~Q(forwarding_postal_code="")),
                name="returned_mail_forwarding_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"letter {self.letter_id} returned ({self.reason})"

    @property
    def forwarded(self) -> bool:
        return self.reason == self.Reason.FORWARDED


class OwnerAddressChange(models.Model):
    """A change to a registered owner's address made here (a forwarding address): who, when,
    the old and the new, why. Holds owner data: shown only on logged pages, never in the admin."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="address_changes")
    returned_mail = models.ForeignKey(
        ReturnedMail, null=True, blank=True, on_delete=models.PROTECT, related_name="address_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_address = models.JSONField()
    new_address = models.JSONField()
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"address change of {self.vehicle_id}"
