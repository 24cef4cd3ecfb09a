"""A recall campaign, the vehicles it covers and the posted list of affected VINs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Campaign(models.Model):
    class Phase(models.TextChoices):
        # Declared in the order the seed's dealer letter walks through: the one definition of
        # the phase order (a campaign only moves forward in it, see later_than).
        PRELIMINARY = "preliminary", "Preliminary notice (no parts yet)"
        PARTS_AVAILABLE = "parts_available", "Parts available"
        OWNER_NOTIFICATION = "owner_notification", "Owner notification"
        CLOSED = "closed", "Closed"

        @classmethod
        def later_than(cls, phase: str) -> list[Campaign.Phase]:
            """The phases a campaign at ``phase`` may move to: every one after it, in order."""
            order = list(cls)
            return order[order.index(cls(phase)) + 1 :]

    code = models.CharField(max_length=12, unique=True, help_text="Manufacturer's campaign code, e.g. ALE.")
    title = models.CharField(max_length=200)
    manufacturer = models.CharField(max_length=200)
    make = models.CharField(max_length=60, help_text="Brand shown to owners, e.g. Lexus.")
    component = models.CharField(max_length=200)
    nhtsa_number = models.CharField("NHTSA recall number", max_length=20, blank=True)
    defect_description = models.TextField()
    consequence = models.TextField(help_text="Safety risk, in plain language.")
    warning_signs = models.TextField(blank=True)
    remedy_description = models.TextField()
    owner_instructions = models.TextField(blank=True, help_text="What an owner should do.")
    reimbursement = models.TextField(blank=True)
    dealer_notice = models.TextField(blank=True, help_text="The dealer letter, as sent.")
    media_rule = models.TextField(blank=True)
    qa = models.JSONField(
        "customer Q&A",
        default=list,
        blank=True,
        help_text="The script for answering owners: [{q, a}, …].",
    )
    customer_help_line = models.CharField(max_length=40, blank=True)
    dir_filed_on = models.DateField("defect report (DIR) filed on")
    vins_posted_on = models.DateField("affected VINs posted on", null=True, blank=True)
    owner_notification_planned = models.CharField(max_length=60, blank=True)
    owner_notification_started_on = models.DateField(null=True, blank=True)
    production_period = models.CharField(max_length=120, blank=True)
    production_change = models.TextField(blank=True)
    expected_failure_rate = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    reported_cases = models.PositiveIntegerField(null=True, blank=True)
    reported_accidents = models.PositiveIntegerField(null=True, blank=True)
    # What the remedy's warranty claims and owner reimbursements need (the definition's
    # ``remedy`` section); the labor operation and kit are per covered model (RemedyOperation).
    claim_window_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A warranty claim is submitted within this many days of completion."
    )
    reimbursement_from = models.DateField(
        null=True, blank=True, help_text="Owner reimbursement: repairs made on or after this date."
    )
    reimbursement_until = models.DateField(
        null=True, blank=True, help_text="Owner reimbursement: repairs made on or before this date."
    )
    claim_condition = models.TextField(blank=True, help_text="Prefills the claim's condition text.")
    claim_cause = models.TextField(blank=True, help_text="Prefills the claim's cause text.")
    claim_correction = models.TextField(blank=True, help_text="Prefills the claim's correction text.")
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PRELIMINARY)
    # Set when an affected-VIN list lands: before it, a VIN in range is only "in range, list not yet posted".
    affected_list_posted_at = models.DateTimeField(null=True, blank=True)
    # What the public look-up shows as "last updated" (49 CFR 573.15).
    data_updated_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-dir_filed_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_failure_rate__isnull=True)
                | Q(expected_failure_rate__gte=0, expected_failure_rate__lte=1),
                name="campaign_failure_rate_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def remedy_available(self) -> bool:
        # Only the preliminary notice comes before parts exist; a closed campaign still
        # repairs a VIN that is open on its list.
        return self.phase != self.Phase.PRELIMINARY


class CampaignPhaseChange(models.Model):
    """One row per phase transition: who moved the campaign, when, from what, to what, why."""

    # PROTECT: the record of who moved the campaign outlives any attempt to delete the campaign.
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=Campaign.Phase.choices, blank=True)
    to_phase = models.CharField(max_length=20, choices=Campaign.Phase.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.from_phase or 'new'} → {self.to_phase}"


class CoveredModel(models.Model):
    """A line of the campaign's VIN table that carries a UIO count (units in operation)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="covered_models")
    position = models.PositiveSmallIntegerField(help_text="Order in the printed table.")
    model_label = models.CharField(max_length=40, help_text="As printed, e.g. 'GS 350'.")
    model_year = models.PositiveSmallIntegerField()
    uio = models.PositiveIntegerField("UIO", help_text="Units in operation.")

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="covered_model_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model_year} {self.model_label}"


