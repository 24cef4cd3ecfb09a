"""The Django admin shows no vehicle owner's name, address, phone or e-mail: not in lists,
search, filters, forms or inlines (owner data is seen only on the logged product pages)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core import checks
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from campaign.admin_privacy import (
    admin_shows_no_owner_data,
    lookup_reaches_owner_data,
    owner_data_reached,
    registered_admins,
)
from campaign.models import OWNER_FIELDS, AffectedVehicle, Vehicle
from dealers.models import InventoryUnit, OwnerDataAccess, ServicingDealer
from dealers.owner_data import owner_data_access_record
from tests.factories import AffectedVehicleFactory, UserFactory, VehicleFactory, ale_vin

# What the seeded owner looks like: values that appear nowhere else on an admin page.
OWNER = {
    "owner_name": "Zebulon Quartermaine",
    "address1": "742 Evergreen Terrace",
    "address2": "Apartment Nineteen",
    "city": "Xanadu Springs",
    "postal_code": "97531",
    "phone": "626-555-0199",
    "email": "zebulon.q@owner.example",
}


def test_the_owner_fields_are_the_vehicles_owner_columns():
    names = {f.name for f in Vehicle._meta.get_fields()}
    assert set(OWNER_FIELDS) <= names
    assert {"owner_name", "address1", "phone", "email", "postal_code"} <= set(OWNER_FIELDS)


@pytest.mark.parametrize(
    ("model", "lookup", "reaches"),
    [
        (Vehicle, "owner_name", True),
        (Vehicle, "^postal_code", True),
        (Vehicle, "-city", True),
        (Vehicle, "=vin", False),
        (AffectedVehicle, "vehicle__email", True),
        (AffectedVehicle, "=vehicle__vin", False),
        (ServicingDealer, "vehicle__owner_name__icontains", True),
        # The dealer's own city and phone are the dealer's, not an owner's.
        (ServicingDealer, "dealer__city", False),
        (OwnerDataAccess, "vehicle__phone", True),
        (OwnerDataAccess, "user__email", False),
    ],
)
def test_lookups_are_followed_through_relations(model, lookup, reaches):
    assert lookup_reaches_owner_data(model, lookup) is reaches


def test_the_check_names_every_way_an_admin_can_reach_owner_data():
    """The check can fail: an admin like the one before issue #6 is refused, entry by entry."""

    class LeakyVehicleAdmin(admin.ModelAdmin):
        list_display = ("vin", "owner_name", "city")
        list_filter = ("state", ("model_year", admin.AllValuesFieldListFilter))
        search_fields = ("=vin", "owner_name", "^postal_code", "email")
        readonly_fields = ("phone",)
        fieldsets = ((None, {"fields": ("vin", ("address1", "address2"))}),)

    class LeakyEntryAdmin(admin.ModelAdmin):
        search_fields = ("=vehicle__vin", "vehicle__owner_name")
        ordering = ("-vehicle__email",)

    site = admin.AdminSite(name="leaky")
    assert owner_data_reached(LeakyVehicleAdmin(Vehicle, site)) == [
        "list_display: owner_name",
        "list_display: city",
        "list_filter: state",
        "search_fields: owner_name",
        "search_fields: ^postal_code",
        "search_fields: email",
        "readonly_fields: phone",
        "fieldsets: address1",
        "fieldsets: address2",
    ]
    assert owner_data_reached(LeakyEntryAdmin(AffectedVehicle, site)) == [
        "search_fields: vehicle__owner_name",
        "ordering: -vehicle__email",
    ]


def test_no_registered_admin_or_inline_reaches_owner_data():
    """Walks every ModelAdmin of ``admin.site`` and each of its inlines (the system check)."""
    labels = [label for label, _ in registered_admins()]
    assert any("campaign.Vehicle" in label for label in labels)
    assert any("inline AffectedVehicleInline" in label for label in labels)
    leaks = {label: owner_data_reached(a) for label, a in registered_admins() if owner_data_reached(a)}
    assert leaks == {}
    assert [e for e in admin_shows_no_owner_data() if isinstance(e, checks.Error)] == []
    # …and the check is registered: ``manage.py check`` runs it.
    assert admin_shows_no_owner_data in checks.registry.registry.get_checks()


