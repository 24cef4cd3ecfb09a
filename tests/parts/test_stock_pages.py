"""The stock pages as the parts manager uses them: stock by part, a kit's ledger, receiving
and adjusting; readers read, regional staff pick a dealer; query counts pinned at two sizes."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Kit
from parts.models import InboundShipment, StockBalance, StockMovement
from parts.stock import stock_adjust
from tests.parts.factories_stock import KIT, booked, shipment, stocked, tracked

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(ale):
    return tracked(ale)


def _ledger_url(kit, dealer=None) -> str:
    url = reverse("parts-stock-kit", args=[kit.pk])
    return f"{url}?dealer={dealer.code}" if dealer else url


def test_stock_by_part_shows_each_kits_figures(
    ale, kit, dealer_a, parts_manager_a, service_manager_a, client_for
):
    stocked(dealer_a, kit, 1)
    shipment(dealer_a, kit, 6)
    booked(ale, dealer_a, user=service_manager_a)  # takes the one kit
    booked(ale, dealer_a, user=service_manager_a, days=1)  # waits, and is at risk (tomorrow)
    booked(ale, dealer_a, user=service_manager_a, days=10)  # waits, not yet at risk
    page = client_for(parts_manager_a).get(reverse("parts-stock"))
    assert page.status_code == 200
    html = page.content.decode()
    assert KIT in html and "Receive" in html and "Adjust" in html
    line = page.context["table"].rows[0].record
    assert line.part_number == KIT
    assert (line.on_hand, line.reserved, line.available, line.inbound, line.waiting, line.at_risk) == (
        1,
        1,
        0,
        6,
        2,
        1,
    )
    assert {r.record.part_number for r in page.context["table"].rows} == set(
        Kit.objects.values_list("part_number", flat=True)
    )


def test_the_principal_reads_without_the_buttons(kit, dealer_a, principal_a, client_for):
    html = client_for(principal_a).get(reverse("parts-stock")).content.decode()
    assert KIT in html and reverse("parts-stock-receive") not in html


def test_regional_staff_pick_a_dealer_of_their_region_only(
    kit, dealer_a, dealer_b, regional_west, client_for
):
    from tests.factories import DealerFactory

    other_west = DealerFactory(code="10002", name="Lexus of Santa Monica", region=dealer_a.region)
    client = client_for(regional_west)
    page = client.get(reverse("parts-stock"), {"dealer": other_west.code})
    assert page.status_code == 200 and page.context["dealer"] == other_west
    assert {d.code for d in page.context["dealers"]} == {dealer_a.code, other_west.code}
    assert client.get(reverse("parts-stock"), {"dealer": dealer_b.code}).status_code == 404


@pytest.mark.parametrize("extra_kits", [0, 30])
def test_stock_by_part_costs_the_same_queries_at_two_sizes(
    ale, kit, dealer_a, parts_manager_a, client_for, django_assert_num_queries, extra_kits
):
    for n in range(extra_kits):
        Kit.objects.create(campaign=ale, part_number=f"X-{n:03d}", description="Extra", dealer_net_price=1)
    stocked(dealer_a, kit, 2)
    client = client_for(parts_manager_a)
    client.get(reverse("parts-stock"))
    with django_assert_num_queries(9):
        # session, user, permissions (user, groups), memberships (scope), the dealer, the
        # count, the dealer picker's probe, the page of kits with their figures (subqueries).
        response = client.get(reverse("parts-stock"))
    assert response.status_code == 200


@pytest.mark.parametrize("movements", [3, 60])
def test_the_ledger_costs_the_same_queries_at_two_sizes(
    kit, dealer_a, parts_manager_a, client_for, django_assert_num_queries, movements
):
    for _ in range(movements):
        stocked(dealer_a, kit, 1, user=parts_manager_a)
    client = client_for(parts_manager_a)
    client.get(_ledger_url(kit))
    with django_assert_num_queries(9):
        # session, user, permissions (user, groups), memberships (scope), the dealer, the
        # kit's line, the count, the page of movements with who made them.
        response = client.get(_ledger_url(kit))
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == min(movements, 50)


def test_the_ledger_filters_by_kind_sorts_and_exports(kit, dealer_a, parts_manager_a, client_for):
    stocked(dealer_a, kit, 5, user=parts_manager_a)
    stock_adjust(
        dealer_id=dealer_a.pk, part_number=KIT, quantity=-2, reason_code="damaged", user=parts_manager_a
    )
    client = client_for(parts_manager_a)
    only_adjustments = client.get(_ledger_url(kit), {"kind": "adjustment"})
    kinds = [r.record.kind for r in only_adjustments.context["table"].rows]
    assert kinds == ["adjustment"]
    by_change = client.get(_ledger_url(kit), {"sort": "on_hand_delta"})
    assert [r.record.on_hand_delta for r in by_change.context["table"].rows] == [-2, 5]
    export = client.get(_ledger_url(kit), {"_export": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:2] == ["When", "Movement"] and {r[1] for r in rows[1:]} == {"receipt", "adjustment"}
    xlsx = client.get(_ledger_url(kit), {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_receiving_part_of_a_shipment(kit, dealer_a, parts_manager_a, client_for):
    shp = shipment(dealer_a, kit, 10, reference="SHP-1")
    client = client_for(parts_manager_a)
    form = client.get(reverse("parts-stock-receive"))
    assert form.status_code == 200 and "SHP-1: 10 of 10" in form.content.decode()
    response = client.post(
        reverse("parts-stock-receive"), {"shipment": shp.pk, "quantity": 4, "reference": "PS-1"}
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"{reverse('parts-stock')}?dealer={dealer_a.code}"
    )
    shp.refresh_from_db()
    assert shp.received_quantity == 4
    # A double click: the same slip again is counted once, and said so.
    again = client.post(
        reverse("parts-stock-receive"), {"shipment": shp.pk, "quantity": 4, "reference": "PS-1"}, follow=True
    )
    assert "nothing counted twice" in again.content.decode()
    shp.refresh_from_db()
    assert shp.received_quantity == 4 and StockBalance.objects.get(dealer=dealer_a, kit=kit).on_hand == 4


def test_an_over_receipt_is_shown_on_the_form(kit, dealer_a, parts_manager_a, client_for):
    shp = shipment(dealer_a, kit, 3)
    response = client_for(parts_manager_a).post(
        reverse("parts-stock-receive"), {"shipment": shp.pk, "quantity": 5, "reference": "PS-1"}
    )
    assert response.status_code == 400 and "Only 3 of the shipment" in response.content.decode()
    assert InboundShipment.objects.get(pk=shp.pk).received_quantity == 0


def test_an_unplanned_receipt_needs_its_kit(kit, dealer_a, parts_manager_a, client_for):
    client = client_for(parts_manager_a)
    missing = client.post(
        reverse("parts-stock-receive"), {"shipment": "", "quantity": 2, "reference": "PS-1"}
    )
    assert missing.status_code == 400 and "Choose the kit" in missing.content.decode()
    done = client.post(
        reverse("parts-stock-receive"),
        {"shipment": "", "part_number": KIT, "quantity": 2, "reference": "PS-1"},
    )
    assert done.status_code == 302
    assert StockBalance.objects.get(dealer=dealer_a, kit=kit).on_hand == 2


def test_adjusting_with_a_reason_and_the_refusal_below_available(
    ale, kit, dealer_a, parts_manager_a, service_manager_a, client_for
):
    stocked(dealer_a, kit, 1)
    booked(ale, dealer_a, user=service_manager_a)
    client = client_for(parts_manager_a)
    refused = client.post(
        reverse("parts-stock-adjust"), {"part_number": KIT, "quantity": -1, "reason_code": "damaged"}
    )
    assert refused.status_code == 400 and "Only 0" in refused.content.decode()
    found = client.post(
        reverse("parts-stock-adjust"),
        {"part_number": KIT, "quantity": 3, "reason_code": "cycle_count", "reason": "Bin 4"},
        follow=True,
    )
    assert "Adjusted 04906-31021 by +3" in found.content.decode()
    movement = StockMovement.objects.get(kind="adjustment")
    assert movement.by == parts_manager_a and movement.reason == "Cycle count: Bin 4"


def test_the_nav_shows_parts_to_who_may_read_stock(kit, parts_manager_a, preowned_manager_a, client_for):
    # The menu's one Parts entry (parts-home sends a dealer's staff on to their stock).
    assert 'href="/parts/"' in client_for(parts_manager_a).get(reverse("home")).content.decode()
    assert 'href="/parts/"' not in client_for(preowned_manager_a).get(reverse("home")).content.decode()


def test_pages_carry_no_inline_script_or_style(kit, dealer_a, parts_manager_a, client_for):
    client = client_for(parts_manager_a)
    with CaptureQueriesContext(connection):
        for url in (
            reverse("parts-stock"),
            _ledger_url(kit),
            reverse("parts-stock-receive"),
            reverse("parts-stock-adjust"),
        ):
            html = client.get(url).content.decode()
            assert "style=" not in html and "<script>" not in html


def test_at_risk_on_the_stock_list_is_the_service_pages_rule(ale, kit, dealer_a, service_manager_a):
    """One rule everywhere: from the dealer's local today to today + 3 (parts.waitlist_selectors)."""
    from parts.stock_selectors import stock_lines
    from parts.waitlist_selectors import appointments_at_risk
    from tests.parts.waitlist_factories import book

    for days in (2, 3, 4, 5):
        assert book(ale, dealer_a, days=days, user=service_manager_a).parts_status == "waiting"
    line = stock_lines(dealer=dealer_a).get(pk=kit.pk)
    assert line.waiting == 4
    assert line.at_risk == appointments_at_risk(dealers=[dealer_a]).count() == 2