class Kit(models.Model):
    """A part dealers stock, reserve and receive for the campaign: the scarce one (ALE's valve
    springs, one engine's set per kit). Stock is counted in kits; a repair uses
    ``quantity_per_vehicle`` of them. Kits outlive a reload of the definition (dealer stock
    points at them), so ``campaign_load`` updates them in place and never deletes one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="kits")
    part_number = models.CharField(max_length=20)
    description = models.CharField(max_length=120)
    quantity_per_vehicle = models.PositiveSmallIntegerField(default=1)
    dealer_net_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["campaign", "part_number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "part_number"], name="kit_part_number_once"),
            models.CheckConstraint(condition=Q(quantity_per_vehicle__gt=0), name="kit_quantity_positive"),
            models.CheckConstraint(condition=Q(dealer_net_price__gte=0), name="kit_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_number} {self.description}"


class RemedyOperation(models.Model):
    """The remedy for one covered model: the labor operation the RO carries and the claim pays."""

    covered_model = models.OneToOneField(CoveredModel, on_delete=models.CASCADE, related_name="remedy")
    labor_operation = models.CharField(max_length=12, help_text="The campaign labor operation code.")
    flat_rate_hours = models.DecimalField(max_digits=5, decimal_places=1)
    # The stocked kit a repair of this model reserves and consumes; None: parts are not tracked.
    kit = models.ForeignKey(Kit, null=True, blank=True, on_delete=models.PROTECT, related_name="operations")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(flat_rate_hours__gt=0), name="remedy_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.labor_operation} ({self.flat_rate_hours} h)"


class RemedyPart(models.Model):
    """One line of the remedy's kit: the parts a repair of that covered model uses."""

    operation = models.ForeignKey(RemedyOperation, on_delete=models.CASCADE, related_name="parts")
    part_number = models.CharField(max_length=20)
    description = models.CharField(max_length=120)
    quantity = models.PositiveSmallIntegerField()
    dealer_net_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["operation", "part_number"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "part_number"], name="remedy_part_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="remedy_part_quantity_positive"),
            models.CheckConstraint(
                condition=Q(dealer_net_price__gte=0), name="remedy_part_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.part_number}"


class VinRange(models.Model):
    """A printed VIN range: a screen, not the truth (the posted list is the truth)."""

    covered_model = models.ForeignKey(CoveredModel, on_delete=models.CASCADE, related_name="ranges")
    position = models.PositiveSmallIntegerField()
    wmi = models.CharField("WMI", max_length=3)
    vds = models.CharField("VDS", max_length=5)
    serial_from = models.CharField(max_length=7)
    serial_to = models.CharField(max_length=7)

    class Meta:
        ordering = ["covered_model__campaign", "covered_model__position", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(serial_from__lte=F("serial_to")), name="vin_range_ordered"),
            models.UniqueConstraint(fields=["covered_model", "position"], name="vin_range_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.wmi} {self.vds} {self.serial_from}–{self.serial_to}"

    @property
    def size(self) -> int:
        return int(self.serial_to) - int(self.serial_from) + 1 if self.serial_to.isdigit() else 0


# The registered owner's name and contact details on ``Vehicle``. They are shown only on the
# product's own pages, which log every view (``dealers.OwnerDataAccess``); the Django admin
# never shows, searches, filters or edits them (``campaign.admin_privacy``).
OWNER_FIELDS: tuple[str, ...] = (
    "owner_name",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "phone",
    "email",
)


class Vehicle(models.Model):
    """A vehicle known to the system, keyed by its VIN, with its registered owner.

    Owner columns live here (one registered owner per vehicle, refreshed from state
    registration data on each import) so a list import writes one row per vehicle.
    They are never shown by the public look-up.
    """

    vin = models.CharField("VIN", max_length=17, primary_key=True)
    model_label = models.CharField(max_length=40, blank=True)
    model_year = models.PositiveSmallIntegerField()
    owner_name = models.CharField(max_length=120, blank=True)
    address1 = models.CharField(max_length=120, blank=True)
    address2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField()
    owner_updated_at = models.DateTimeField(null=True, blank=True)
    # Set when a letter to this address came back undeliverable with no forwarding address
    # (the mailings app); no letter goes to it until an import brings a changed address,
    # which clears it (campaign.vin_import_merge).
    address_undeliverable_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="vehicle_vin_shape"
            ),
        ]

    def __str__(self) -> str:
        return self.vin

    @property
    def has_owner(self) -> bool:
        return bool(self.owner_name or self.address1)