@pytest.mark.django_db
def test_no_admin_form_or_inline_form_carries_an_owner_field():
    """Forms as the admin builds them for a superuser (``fields`` left to default included)."""
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    vehicle = VehicleFactory(vin=ale_vin(4242))
    checked = 0
    for label, model_admin in registered_admins():
        obj = vehicle if model_admin.model is Vehicle else None
        if isinstance(model_admin, admin.options.InlineModelAdmin):
            form = model_admin.get_formset(request, obj).form
        else:
            form = model_admin.get_form(request, obj)
        reached = [
            name
            for name in [*form.base_fields, *model_admin.get_readonly_fields(request, obj)]
            if lookup_reaches_owner_data(model_admin.model, name)
        ]
        assert reached == [], f"{label} form carries owner fields {reached}"
        checked += 1
    assert checked >= 15


@pytest.fixture
def owned_everywhere(ale, dealer_a):
    """One affected vehicle with a distinctive owner, serviced, viewed (audit row), and in stock."""
    vehicle = VehicleFactory(vin=ale_vin(24680), owner_updated_at=timezone.now(), **OWNER)
    entry = AffectedVehicleFactory(campaign=ale, vehicle=vehicle)
    servicing = ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)
    access = owner_data_access_record(
        user=UserFactory(username="viewer"), vehicle=vehicle, context="vehicle record"
    )
    unit = InventoryUnit.objects.create(
        dealer=dealer_a, vin=vehicle.vin, stock_number="P24680", received_on=timezone.localdate()
    )
    return {"vehicle": vehicle, "entry": entry, "servicing": servicing, "access": access, "unit": unit}


def _pages(objects) -> list[str]:
    """Changelist, search by VIN, search by each owner value, and the change page of each object."""
    urls = []
    for obj in objects.values():
        meta = obj._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        urls.append(changelist)
        urls.append(f"{changelist}?q={objects['vehicle'].vin}")
        urls += [f"{changelist}?q={value}" for value in OWNER.values()]
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    # The raw-id pop-up lists vehicles for any form that picks one.
    urls.append(reverse("admin:campaign_vehicle_changelist") + "?_to_field=vin&_popup=1")
    return urls


@pytest.mark.django_db
def test_a_superuser_finds_no_owner_data_on_any_admin_page(client, owned_everywhere):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    vin = owned_everywhere["vehicle"].vin
    for url in _pages(owned_everywhere):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        query = url.partition("?q=")[2]
        for field, value in OWNER.items():
            # A search echoes its own term (search box, result summary): only that one may appear.
            if value != query:
                assert value not in html, f"{url} shows the owner's {field}"
        if query in OWNER.values():
            # Owners cannot be found by their name or contact details either.
            assert vin not in html.replace(f"{vin}/", ""), f"{url} found the vehicle by owner data"


@pytest.mark.django_db
def test_the_vehicle_admin_does_not_even_read_owner_columns(client, superuser, owned_everywhere):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(superuser)
    vehicle = owned_everywhere["vehicle"]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:campaign_vehicle_changelist"))
        client.get(reverse("admin:campaign_vehicle_change", args=[vehicle.pk]))
    vehicle_reads = [q["sql"] for q in queries if 'FROM "campaign_vehicle"' in q["sql"]]
    assert vehicle_reads and not [sql for sql in vehicle_reads if "owner_name" in sql or "email" in sql]


@pytest.mark.django_db
def test_a_vehicle_saved_in_the_admin_keeps_its_owner(client, superuser, owned_everywhere):
    client.force_login(superuser)
    vehicle = owned_everywhere["vehicle"]
    response = client.post(
        reverse("admin:campaign_vehicle_change", args=[vehicle.pk]),
        {
            "model_label": "GS 350 AWD",
            "model_year": "2007",
            "campaign_entries-TOTAL_FORMS": "1",
            "campaign_entries-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.model_label == "GS 350 AWD"
    assert {field: getattr(vehicle, field) for field in OWNER} == OWNER
