"""Django admin for campaigns, their VIN tables, vehicles, the posted lists and their imports.

Deliberately not editable here, because a service records them: a campaign's phase
(``campaign_phase_advance`` keeps who/when/why), affected-VIN imports (uploaded and run from
the staff import page, which this admin links to) and the posted list itself (a VIN's entry
and its status come from the import; an edit here would skip the stop-sale re-check).
Vehicle owners' names and contact details appear nowhere in the admin (``admin_privacy``).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from campaign.admin_history import HistoryAdmin, HistoryInline
from campaign.admin_privacy import OwnerFieldsExcluded
from campaign.models import (
    AffectedVehicle,
    Campaign,
    CampaignDocument,
    CampaignPhaseChange,
    CoveredModel,
    RemedyOperation,
    Vehicle,
    VinImport,
    VinRange,
)


def _imports_link(campaign: Campaign, text: str = "VIN imports") -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("vin-import-list", kwargs={"code": campaign.code}), text
    )


class VehicleVinColumn:
    """A "VIN" column for admins of rows that point at a vehicle: the VIN is the vehicle's key,
    so it is read from the row itself, without loading each vehicle (one query a row)."""

    @admin.display(description="VIN", ordering="vehicle_id")
    def vin(self, obj) -> str:
        return obj.vehicle_id


class CoveredModelInline(admin.TabularInline):
    model = CoveredModel
    extra = 0
    fields = ("position", "model_label", "model_year", "uio")
    show_change_link = True


class PhaseChangeInline(HistoryInline):
    model = CampaignPhaseChange
    fields = ("changed_at", "from_phase", "to_phase", "changed_by", "note")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "phase",
        "dir_filed_on",
        "affected_list_posted_at",
        "data_updated_at",
        "imports",
    )
    list_filter = ("phase", "make")
    search_fields = ("code", "title", "nhtsa_number", "component")
    # The remedy's terms come from the definition file, whose loader checks them (the
    # reimbursement window against 49 CFR 573.13): reload the file to change them.
    REMEDY_TERMS = (
        "claim_window_days",
        "reimbursement_from",
        "reimbursement_until",
        "claim_condition",
        "claim_cause",
        "claim_correction",
    )
    readonly_fields = (
        "phase",
        "affected_list_posted_at",
        "data_updated_at",
        "updated_at",
        "imports",
        *REMEDY_TERMS,
    )
    inlines = (CoveredModelInline, PhaseChangeInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "title",
                    "manufacturer",
                    "make",
                    "component",
                    "nhtsa_number",
                    "phase",
                    "imports",
                )
            },
        ),
        (
            "What owners are told",
            {
                "fields": (
                    "defect_description",
                    "consequence",
                    "warning_signs",
                    "remedy_description",
                    "owner_instructions",
                    "reimbursement",
                    "customer_help_line",
                )
            },
        ),
        ("Dealers", {"fields": ("dealer_notice", "media_rule", "qa")}),
        ("Remedy and claims (from the definition file)", {"fields": REMEDY_TERMS}),
        (
            "Dates and figures",
            {
                "fields": (
                    "dir_filed_on",
                    "vins_posted_on",
                    "owner_notification_planned",
                    "owner_notification_started_on",
                    "production_period",
                    "production_change",
                    "expected_failure_rate",
                    "reported_cases",
                    "reported_accidents",
                    "affected_list_posted_at",
                    "data_updated_at",
                    "updated_at",
                )
            },
        ),
    )

    @admin.display(description="Affected-VIN list")
    def imports(self, obj: Campaign) -> str:
        return _imports_link(obj, "Upload / past imports") if obj.pk else "—"


@admin.register(CampaignPhaseChange)
class CampaignPhaseChangeAdmin(HistoryAdmin):
    """The record of phase moves: read-only, written by campaign_phase_advance."""

    list_display = ("campaign", "from_phase", "to_phase", "changed_by", "changed_at")
    list_filter = ("campaign", "to_phase")
    search_fields = ("campaign__code", "note", "changed_by__username")
    list_select_related = ("campaign", "changed_by")


class VinRangeInline(admin.TabularInline):
    model = VinRange
    extra = 0
    fields = ("position", "wmi", "vds", "serial_from", "serial_to")


class RemedyOperationInline(admin.StackedInline):
    """The covered model's labor operation and kit, as the definition file's ``repair`` section
    loaded them: read-only here, since a reload of the file replaces them."""

    model = RemedyOperation
    extra = 0
    fields = ("labor_operation", "flat_rate_hours", "kit")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("parts")

    @admin.display(description="Kit")
    def kit(self, obj: RemedyOperation) -> str:
        return "; ".join(
            f"{p.quantity} × {p.part_number} {p.description} (${p.dealer_net_price})" for p in obj.parts.all()
        )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CoveredModel)
class CoveredModelAdmin(admin.ModelAdmin):
    list_display = ("campaign", "position", "model_label", "model_year", "uio")
    list_filter = ("campaign", "model_year")
    search_fields = ("model_label", "campaign__code")
    list_select_related = ("campaign",)
    inlines = (VinRangeInline, RemedyOperationInline)


@admin.register(VinRange)
class VinRangeAdmin(admin.ModelAdmin):
    list_display = ("covered_model", "wmi", "vds", "serial_from", "serial_to")
    list_filter = ("covered_model__campaign", "covered_model__model_year", "vds")
    search_fields = ("vds", "serial_from", "serial_to", "covered_model__model_label")
    list_select_related = ("covered_model", "covered_model__campaign")


class PostedListReadOnly:
    """The posted list is written by the affected-VIN import only (status included): read here."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AffectedVehicleInline(PostedListReadOnly, admin.TabularInline):
    model = AffectedVehicle
    extra = 0
    fields = ("campaign", "status", "added_at", "status_changed_at")
    readonly_fields = fields


