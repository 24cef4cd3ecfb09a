"""Allocation pages: new → preview → edit → confirm, the region's view, the dealer's inbound list."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parts.allocation import allocation_confirm, allocation_create
from parts.models import Allocation, InboundShipment
from tests.factories import DealerFactory
from tests.parts.factories_alloc import kit, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def v6(ale):
    return kit(ale)


def _formset_data(allocation, quantities: dict[str, int]) -> dict:
    lines = list(allocation.lines.select_related("dealer").order_by("dealer__code"))
    data = {"form-TOTAL_FORMS": len(lines), "form-INITIAL_FORMS": len(lines)}
    for i, line in enumerate(lines):
        data[f"form-{i}-id"] = line.pk
        data[f"form-{i}-quantity"] = quantities.get(line.dealer.code, line.quantity)
    return data


def test_allocate_preview_edit_confirm(ale, v6, dealer_a, dealer_b, campaign_admin, client_for):
    waiting(ale, dealer_a, 3)
    waiting(ale, dealer_b, 1)
    client = client_for(campaign_admin)
    assert "National (every region)" in client.get("/parts/allocations/new/").content.decode()
    response = client.post(
        "/parts/allocations/new/", {"kit": v6.pk, "quantity": 4, "policy": "waiting_demand", "region": ""}
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/parts/allocations/{allocation.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert (
        "Lexus of Pasadena" in page
        and "Proposed 4 · lines give 4 of 4" in page
        and 'data-testid="allocation-confirm"' in page
    )

    too_many = client.post(
        f"/parts/allocations/{allocation.pk}/lines/", _formset_data(allocation, {"10001": 4, "20002": 1})
    )
    assert too_many.status_code == 400 and "add up to 5 kits" in too_many.content.decode()
    saved = client.post(f"/parts/allocations/{allocation.pk}/lines/", _formset_data(allocation, {"10001": 2}))
    assert saved.status_code == 302

    confirmed = client.post(f"/parts/allocations/{allocation.pk}/confirm/")
    assert confirmed.status_code == 302
    assert dict(InboundShipment.objects.values_list("dealer__code", "quantity")) == {"10001": 2, "20002": 1}
    # A second click (or a resubmitted form): refused with a message, nothing shipped twice.
    again = client.post(
        f"/parts/allocations/{allocation.pk}/confirm/",
        HTTP_REFERER=f"http://testserver/parts/allocations/{allocation.pk}/",
    )
    assert again.status_code == 303
    assert any("already confirmed" in str(m) for m in get_messages(again.wsgi_request))
    assert InboundShipment.objects.count() == 2
    detail = client.get(f"/parts/allocations/{allocation.pk}/").content.decode()
    assert (
        "Confirmed" in detail
        and 'data-testid="allocation-shipments"' in detail
        and "form-TOTAL_FORMS" not in detail
    )
    export = client.get(f"/parts/allocations/{allocation.pk}/?_export=csv").content.decode()
    assert export.splitlines()[0].startswith("Dealer code,Dealer,Demand")


def test_regional_staff_work_within_their_region(
    ale, v6, dealer_a, dealer_b, regional_west, campaign_admin, client_for, region_east
):
    waiting(ale, dealer_b, 1)
    east = allocation_create(
        kit_id=v6.pk, quantity=1, policy="waiting_demand", region_id=region_east.pk, user=campaign_admin
    )
    client = client_for(regional_west)
    form = client.get("/parts/allocations/new/").content.decode()
    assert "National (every region)" not in form and "Eastern Area" not in form
    assert client.get(f"/parts/allocations/{east.pk}/").status_code == 404
    listing = client.get("/parts/allocations/").content.decode()
    assert f"/parts/allocations/{east.pk}/" not in listing
    # Posting another region's id is refused as an invalid choice: nothing is created.
    response = client.post(
        "/parts/allocations/new/", {"kit": v6.pk, "quantity": 1, "policy": "mix", "region": region_east.pk}
    )
    assert response.status_code == 400 and Allocation.objects.count() == 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_cost_the_same_whatever_the_rows(
    ale, v6, dealer_a, region_west, campaign_admin, parts_manager_a, client_for
):
    client = client_for(campaign_admin)
    waiting(ale, dealer_a, 1)
    first = allocation_create(kit_id=v6.pk, quantity=2, policy="waiting_demand", user=campaign_admin)
    list_one, detail_one = (
        _queries(client, "/parts/allocations/"),
        _queries(client, f"/parts/allocations/{first.pk}/"),
    )
    # Session, user, the user's and its groups' permissions, memberships; then the list: count, page (7).
    assert list_one == 7
    # The same five; the allocation, its history, the page of lines (count, lines with dealers),
    # the totals over all lines, its shipments (11).
    assert detail_one == 11
    for n in range(6):
        waiting(ale, DealerFactory(code=f"1100{n}", region=region_west), 1)
    for n in range(4):
        waiting(ale, DealerFactory(code=f"1200{n}", region=region_west), 3)  # demand left to allocate
        allocation_confirm(
            allocation_id=allocation_create(kit_id=v6.pk, quantity=7, policy="mix", user=campaign_admin).pk,
            user=campaign_admin,
        )
    big = Allocation.objects.order_by("-pk").first()
    assert _queries(client, "/parts/allocations/") == list_one
    # The confirmed one renders as a table, the draft as a formset: pin each, whatever the lines.
    waiting(ale, DealerFactory(code="13000", region=region_west), 2)
    draft = allocation_create(kit_id=v6.pk, quantity=7, policy="mix", user=campaign_admin)
    assert _queries(client, f"/parts/allocations/{draft.pk}/") == detail_one
    confirmed_cost = _queries(client, f"/parts/allocations/{big.pk}/")
    assert confirmed_cost <= detail_one + 2
    inbound = client_for(parts_manager_a)
    cost = _queries(inbound, "/parts/inbound/")
    allocation_confirm(allocation_id=draft.pk, user=campaign_admin)
    assert _queries(inbound, "/parts/inbound/") == cost


def test_the_dealer_sees_what_is_coming(
    ale, v6, dealer_a, dealer_b, campaign_admin, parts_manager_a, parts_manager_b, client_for
):
    waiting(ale, dealer_a, 2)
    allocation = allocation_create(kit_id=v6.pk, quantity=2, policy="waiting_demand", user=campaign_admin)
    allocation_confirm(allocation_id=allocation.pk, user=campaign_admin)
    page = client_for(parts_manager_a).get("/parts/inbound/").content.decode()
    assert f"Allocation {allocation.pk}" in page and "04906-31021" in page
    assert "Lexus of Pasadena" not in page.split('data-testid="inbound-shipments"')[1].split("</table>")[0]
    assert (
        f"Allocation {allocation.pk}"
        not in client_for(parts_manager_b).get("/parts/inbound/").content.decode()
    )
