"""Where each entry stood at a day's end (``reports.remedy_standing``, one SQL statement),
checked against a plain Python reading of every row on random histories (hypothesis): changes
recorded late for an earlier moment (so the last by id is not the last by ``at``), two changes
at the same moment, undos, removals, every unreachable reason and one outside the choices,
entries listed after the day, VINs no dealer services, and a second campaign's entries."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.models import AffectedVehicle, Campaign
from dealers.models import ServicingDealer
from repairs.models import OutcomeChange
from reports.remedy_report import RemedyFigures, end_of, remedy_figures_by_region
from tests.reports.fleet import at, change, entry

pytestmark = pytest.mark.django_db
D = dt.date
# Around the cut-offs below; 00:00 of a day is exactly the end of the day before (not counted).
MOMENTS = [at(D(2010, 9, 28) + dt.timedelta(days=d), hour) for d in range(5) for hour in (0, 12, 23)]
UNTILS = [D(2010, 9, 27) + dt.timedelta(days=d) for d in range(6)]
REASONS = [*OutcomeChange.UnreachableReason.values, "lost_at_sea"]  # the last: no longer a choice
CHANGE = st.one_of(
    st.tuples(st.sampled_from(["remedied", "not_needed", "open", "removed"]), st.just("")),
    st.tuples(st.just("unreachable"), st.sampled_from(REASONS)),
)
ENTRY = st.fixed_dictionaries(
    {
        "campaign": st.sampled_from(["ALE", "ALE", "OTH"]),
        "dealer": st.sampled_from(["a", "b", None]),
        "added": st.sampled_from(range(len(MOMENTS))),
        # Recorded in list order (ids ascending), each dated at any moment: backdated or not.
        "changes": st.lists(st.tuples(CHANGE, st.sampled_from(range(len(MOMENTS)))), max_size=5),
    }
)


@pytest.fixture
def other_campaign(db):
    return Campaign.objects.create(
        code="OTH",
        title="Another recall",
        manufacturer="Lexus",
        make="Lexus",
        component="c",
        defect_description="d",
        consequence="c",
        remedy_description="r",
        dir_filed_on="2010-01-01",
    )


def figures_from_every_row(campaign: Campaign, until: dt.date) -> dict[int | None, dict]:
    """The same figures the plain way: every entry, every change and every servicing row read
    into Python, each entry's last change before the end found by (at, id)."""
    end = end_of(until)
    region_of = {s.vehicle_id: s.dealer.region_id for s in ServicingDealer.objects.select_related("dealer")}
    changes = list(OutcomeChange.objects.values("entry_id", "at", "pk", "to_status", "unreachable_reason"))
    figures: dict[int | None, RemedyFigures] = {}
    for e in AffectedVehicle.objects.filter(campaign=campaign).values("pk", "vehicle_id", "added_at"):
        if e["added_at"] >= end:
            continue
        before = [c for c in changes if c["entry_id"] == e["pk"] and c["at"] < end]
        last = max(before, key=lambda c: (c["at"], c["pk"]), default=None)
        status, reason = (last["to_status"], last["unreachable_reason"]) if last else ("open", "")
        f = figures.setdefault(region_of.get(e["vehicle_id"]), RemedyFigures())
        if status == "removed":
            f.removed += 1
            continue
        f.involved += 1
        if status == "remedied":
            f.remedied += 1
        elif status == "not_needed":
            f.not_needed += 1
        elif status == "unreachable":
            f.unreachable += 1
            f.unreachable_by_reason[reason if reason in f.unreachable_by_reason else "other"] += 1
    return {region: f.as_dict() for region, f in figures.items()}


@settings(
    max_examples=int(os.environ.get("REMEDY_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=st.lists(ENTRY, min_size=1, max_size=10))
def test_the_figures_match_a_plain_reading_of_every_row(ale, other_campaign, dealer_a, dealer_b, entries):
    campaigns = {"ALE": ale, "OTH": other_campaign}
    dealers = {"a": dealer_a, "b": dealer_b, None: None}
    with transaction.atomic():  # each example starts from the fixtures' state
        for spec in entries:
            e = entry(campaigns[spec["campaign"]], dealer=dealers[spec["dealer"]], added=D(2010, 7, 1))
            AffectedVehicle.objects.filter(pk=e.pk).update(added_at=MOMENTS[spec["added"]])
            for (to, reason), moment in spec["changes"]:
                change(e, to, MOMENTS[moment], reason=reason)
        for campaign in campaigns.values():
            for until in UNTILS:
                got = {
                    region: f.as_dict()
                    for region, f in remedy_figures_by_region(campaign=campaign, until=until).items()
                }
                assert got == figures_from_every_row(campaign, until), (campaign.code, until)
        transaction.set_rollback(True)


def test_the_last_change_is_the_last_by_moment_then_by_id(ale, dealer_a, django_assert_num_queries):
    """A remedy recorded on Oct 5 for Sep 20 does not undo a Sep 25 unreachable; of two changes
    dated the same moment the one recorded second counts."""
    late, tied = (entry(ale, dealer=dealer_a, added=D(2010, 7, 1)) for _ in range(2))
    change(late, "unreachable", at(D(2010, 9, 25)), reason="stolen")
    change(late, "remedied", at(D(2010, 9, 20)))  # recorded after, dated before
    change(tied, "remedied", at(D(2010, 9, 22)))
    change(tied, "removed", at(D(2010, 9, 22)))
    with django_assert_num_queries(1):
        figures = remedy_figures_by_region(campaign=ale, until=D(2010, 9, 30))[dealer_a.region_id]
    assert (figures.involved, figures.unreachable, figures.remedied, figures.removed) == (1, 1, 0, 1)
    assert figures.unreachable_by_reason["stolen"] == 1