class AffectedVehicle(models.Model):
    """A VIN on a campaign's posted affected list, with where it stands for that campaign.

    What the words mean, everywhere (counts, look-ups, stop sale, the remedy report):
    *open* is ``OPEN``, the remedy still to do and the owner being worked; *unreachable* is
    the remedy still to do with the owner out of reach (exported, owner not located…);
    *remedied* is ``REMEDIED`` and nothing else; *not needed* is an inspection that found the
    remedy unnecessary; *removed* is a VIN taken off the list by the campaign administrator
    (found not affected, §573.7's "removed from the population"): the row and its history stay,
    but it no longer counts as affected. Completion is remedied / affected (``COUNTED_STATUSES``).

    For the VIN itself (the public look-up, stop sale) the recall is open while the remedy is
    still to do: ``RECALL_OPEN_STATUSES``. Counts and reports keep each status apart.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open (remedy not done)"
        REMEDIED = "remedied", "Remedied"
        NOT_NEEDED = "not_needed", "Inspected, remedy not needed"
        UNREACHABLE = "unreachable", "Unreachable (exported, stolen, scrapped, owner not found)"
        REMOVED = "removed", "Removed from the campaign (not affected)"

    RECALL_OPEN_STATUSES = (Status.OPEN, Status.UNREACHABLE)
    # The entries that make up the campaign's population (every status but removed).
    COUNTED_STATUSES = (Status.OPEN, Status.REMEDIED, Status.NOT_NEEDED, Status.UNREACHABLE)

    # No single-column FK indexes: the unique (vehicle, campaign) and (campaign, status)
    # below lead with each column, and every extra index slows the list import's inserts.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="affected_vehicles", db_index=False
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="campaign_entries", db_index=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    added_at = models.DateTimeField()
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Vehicle first: its index also serves the VIN look-up (every entry for one VIN).
            models.UniqueConstraint(
                fields=["vehicle", "campaign"], name="affected_vehicle_once_per_campaign"
            ),
        ]
        indexes = [
            # Completion counts per campaign and status.
            models.Index(fields=["campaign", "status"], name="affected_by_campaign_status"),
            # The call list (repairs.booking_selectors.call_list_for_dealers) and its count: the
            # open entries of a dealer's serviced VINs, read from the index alone (it holds every
            # column the list selects). At full fleet with 100,000 ROs on PostgreSQL (with
            # dealers' servicing_by_dealer, p50 of 40 runs) the count went from 9.8 to 4.9-5.2 ms
            # and the page's query from 15.1 to 9.2-10.3 ms. Open entries only: a remedy leaves it.
            models.Index(
                fields=["vehicle", "campaign", "added_at", "id"],
                condition=models.Q(status="open"),
                name="affected_open_by_vehicle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.code} {self.vehicle_id}"


class CampaignDocument(models.Model):
    """Technical instructions, parts information, claim instructions… published as the campaign advances."""

    class Kind(models.TextChoices):
        TECHNICAL_INSTRUCTIONS = "technical", "Technical instructions"
        PARTS_INFORMATION = "parts", "Parts information"
        CLAIM_INSTRUCTIONS = "claims", "Warranty claim instructions"
        OWNER_LETTER = "owner_letter", "Owner letter"
        OTHER = "other", "Other"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="campaign-documents/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class VinImport(models.Model):
    """One upload of an affected-VIN list, processed by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    # The record of what was imported, by whom: kept as long as the campaign (history, never cascaded).
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="vin_imports")
    # The uploaded list holds owners' data: deleted VIN_IMPORT_RETENTION_DAYS after the import
    # (vin_import_sources_purge), which then blanks this and stamps source_deleted_at.
    source = models.FileField(upload_to="vin-imports/%Y/%m/", blank=True)
    source_deleted_at = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rejects = models.FileField(upload_to="vin-imports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign.code} import of {self.original_name}"
