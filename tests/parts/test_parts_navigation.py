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
