"""The demo dealer network: ~230 dealers in 4 regions, every vehicle at its nearest dealer, demo users."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from campaign.models import Vehicle
from dealers.dealer_settings import US_TIME_ZONES
from dealers.models import Dealer, Membership, Region, ServicingDealer
from demo.fleet import demo_fleet_write_csv
from demo.network import DEALER_COUNT, haversine_km, network_seed, zip_places
from demo.users import DEMO_PASSWORD, DEMO_USERS, OTHER_REGION_USERS
from repairs.models import ShopHours

pytestmark = pytest.mark.django_db
FLEET = 1500


@pytest.fixture
def fleet(ale, tmp_path):
    """A small demo fleet through the real import, plus two owners whose ZIP the seed must cope with."""
    path = tmp_path / "fleet.csv"
    demo_fleet_write_csv(campaign=ale, vehicles=FLEET, path=path)
    call_command("import_affected_vins", "ALE", str(path), stdout=io.StringIO())
    now = timezone.now()
    Vehicle.objects.create(vin="JTHBE96S770099991", model_year=2007, postal_code="", created_at=now)
    Vehicle.objects.create(vin="JTHBE96S770099992", model_year=2007, postal_code="00001", created_at=now)
    return Vehicle.objects.count()


@pytest.fixture
def seeded(fleet):
    out = io.StringIO()
    network_seed(stdout=out, seed=1)
    return out.getvalue()


def test_dealers_in_four_regions_in_real_cities(seeded):
    assert Dealer.objects.count() == DEALER_COUNT
    regions = dict(Region.objects.annotate(n=Count("dealers")).values_list("name", "n"))
    assert set(regions) == {"Western Area", "Central Area", "Eastern Area", "Southern Area"}
    assert all(n >= 30 for n in regions.values()), regions
    places = zip_places()
    for dealer in Dealer.objects.all():
        assert len(dealer.code) == 5 and dealer.code.isdigit()
        assert dealer.name.startswith("Lexus of ")
        place = places[dealer.postal_code]  # a real ZIP code…
        assert (place.city, place.state) == (dealer.city, dealer.state)  # …in the dealer's city
        assert dealer.phone.startswith(f"({place.area_code}) 555-01")
    names = set(Dealer.objects.values_list("name", flat=True))
    assert {"Lexus of Los Angeles", "Lexus of Houston", "Lexus of Chicago"} <= names


def test_every_vehicle_has_a_servicing_dealer(seeded, fleet):
    assert ServicingDealer.objects.count() == fleet
    assert not Vehicle.objects.filter(servicing__isnull=True).exists()


def test_each_vehicle_goes_to_the_dealer_nearest_its_owner(seeded):
    dealers = list(Dealer.objects.all())
    places = zip_places()
    sample = ServicingDealer.objects.select_related("vehicle", "dealer").order_by("vehicle_id")[
        :: FLEET // 60
    ]
    checked = 0
    for assignment in sample:
        place = places.get(assignment.vehicle.postal_code[:5])
        if place is None:
            continue
        distances = sorted(
            (haversine_km(place.lat, place.lon, d.latitude, d.longitude), d.code) for d in dealers
        )
        assert assignment.dealer.code == distances[0][1], assignment.vehicle_id
        checked += 1
    assert checked >= 50


def test_owners_without_a_known_zip_are_still_assigned(seeded):
    assert (
        ServicingDealer.objects.filter(vehicle_id__in=["JTHBE96S770099991", "JTHBE96S770099992"]).count() == 2
    )


def test_demo_users_one_per_role_at_one_dealer(seeded):
    memberships = {m.user.username: m for m in Membership.objects.select_related("user", "dealer", "region")}
    assert set(memberships) == {u[0] for u in (*DEMO_USERS, *OTHER_REGION_USERS)}
    dealer = memberships["service"].dealer
    for username in ("principal", "parts", "preowned"):
        assert memberships[username].dealer == dealer
    assert memberships["regional"].region == dealer.region
    assert memberships["admin"].role == Membership.Role.CAMPAIGN_ADMIN
    assert memberships["admin"].user.is_staff and not memberships["service"].user.is_staff
    assert memberships["warranty"].role == Membership.Role.WARRANTY_ADMIN
    assert not memberships["warranty"].user.is_staff
    # service2 manages the service desk of a dealer in another region.
    other = memberships["service2"]
    assert other.role == Membership.Role.SERVICE_MANAGER
    assert other.dealer.region != dealer.region and other.dealer.region.code == "EAST"
    assert ServicingDealer.objects.filter(dealer=other.dealer).exists()
    # The service desk is a busy one: it services vehicles.
    assert ServicingDealer.objects.filter(dealer=dealer).exists()
    for username, *_ in (*DEMO_USERS, *OTHER_REGION_USERS):
        assert memberships[username].user.check_password(DEMO_PASSWORD)
    client = Client()
    client.force_login(memberships["service"].user)
    assert dealer.name in client.get("/").content.decode()


def test_the_credentials_are_printed_as_a_table(seeded):
    assert f"password for all: {DEMO_PASSWORD}" in seeded
    lines = seeded.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("username"))
    assert lines[header].split() == ["username", "role", "scope"]
    users = (*DEMO_USERS, *OTHER_REGION_USERS)
    rows = lines[header + 2 : header + 2 + len(users)]
    assert [r.split()[0] for r in rows] == [u[0] for u in users]
    assert "Campaign administrator  national" in seeded
    assert "Warranty administrator  national" in seeded


def test_a_second_run_adds_nothing(seeded, fleet):
    before = (
        Dealer.objects.count(),
        Region.objects.count(),
        ServicingDealer.objects.count(),
        Membership.objects.count(),
        ShopHours.objects.count(),
        list(Dealer.objects.order_by("code").values_list("time_zone", "warranty_labor_rate")),
        list(ServicingDealer.objects.order_by("vehicle_id").values_list("vehicle_id", "dealer__code")[:200]),
    )
    out = io.StringIO()
    network_seed(stdout=out, seed=1)
    after = (
        Dealer.objects.count(),
        Region.objects.count(),
        ServicingDealer.objects.count(),
        Membership.objects.count(),
        ShopHours.objects.count(),
        list(Dealer.objects.order_by("code").values_list("time_zone", "warranty_labor_rate")),
        list(ServicingDealer.objects.order_by("vehicle_id").values_list("vehicle_id", "dealer__code")[:200]),
    )
    assert after == before
    assert "0 created" in out.getvalue() and "0 vehicles assigned" in out.getvalue()
    assert "Shop hours: 0 dealers" in out.getvalue()


def test_new_vehicles_are_assigned_on_the_next_run(seeded):
    houston = Dealer.objects.get(name="Lexus of Houston")
    Vehicle.objects.create(
        vin="JTHBE96S770099993", model_year=2007, postal_code=houston.postal_code, created_at=timezone.now()
    )
    network_seed(stdout=io.StringIO(), seed=1)
    assert ServicingDealer.objects.get(vehicle_id="JTHBE96S770099993").dealer == houston


def test_every_dealer_has_a_us_time_zone_from_its_state_and_manufacturer_rates(seeded):
    zones = dict(Dealer.objects.values_list("state", "time_zone").distinct())
    assert set(zones.values()) <= dict(US_TIME_ZONES).keys()
    assert (zones["CA"], zones["NY"], zones["TX"], zones["AZ"], zones["CO"]) == (
        "America/Los_Angeles",
        "America/New_York",
        "America/Chicago",
        "America/Phoenix",
        "America/Denver",
    )
    rates = list(Dealer.objects.values_list("warranty_labor_rate", "parts_allowance_percent"))
    assert all(110 <= rate <= 165 and 30 <= allowance <= 40 for rate, allowance in rates)
    assert len({rate for rate, _ in rates}) > 20  # dealers differ


def test_every_dealer_has_a_recall_week_sized_by_its_service_load(seeded):
    weekdays = ShopHours.objects.filter(weekday__lt=5)
    assert weekdays.count() == 5 * DEALER_COUNT
    assert {(h.opens_at.isoformat(), h.closes_at.isoformat()) for h in weekdays} == {("07:30:00", "16:00:00")}
    hours = {h.dealer_id: h.technician_hours for h in weekdays.filter(weekday=0)}
    assert min(hours.values()) >= 16 and max(hours.values()) == 40
    busiest = ServicingDealer.objects.values("dealer_id").annotate(n=Count("pk")).order_by("-n").first()
    assert hours[busiest["dealer_id"]] == 40
    saturdays = ShopHours.objects.filter(weekday=5)
    assert 0 < saturdays.count() < DEALER_COUNT
    assert {(h.opens_at.isoformat(), h.closes_at.isoformat(), h.technician_hours) for h in saturdays} == {
        ("08:00:00", "12:00:00", 8)
    }
