"""Django admin for the dealer network, its people, servicing assignments, inventory and notices.

Memberships are edited through the services so a role always brings its permission
group with it (``save_related`` / ``save_model`` / ``delete_model`` below). The audit trail
and inventory events are history (``campaign.admin_history``); pre-owned units are added and
delivered on the inventory pages, whose services flag stop-sale and record events.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy

from campaign.admin import VehicleVinColumn
from campaign.admin_history import HistoryAdmin, HistoryInline
from dealers.dealer_settings import US_TIME_ZONES
from dealers.models import (
    Dealer,
    DealerNotice,
    InventoryEvent,
    InventoryUnit,
    Membership,
    OwnerDataAccess,
    Region,
    ServicingDealer,
)
from dealers.services import membership_revoke, user_groups_sync

User = get_user_model()


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    """The manufacturer sets each dealer's warranty claim rates here (the dealer only sees them,
    on its settings page); the time zone is the dealer's, set here too when a dealer asks."""

    list_display = (
        "code",
        "name",
        "city",
        "state",
        "region",
        "phone",
        "active",
        "warranty_labor_rate",
        "parts_allowance_percent",
    )
    list_filter = ("region", "active", "state")
    search_fields = ("code", "name", "city", "postal_code")
    list_select_related = ("region",)
    ordering = ("code",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "name",
                    "address1",
                    "city",
                    "state",
                    "postal_code",
                    "phone",
                    "region",
                    "latitude",
                    "longitude",
                    "active",
                    "time_zone",
                )
            },
        ),
        (
            "Warranty claim rates (set by the manufacturer)",
            {"fields": ("warranty_labor_rate", "parts_allowance_percent")},
        ),
    )

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "time_zone":
            return forms.ChoiceField(choices=US_TIME_ZONES, label="Time zone", initial=db_field.default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("role", "dealer", "region", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("dealer", "region")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "dealer", "region", "created_at")
    list_filter = ("role", "region", "dealer__region")
    search_fields = ("user__username", "user__email", "dealer__code", "dealer__name")
    list_select_related = ("user", "dealer", "region")
    autocomplete_fields = ("user", "dealer", "region")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_groups_sync(user=obj.user)

    def delete_model(self, request, obj):
        membership_revoke(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            membership_revoke(membership=membership)


admin.site.unregister(User)
# API tokens are secrets: issued with `manage.py drf_create_token USERNAME`, never shown here.
admin.site.unregister(TokenProxy)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]
    list_filter = (*UserAdmin.list_filter, "memberships__role")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inline memberships are saved: role groups follow them.
        user_groups_sync(user=form.instance)


@admin.register(ServicingDealer)
class ServicingDealerAdmin(VehicleVinColumn, admin.ModelAdmin):
    list_display = ("vin", "dealer", "assigned_at")
    list_filter = ("dealer__region",)
    search_fields = ("vehicle__vin", "dealer__code", "dealer__name")
    raw_id_fields = ("vehicle", "dealer")
    list_select_related = ("dealer",)
    # 138,869 rows: counting them exactly on every page is the slow part.
    show_full_result_count = False


@admin.register(OwnerDataAccess)
class OwnerDataAccessAdmin(VehicleVinColumn, HistoryAdmin):
    """The audit trail of owner-data views: read-only, for everyone."""

    list_display = ("viewed_at", "user", "vin", "context")
    list_filter = ("context",)
    search_fields = ("user__username", "vehicle__vin")
    date_hierarchy = "viewed_at"
    list_select_related = ("user",)


class InventoryEventInline(HistoryInline):
    # Events are the record of what happened: written by the inventory services only.
    model = InventoryEvent
    fields = ("at", "kind", "by", "note")
    readonly_fields = fields


@admin.register(InventoryUnit)
class InventoryUnitAdmin(admin.ModelAdmin):
    """Units are added, delivered and flagged on the inventory pages (``dealers.inventory``):
    there the stop-sale check runs and every change is an event. Here only the stock number
    and the date received can be corrected."""

    list_display = (
        "stock_number",
        "vin",
        "dealer",
        "status",
        "stop_sale",
        "stop_sale_campaigns",
        "received_on",
    )
    list_filter = ("stop_sale", "status", "dealer__region")
    search_fields = ("vin", "stock_number", "dealer__code", "dealer__name")
    list_select_related = ("dealer",)
    # The status moves by the services only (a delivery under stop sale is refused and recorded);
    # the stop-sale flag is derived from the open campaigns (inventory_recheck), never typed in;
    # a new VIN or dealer would need that check again.
    readonly_fields = (
        "dealer",
        "vin",
        "status",
        "stop_sale",
        "stop_sale_since",
        "stop_sale_campaigns",
        "created_by",
        "created_at",
    )
    inlines = [InventoryEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Not offered: add units on the inventory page, whose service flags stop sale.
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            "subtitle": f"Units are added on the inventory page ({reverse('inventory-add')}), "
            "which puts affected VINs on stop sale.",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A unit carries its events (PROTECT); removal is a status the inventory page records.
        return False


@admin.register(InventoryEvent)
class InventoryEventAdmin(HistoryAdmin):
    list_display = ("at", "kind", "unit", "by")
    list_filter = ("kind",)
    search_fields = ("unit__vin", "unit__stock_number")
    list_select_related = ("unit", "by")


@admin.register(DealerNotice)
class DealerNoticeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "dealer", "kind", "message", "dismissed_at", "dismissed_by")
    list_filter = ("kind", ("dismissed_at", admin.EmptyFieldListFilter), "dealer__region")
    search_fields = ("message", "dealer__code", "dealer__name")
    list_select_related = ("dealer", "dismissed_by")
    raw_id_fields = ("dealer",)
    readonly_fields = ("dismissed_at", "dismissed_by")
