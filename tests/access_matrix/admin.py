"""Django admin: every registered model's list, add, change, delete and history pages, and the site's own.

Only staff enter the admin: anonymous visitors and every dealer and regional persona (not
``is_staff``) are sent to the admin's sign-in page. The campaign administrator is staff (as
in the demo) and holds every model permission of the campaign and dealers apps, none of
``auth`` or ``axes``; the superuser holds all. Neither may add, change or delete history
rows, the posted list, or add pre-owned units (those go through the services), and neither
sees owner data anywhere here (tests/test_admin_privacy.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin as django_admin
from django.urls import reverse

from tests.access_matrix import Case, World, assert_redirect, expect

STAFF = ("campaign_admin", "superuser")
ALL = "view add delete"

# What each staff persona may do with each registered model: (campaign_admin, superuser).
# "view" opens the list, the change page (read-only without change rights) and the history.
MODELS: dict[str, tuple[str, str]] = {
    "auth.group": ("", ALL),
    "auth.user": ("", ALL),
    # django-axes: its lock-out records are the superuser's to read and clear.
    "axes.accessattempt": ("", "view delete"),
    "axes.accesslog": ("", "view delete"),
    "axes.accessfailurelog": ("", "view delete"),
    "campaign.campaign": (ALL, ALL),
    "campaign.campaignphasechange": ("view", "view"),  # history
    "campaign.coveredmodel": (ALL, ALL),
    "campaign.vinrange": (ALL, ALL),
    # Vehicles arrive with the list import; one nobody's audit row protects may be deleted.
    "campaign.vehicle": ("view delete", "view delete"),
    "campaign.affectedvehicle": ("view", "view"),  # the posted list: the import writes it
    "campaign.campaigndocument": (ALL, ALL),
    "campaign.vinimport": ("view", "view"),  # run from the import page
    "dealers.region": (ALL, ALL),
    "dealers.dealer": (ALL, ALL),
    "dealers.membership": (ALL, ALL),
    "dealers.servicingdealer": (ALL, ALL),
    "dealers.ownerdataaccess": ("view", "view"),  # history
    "dealers.inventoryunit": ("view", "view"),  # added and delivered on the inventory pages
    "dealers.inventoryevent": ("view", "view"),  # history
    "dealers.dealernotice": (ALL, ALL),
}


def staff_only(campaign_admin: int, superuser: int, *, others: int = 302) -> dict[str, int]:
    """Anonymous and non-staff personas go to the admin sign-in (``others``)."""
    return expect(default=others, campaign_admin=campaign_admin, superuser=superuser)


def _may(right: str, rights: str) -> int:
    return 200 if right in rights.split() else 403


# --- One object of each registered model, built fresh for each persona -------------------------


def _phase_change(w: World):
    from campaign.models import CampaignPhaseChange

    return CampaignPhaseChange.objects.create(campaign=w.ale, from_phase="", to_phase="preliminary")


def _vin_import(w: World):
    from campaign.models import VinImport

    return VinImport.objects.create(campaign=w.ale, original_name="matrix.csv", source="matrix.csv")


def _owner_data_access(w: World):
    from dealers.owner_data import owner_data_access_record

    return owner_data_access_record(
        user=w.users["service_manager_a"], vehicle=w.affected_vehicle(), context="matrix"
    )


def _inventory_event(w: World):
    from dealers.models import InventoryEvent

    return InventoryEvent.objects.create(unit=w.inventory_unit(), kind="added")


def _axes(model_name: str) -> Callable[[World], Any]:
    def build(w: World):
        from django.apps import apps

        model = apps.get_model("axes", model_name)
        from tests.access_matrix import _serials

        fields = {
            "user_agent": "matrix",
            "ip_address": "127.0.0.1",
            "username": f"locked{next(_serials)}",
            "http_accept": "*/*",
        }
        if model_name == "AccessAttempt":
            fields.update(get_data="", post_data="", failures_since_start=1)
        return model.objects.create(path_info="/accounts/login/", **fields)

    return build


def _first(model_path: str, **lookup) -> Callable[[World], Any]:
    def build(w: World):
        from django.apps import apps

        return apps.get_model(model_path).objects.filter(**lookup).order_by("pk").first()

    return build


BUILDERS: dict[str, Callable[[World], Any]] = {
    "auth.group": _first("auth.Group", name="Service manager"),
    "auth.user": lambda w: w.users["service_manager_a"],
    "axes.accessattempt": _axes("AccessAttempt"),
    "axes.accesslog": _axes("AccessLog"),
    "axes.accessfailurelog": _axes("AccessFailureLog"),
    "campaign.campaign": lambda w: w.ale,
    "campaign.campaignphasechange": _phase_change,
    "campaign.coveredmodel": _first("campaign.CoveredModel"),
    "campaign.vinrange": _first("campaign.VinRange"),
    "campaign.vehicle": lambda w: w.affected_vehicle(),
    "campaign.affectedvehicle": lambda w: w.affected_vehicle().campaign_entries.get(),
    "campaign.campaigndocument": lambda w: w.document(),
    "campaign.vinimport": _vin_import,
    "dealers.region": lambda w: w.region_west,
    "dealers.dealer": lambda w: w.dealer_a,
    "dealers.membership": _first("dealers.Membership", user__username="svc_a"),
    "dealers.servicingdealer": lambda w: w.affected_vehicle().servicing,
    "dealers.ownerdataaccess": _owner_data_access,
    "dealers.inventoryunit": lambda w: w.inventory_unit(),
    "dealers.inventoryevent": _inventory_event,
    "dealers.dealernotice": lambda w: w.notice(),
}


def _object_kwargs(label: str) -> Callable[[World], dict]:
    return lambda w: {"object_id": BUILDERS[label](w).pk}


def _model_cases(label: str, rights: tuple[str, str]) -> list[Case]:
    app_label, model_name = label.split(".")
    prefix = f"admin:{app_label}_{model_name}"
    admin_rights, superuser_rights = rights

    def by_right(right: str) -> dict[str, int]:
        return staff_only(_may(right, admin_rights), _may(right, superuser_rights))

    return [
        Case(f"{prefix}_changelist", expect=by_right("view")),
        Case(f"{prefix}_add", expect=by_right("add")),
        Case(f"{prefix}_change", kwargs=_object_kwargs(label), expect=by_right("view")),
        Case(f"{prefix}_history", kwargs=_object_kwargs(label), expect=by_right("view")),
        Case(f"{prefix}_delete", kwargs=_object_kwargs(label), expect=by_right("delete")),
    ]


def registered_labels() -> set[str]:
    return {model._meta.label_lower for model in django_admin.site._registry}


# --- Writes in the admin ------------------------------------------------------------------------


def _notice_deleted(world, persona, response, kwargs) -> None:
    from dealers.models import DealerNotice

    assert_redirect(response, reverse("admin:dealers_dealernotice_changelist"), message="deleted")
    assert not DealerNotice.objects.filter(pk=kwargs["object_id"]).exists()


def _viewed_vehicle(w: World) -> dict:
    """A vehicle someone viewed the owner of: its audit row PROTECTs it."""
    return {"object_id": _owner_data_access(w).vehicle_id}


WRITES = [
    # History rows, the posted list and pre-owned units: no delete, by anyone.
    *(
        Case(
            f"admin:{label.replace('.', '_')}_delete",
            method="post",
            kwargs=_object_kwargs(label),
            data={"post": "yes"},
            expect=staff_only(403, 403),
            id="confirmed",
        )
        for label in (
            "campaign.campaignphasechange",
            "campaign.affectedvehicle",
            "dealers.ownerdataaccess",
            "dealers.inventoryunit",
            "dealers.inventoryevent",
        )
    ),
    # Deleting a viewed vehicle: the admin shows what protects it (200) and deletes nothing.
    Case(
        "admin:campaign_vehicle_delete",
        method="post",
        kwargs=_viewed_vehicle,
        data={"post": "yes"},
        expect=staff_only(200, 200),
        id="protected",
    ),
    # A status on the posted list is not edited here (the import and later the repairs set it).
    Case(
        "admin:campaign_affectedvehicle_change",
        method="post",
        kwargs=_object_kwargs("campaign.affectedvehicle"),
        data={"status": "remedied"},
        expect=staff_only(403, 403),
    ),
    Case(
        "admin:dealers_inventoryunit_add",
        method="post",
        data=lambda w: {"dealer": w.dealer_a.pk, "vin": "JTHBE96S170007930", "stock_number": "A1"},
        expect=staff_only(403, 403),
    ),
    Case(
        "admin:dealers_ownerdataaccess_change",
        method="post",
        kwargs=_object_kwargs("dealers.ownerdataaccess"),
        data={"context": "rewritten"},
        expect=staff_only(403, 403),
    ),
    # What staff may delete, they delete: a success, unlike the non-staff's redirect to sign in.
    Case(
        "admin:dealers_dealernotice_delete",
        method="post",
        kwargs=_object_kwargs("dealers.dealernotice"),
        data={"post": "yes"},
        expect=staff_only(302, 302),
        writes=STAFF,
        effect=_notice_deleted,
        id="confirmed",
    ),
]


def _dealer_content_type(w: World) -> dict:
    from django.contrib.contenttypes.models import ContentType

    return {"content_type_id": ContentType.objects.get_for_model(w.dealer_a).pk, "object_id": w.dealer_a.pk}


SITE = [
    Case("admin:index", expect=staff_only(200, 200)),
    # The sign-in page: the public and non-staff see it (non-staff with "not authorised"); staff go in.
    Case("admin:login", expect=expect(default=200, campaign_admin=302, superuser=302)),
    # Sign-out is POST only (then to the site's sign-in page); non-staff are sent to the admin index.
    Case("admin:logout", expect=staff_only(405, 405)),
    Case("admin:logout", method="post", expect=staff_only(302, 302)),
    Case("admin:password_change", expect=staff_only(200, 200)),
    Case("admin:password_change_done", expect=staff_only(200, 200)),
    Case(
        "admin:autocomplete",
        data={"app_label": "dealers", "model_name": "membership", "field_name": "dealer", "term": "Lex"},
        expect=staff_only(200, 200),
    ),
    Case("admin:jsi18n", expect=staff_only(200, 200)),
    # A dealer has no page of its own on the site: nothing to view on site.
    Case("admin:view_on_site", kwargs=_dealer_content_type, expect=staff_only(404, 404)),
    Case("admin:app_list", kwargs={"app_label": "campaign"}, expect=staff_only(200, 200), id="campaign"),
    Case("admin:app_list", kwargs={"app_label": "dealers"}, expect=staff_only(200, 200), id="dealers"),
    Case("admin:app_list", kwargs={"app_label": "auth"}, expect=staff_only(404, 200), id="auth"),
    Case("admin:app_list", kwargs={"app_label": "axes"}, expect=staff_only(404, 200), id="axes"),
    Case(
        "admin:auth_user_password_change",
        kwargs=lambda w: {"id": w.users["service_manager_a"].pk},
        expect=staff_only(403, 200),
    ),
]

CASES = [
    *(case for label, rights in sorted(MODELS.items()) for case in _model_cases(label, rights)),
    *WRITES,
    *SITE,
]
