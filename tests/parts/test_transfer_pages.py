"""Transfer pages: request → approve → ship → receive through the buttons, refusals shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parts.models import StockBalance, Transfer
from tests.parts.factories_alloc import kit, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def v6(ale):
    return kit(ale)


def test_the_whole_way_through_the_pages(
    ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b, client_for
):
    stock(dealer_b, v6, 4)
    a, b = client_for(parts_manager_a), client_for(parts_manager_b)
    response = a.post(
        "/parts/transfers/new/",
        {
            "to_dealer": dealer_a.pk,
            "from_dealer": "20002",
            "kit": v6.pk,
            "quantity": 3,
            "reason": "Owners waiting.",
        },
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/parts/transfers/{transfer.pk}/"
    page = a.get(response["Location"]).content.decode()
    assert "Cancel the request" in page and ">Approve<" not in page and 'value="Approve"' not in page
    sender_page = b.get(f"/parts/transfers/{transfer.pk}/").content.decode()
    assert 'value="Approve"' in sender_page and 'value="Decline"' in sender_page
    assert b.post(f"/parts/transfers/{transfer.pk}/approve/", {"reason": ""}).status_code == 302
    assert b.post(f"/parts/transfers/{transfer.pk}/ship/", {"reason": "UPS 1Z"}).status_code == 302
    # In transit: on A's inbound page and on B's list as "In transit".
    inbound = a.get("/parts/inbound/").content.decode()
    assert 'data-testid="inbound-transfers"' in inbound and "Lexus of Manhattan" in inbound
    assert "In transit" in b.get("/parts/transfers/?status=shipped").content.decode()
    assert a.post(f"/parts/transfers/{transfer.pk}/receive/").status_code == 302
    assert StockBalance.objects.get(dealer=dealer_a, kit=v6).on_hand == 3
    history = a.get(f"/parts/transfers/{transfer.pk}/").content.decode()
    for label in ("Requested", "Approved", "In transit", "Received"):
        assert label in history


def test_refusals_are_shown_and_change_nothing(
    ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b, client_for
):
    stock(dealer_b, v6, 1)
    a, b = client_for(parts_manager_a), client_for(parts_manager_b)
    a.post(
        "/parts/transfers/new/",
        {
            "to_dealer": dealer_a.pk,
            "from_dealer": "20002",
            "kit": v6.pk,
            "quantity": 3,
            "reason": "Owners waiting.",
        },
    )
    transfer = Transfer.objects.get()
    declined = b.post(f"/parts/transfers/{transfer.pk}/decline/", {"reason": ""})
    assert declined.status_code == 400 and "This field is required" in declined.content.decode()
    b.post(f"/parts/transfers/{transfer.pk}/approve/")
    short = b.post(f"/parts/transfers/{transfer.pk}/ship/", {"reason": ""})
    assert short.status_code == 400 and "Only 1 kit of 04906-31021 available" in short.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "approved"
    assert StockBalance.objects.get(dealer=dealer_b, kit=v6).on_hand == 1
    # The requester may not ship (the sender does): 403, not the form.
    assert a.post(f"/parts/transfers/{transfer.pk}/ship/").status_code == 403
    unknown = a.post(
        "/parts/transfers/new/",
        {"to_dealer": dealer_a.pk, "from_dealer": "99999", "kit": v6.pk, "quantity": 1, "reason": "x"},
    )
    assert unknown.status_code == 400 and "No dealer 99999" in unknown.content.decode()


def test_the_list_costs_the_same_whatever_the_rows(ale, v6, dealer_a, dealer_b, parts_manager_a, client_for):
    from parts.transfers import transfer_request

    client = client_for(parts_manager_a)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/parts/transfers/").status_code == 200
        return len(ctx.captured_queries)

    transfer_request(
        to_dealer_id=dealer_a.pk,
        from_dealer_code="20002",
        kit_id=v6.pk,
        quantity=1,
        reason="x",
        user=parts_manager_a,
    )
    one = cost()
    for _ in range(10):
        transfer_request(
            to_dealer_id=dealer_a.pk,
            from_dealer_code="20002",
            kit_id=v6.pk,
            quantity=1,
            reason="x",
            user=parts_manager_a,
        )
    # Session, user, permissions ×2, memberships, "may request" check, count, page (8).
    assert one == cost() == 8