@admin.register(Vehicle)
class VehicleAdmin(OwnerFieldsExcluded, admin.ModelAdmin):
    """Vehicles by VIN, without their owners (only the logged product pages show those)."""

    list_display = ("vin", "model_year", "model_label", "created_at")
    list_filter = ("model_year", "model_label")
    # "=vin" uses the primary key; a VIN is always searched whole.
    search_fields = ("=vin",)
    fields = ("vin", "model_label", "model_year", "created_at")
    # The VIN is the key the posted lists, servicing and the audit trail hang on.
    readonly_fields = ("vin", "created_at")
    inlines = (AffectedVehicleInline,)
    # Counting 138,869 rows on every page is wasted work; the paginator shows "more".
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Vehicles arrive with an affected-VIN list (the import page), owners with them.
        return False


@admin.register(AffectedVehicle)
class AffectedVehicleAdmin(PostedListReadOnly, VehicleVinColumn, admin.ModelAdmin):
    """The posted affected list, read-only: it changes by importing a list (see the campaign)."""

    list_display = ("vin", "campaign", "status", "added_at", "status_changed_at")
    list_filter = ("campaign", "status")
    search_fields = ("=vehicle__vin",)
    list_select_related = ("campaign",)
    fields = ("vehicle", "campaign", "status", "added_at", "status_changed_at")
    readonly_fields = fields
    show_full_result_count = False


@admin.register(CampaignDocument)
class CampaignDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "campaign", "uploaded_by", "uploaded_at")
    list_filter = ("campaign", "kind")
    search_fields = ("title", "campaign__code")
    list_select_related = ("campaign", "uploaded_by")
    readonly_fields = ("uploaded_by", "uploaded_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(VinImport)
class VinImportAdmin(admin.ModelAdmin):
    """Read-only: imports are uploaded and run from the staff import page."""

    list_display = (
        "created_at",
        "campaign",
        "original_name",
        "status",
        "rows_read",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_rejected",
        "page",
    )
    list_filter = ("campaign", "status")
    search_fields = ("original_name", "campaign__code", "uploaded_by__username")
    list_select_related = ("campaign", "uploaded_by")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + ["page"]

    @admin.display(description="Import page")
    def page(self, obj: VinImport) -> str:
        url = reverse("vin-import-detail", kwargs={"code": obj.campaign.code, "pk": obj.pk})
        return format_html(
            '<a href="{}">Progress and rejects</a> · {}', url, _imports_link(obj.campaign, "upload")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[VinImport]:
        return super().get_queryset(request).select_related("campaign", "uploaded_by")
