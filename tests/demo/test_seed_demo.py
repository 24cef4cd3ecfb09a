"""The demo fleet (demo.fleet) and ``manage.py seed_demo``."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaign import vin as vinlib
from campaign.eligibility import matching_range
from campaign.models import AffectedVehicle, Vehicle
from campaign.selectors import campaign_screen
from campaign.vin_import_rows import COLUMNS
from demo.fleet import STATE_POPULATION, demo_fleet_plan, demo_fleet_rows

ALE_UIO = 138_869


def rows(ale, vehicles: int, seed: int = 1) -> list[dict[str, str]]:
    return [
        dict(zip(COLUMNS, r, strict=True))
        for r in demo_fleet_rows(campaign=ale, vehicles=vehicles, seed=seed)
    ]


@pytest.fixture
def network_calls(monkeypatch):
    """seed_demo's dealer step is demo.network's (tested in test_demo_network); here we only see it called."""
    import demo.network

    calls: list[dict] = []
    monkeypatch.setattr(demo.network, "network_seed", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.django_db
class TestDemoFleet:
    def test_same_seed_same_list_other_seed_other_list(self, ale):
        first = rows(ale, 2000, seed=7)
        assert first == rows(ale, 2000, seed=7)
        other = rows(ale, 2000, seed=8)
        assert {r["vin"] for r in first} != {r["vin"] for r in other}

    def test_vins_are_valid_distinct_and_inside_the_campaign_ranges(self, ale):
        screen = campaign_screen(ale)
        fleet = rows(ale, 5000)
        assert len({r["vin"] for r in fleet}) == 5000
        for r in fleet:
            assert vinlib.validate(r["vin"]) == r["vin"]
            assert matching_range(vinlib.decode(r["vin"]), screen) is not None, r["vin"]

    def test_the_full_fleet_follows_the_uio_of_every_covered_model(self, ale):
        plan = demo_fleet_plan(campaign=ale, vehicles=ALE_UIO)
        per_model = Counter()
        for fleet_range in plan:
            per_model[fleet_range.position] += fleet_range.count
        assert per_model == {m.position: m.uio for m in ale.covered_models.all()}
        assert sum(per_model.values()) == ALE_UIO

    def test_a_smaller_fleet_keeps_the_proportions(self, ale):
        n = 10_000
        fleet = rows(ale, n)
        screen = campaign_screen(ale)
        counts = Counter()
        for r in fleet:
            match = matching_range(vinlib.decode(r["vin"]), screen)
            counts[(match.model_label, match.model_year)] += 1
        total_uio = sum(m.uio for m in ale.covered_models.all())
        # GS 460 2008 appears twice in the table (BC96S and BL96S), so compare per label and year.
        expected = Counter()
        for m in ale.covered_models.all():
            expected[(m.model_label, m.model_year)] += m.uio * n / total_uio
        for key, share in expected.items():
            assert abs(counts[key] - share) <= 2, (key, counts[key], share)

    def test_some_vins_of_every_range_are_left_off_the_list(self, ale):
        for fleet_range in demo_fleet_plan(campaign=ale, vehicles=ALE_UIO):
            assert 0 < fleet_range.count < fleet_range.size

    def test_a_fleet_larger_than_the_ranges_allow_is_refused(self, ale):
        from campaign.errors import DomainError

        with pytest.raises(DomainError, match="fit in UIO proportions"):
            demo_fleet_plan(campaign=ale, vehicles=1_000_000)

    def test_owners_look_like_us_registration_data(self, ale):
        import zipcodes

        fleet = rows(ale, 4000)
        assert all(r["owner_name"] and r["address1"] and r["city"] for r in fleet)
        assert {r["state"] for r in fleet} <= set(STATE_POPULATION)
        assert all(re.fullmatch(r"\d{5}", r["postal_code"]) for r in fleet)
        # Registration data is incomplete: some owners have no e-mail, fewer no phone.
        with_email = sum(bool(r["email"]) for r in fleet) / len(fleet)
        with_phone = sum(bool(r["phone"]) for r in fleet) / len(fleet)
        assert 0.5 < with_email < 0.75 and 0.8 < with_phone < 0.95
        # Big states dominate, as owners do.
        states = Counter(r["state"] for r in fleet)
        assert states["CA"] > states["WY"] * 10
        # City, state and ZIP are a real triple.
        for r in fleet[:40]:
            (place,) = zipcodes.matching(r["postal_code"])
            assert (place["state"], place["city"]) == (r["state"], r["city"])
        assert (
            sum(
                "Apt" in r["address2"]
                or "Unit" in r["address2"]
                or "Ste" in r["address2"]
                or "#" in r["address2"]
                for r in fleet
            )
            > 0
        )


@pytest.mark.django_db
class TestSeedDemoCommand:
    def test_imports_the_fleet_through_the_import_service_then_seeds_the_network(self, ale, network_calls):
        out = StringIO()
        call_command("seed_demo", "--vehicles", "300", "--seed", "5", stdout=out)
        assert AffectedVehicle.objects.filter(campaign=ale).count() == 300
        assert Vehicle.objects.exclude(owner_name="").count() == 300
        assert "read 300 / created 300 / updated 0 / unchanged 0 / rejected 0" in out.getvalue()
        assert network_calls == [{"stdout": network_calls[0]["stdout"], "seed": 5}]
        ale.refresh_from_db()
        assert ale.affected_list_posted_at is not None

    def test_running_it_again_with_the_same_seed_changes_nothing(self, ale, network_calls):
        call_command("seed_demo", "--vehicles", "200", "--seed", "5", stdout=StringIO())
        out = StringIO()
        call_command("seed_demo", "--vehicles", "200", "--seed", "5", stdout=out)
        assert "created 0 / updated 0 / unchanged 200" in out.getvalue()
        assert AffectedVehicle.objects.count() == 200

    def test_if_empty_leaves_an_existing_fleet_alone(self, ale, network_calls):
        call_command("seed_demo", "--vehicles", "100", stdout=StringIO())
        network_calls.clear()
        out = StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)
        assert "ALE already has 100 affected vehicles" in out.getvalue()
        assert AffectedVehicle.objects.count() == 100
        assert network_calls == []

    def test_bad_sizes_are_refused(self, ale, network_calls):
        with pytest.raises(CommandError, match="at least 1"):
            call_command("seed_demo", "--vehicles", "0", stdout=StringIO())
        with pytest.raises(CommandError, match="fit in UIO proportions"):
            call_command("seed_demo", "--vehicles", "500000", stdout=StringIO())
        assert not AffectedVehicle.objects.exists()


@pytest.mark.django_db
def test_seed_demo_puts_ale_in_owner_notification_with_a_past_phase_history(ale, network_calls):
    from django.utils import timezone

    out = StringIO()
    call_command("seed_demo", "--vehicles", "50", stdout=out)
    ale.refresh_from_db()
    assert ale.phase == "owner_notification"
    history = list(
        ale.phase_changes.order_by("changed_at").values_list("from_phase", "to_phase", "changed_at")
    )
    assert [(f, t) for f, t, _ in history] == [
        ("", "preliminary"),
        ("preliminary", "parts_available"),
        ("parts_available", "owner_notification"),
    ]
    today = timezone.now()
    assert [(today - at).days for *_, at in history] == [70, 63, 56]
    assert "ALE moved to owner notification" in out.getvalue()
    # A second run leaves the phase and its history alone.
    call_command("seed_demo", "--vehicles", "50", stdout=StringIO())
    assert ale.phase_changes.count() == 3


@pytest.mark.django_db
def test_seed_demo_files_reimbursement_requests_inside_the_moved_window(ale, network_calls):
    from django.utils import timezone

    from repairs.models import ReimbursementRequest

    out = StringIO()
    call_command("seed_demo", "--vehicles", "120", stdout=out)
    ale.refresh_from_db()
    assert "reimbursement window moved onto the demo's calendar" in out.getvalue()
    assert ale.reimbursement_from <= timezone.localdate() <= ale.reimbursement_until
    statuses = set(ReimbursementRequest.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "more_info", "approved", "denied"}
    assert "Reimbursement requests: 24 filed" in out.getvalue()
    call_command("seed_demo", "--vehicles", "120", stdout=StringIO())
    assert ReimbursementRequest.objects.count() == 24
