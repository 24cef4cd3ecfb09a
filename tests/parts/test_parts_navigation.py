"""The parts section: one menu entry, tabs by permission, and where each role lands."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "lands", "tabs"),
    [
        (
            "parts_manager_a",
            "/parts/stock/",
            ["Stock", "Wait-list", "Kits on their way", "Transfers", "Dashboard"],
        ),
        ("service_manager_a", "/parts/stock/", ["Stock", "Wait-list", "Kits on their way"]),
        (
            "regional_west",
            "/parts/dashboard/",
            ["Stock", "Wait-list", "Kits on their way", "Transfers", "Allocations", "Dashboard"],
        ),
        (
            "campaign_admin",
            "/parts/dashboard/",
            ["Stock", "Wait-list", "Kits on their way", "Transfers", "Allocations", "Dashboard"],
        ),
    ],
)
def test_each_role_lands_where_it_acts_and_sees_its_tabs(request, client, persona, lands, tabs):
    from parts.navigation import parts_tabs_for

    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get("/parts/")
    assert response.status_code == 302 and response.url == lands
    links = parts_tabs_for(user=user, path=lands)
    assert [t["label"] for t in links] == tabs
    assert [t["label"] for t in links if t["active"]] == ["Dashboard" if "dashboard" in lands else "Stock"]


def test_the_parts_managers_home_starts_with_the_kits_and_what_to_receive(
    client, ale, dealer_a, parts_manager_a
):
    from campaign.models import Kit
    from parts.models import InboundShipment

    kit = Kit.objects.get(campaign=ale, part_number="04906-31021")
    InboundShipment.objects.create(
        dealer=dealer_a, kit=kit, quantity=12, received_quantity=4, reference="SHP-7"
    )
    client.force_login(parts_manager_a)
    html = client.get("/").content.decode()
    assert 'data-testid="parts-home-stock"' in html
    assert "04906-31021" in html and "8 ×" in html and "SHP-7" in html
    assert "/parts/stock/receive/" in html


def test_the_service_managers_home_has_no_stock_panel(client, service_manager_a):
    client.force_login(service_manager_a)
    assert 'data-testid="parts-home-stock"' not in client.get("/").content.decode()
