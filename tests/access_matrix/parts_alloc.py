"""Allocations, inbound shipments and transfers: the pages and the API × every persona.

Who:
- allocations: regional staff (their region's) and the campaign administrator (all) read,
  create, edit and confirm; nobody else (403). Another region's allocation is a 404.
- inbound shipments: every role with ``parts.view_inboundshipment`` reads its dealers' list.
- transfers: roles with ``parts.view_transfer`` read those touching their dealers (either
  side) or region; the receiving dealer's parts manager requests and cancels; the sending
  dealer's parts manager (or regional staff of the sender's region, or a national planner)
  approves or declines; the sender ships, the receiver receives. A role that takes the step,
  but not at this transfer's dealers, is refused (403) once it may see the transfer.
The superuser is national with every permission: it may do all of it.
"""

from __future__ import annotations

import json

from django.urls import reverse

from parts.models import Allocation, Transfer
from tests.access_matrix import Case, World, assert_redirect, only

ALLOCATORS = ("regional_west", "campaign_admin", "superuser")
INBOUND_READERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "principal_b",
    "service_manager_b",
    "parts_manager_b",
    "regional_west",
    "campaign_admin",
    "superuser",
)
TRANSFER_READERS = (
    "principal_a",
    "parts_manager_a",
    "principal_b",
    "parts_manager_b",
    "regional_west",
    "campaign_admin",
    "superuser",
)
API = {"anonymous": 401}
_last: list = []


def _kit(w: World):
    from campaign.models import Kit

    return Kit.objects.get(campaign=w.ale, part_number="04906-31021")


def _waiting(w: World, dealer) -> None:
    from parts.reservations import waitlist_join

    vin = w.affected_vehicle(dealer=dealer).vin
    waitlist_join(dealer_id=dealer.pk, vin=vin, campaign_id=w.ale.pk, user=None)


def _draft(w: World, *, region=None) -> Allocation:
    from parts.allocation import allocation_create

    region = region or w.region_west
    _waiting(w, w.dealer_a if region == w.region_west else w.dealer_b)
    allocation = allocation_create(
        kit_id=_kit(w).pk,
        quantity=3,
        policy="waiting_demand",
        region_id=region.pk,
        user=w.users["campaign_admin"],
    )
    _last[:] = [allocation]
    return allocation


def _lines_data(w: World) -> dict:
    lines = list(_last[0].lines.order_by("dealer__code"))
    data = {"form-TOTAL_FORMS": len(lines), "form-INITIAL_FORMS": len(lines)}
    for i, line in enumerate(lines):
        data[f"form-{i}-id"] = line.pk
        data[f"form-{i}-quantity"] = 2
    return data


def _stock(w: World, dealer, n: int) -> None:
    from django.db import transaction

    from parts.ledger import Kind, balance_locked, stock_move

    with transaction.atomic():
        balance = balance_locked(dealer_id=dealer.pk, kit_id=_kit(w).pk)
        stock_move(balance=balance, kind=Kind.RECEIPT, on_hand=n, reason="Matrix stock.")


def _transfer(w: World, *, status: str = "requested", sender=None, receiver=None) -> Transfer:
    """Kits from dealer B (the sender) to dealer A, taken to ``status`` by the services."""
    from parts import transfers as services

    sender, receiver = sender or w.dealer_b, receiver or w.dealer_a
    superuser = w.users["superuser"]
    transfer = services.transfer_request(
        to_dealer_id=receiver.pk,
        from_dealer_code=sender.code,
        kit_id=_kit(w).pk,
        quantity=1,
        reason="Matrix request.",
        user=superuser,
    )
    if status in ("approved", "shipped"):
        services.transfer_approve(transfer_id=transfer.pk, user=superuser)
        _stock(w, sender, 1)
    if status == "shipped":
        services.transfer_ship(transfer_id=transfer.pk, user=superuser)
    return transfer


def _east_transfer(w: World) -> Transfer:
    """Between dealer B and a third dealer of the East: nothing of A's or of the West."""
    from dealers.models import Dealer
    from tests.factories import DealerFactory

    other = Dealer.objects.filter(code="20003").first() or DealerFactory(code="20003", region=w.region_east)
    return _transfer(w, sender=other, receiver=w.dealer_b)


def _a_transfer(status: str = "requested"):
    return lambda w: {"pk": _transfer(w, status=status).pk}


def _to_detail(expected_status: str):
    def check(w, persona, response, kwargs):
        assert_redirect(response, reverse("transfer-detail", args=[kwargs["pk"]]))
        assert Transfer.objects.get(pk=kwargs["pk"]).status == expected_status

    return check


def _api_status(expected_status: str):
    def check(w, persona, response, kwargs):
        assert json.loads(response.content)["status"] == expected_status
        assert Transfer.objects.get(pk=kwargs["pk"]).status == expected_status

    return check


def _allocation_redirect(w, persona, response, kwargs):
    allocation = Allocation.objects.order_by("-pk").first()
    assert_redirect(response, reverse("allocation-detail", args=[allocation.pk]))


def _confirmed(w, persona, response, kwargs):
    assert_redirect(response, reverse("allocation-detail", args=[kwargs["pk"]]))
    assert Allocation.objects.get(pk=kwargs["pk"]).status == "confirmed"


def _discarded(w, persona, response, kwargs):
    assert_redirect(response, reverse("allocation-detail", args=[kwargs["pk"]]))
    assert Allocation.objects.get(pk=kwargs["pk"]).status == "discarded"


def _new_transfer(w, persona, response, kwargs):
    transfer = Transfer.objects.order_by("-pk").first()
    assert_redirect(response, reverse("transfer-detail", args=[transfer.pk]))
    assert transfer.to_dealer == w.dealer_a


def _api_created(w, persona, response, kwargs):
    assert response.status_code == 201 and json.loads(response.content)["status"] == "requested"


# Who takes each step of dealer B → dealer A (the default ``_transfer``), and the refusals.
APPROVERS = ("parts_manager_b", "campaign_admin", "superuser")
SHIPPERS = ("parts_manager_b", "superuser")
RECEIVERS = ("parts_manager_a", "superuser")
# Steps: the role holds the permission and sees the transfer, but it is not theirs to take.
APPROVE_EXPECT = only(APPROVERS, ok=302, parts_manager_a=403, regional_west=403)
SHIP_EXPECT = only(SHIPPERS, ok=302)
RECEIVE_EXPECT = only(RECEIVERS, ok=302)
CANCEL_EXPECT = only(RECEIVERS, ok=302)

CASES = [
    # --- Allocation pages ---------------------------------------------------------
    Case("allocation-list", expect=only(ALLOCATORS)),
    Case("allocation-list", id="export", data={"_export": "csv"}, expect=only(ALLOCATORS)),
    Case("allocation-new", expect=only(ALLOCATORS)),
    Case(
        "allocation-new",
        method="post",
        data=lambda w: {
            "kit": _kit(w).pk,
            "quantity": 4,
            "policy": "waiting_demand",
            "region": w.region_west.pk,
        },
        setup=lambda w: _waiting(w, w.dealer_a),
        expect=only(ALLOCATORS, ok=302),
        writes=ALLOCATORS,
        effect=_allocation_redirect,
    ),
    Case("allocation-detail", kwargs=lambda w: {"pk": _draft(w).pk}, expect=only(ALLOCATORS)),
    Case(
        "allocation-detail",
        id="east",
        kwargs=lambda w: {"pk": _draft(w, region=w.region_east).pk},
        expect=only(ALLOCATORS, regional_west=404),
    ),
    Case(
        "allocation-lines",
        method="post",
        kwargs=lambda w: {"pk": _draft(w).pk},
        data=_lines_data,
        expect=only(ALLOCATORS, ok=302),
        writes=ALLOCATORS,
        effect=lambda w, persona, response, kwargs: assert_redirect(
            response, reverse("allocation-detail", args=[kwargs["pk"]])
        ),
    ),
    Case(
        "allocation-confirm",
        method="post",
        kwargs=lambda w: {"pk": _draft(w).pk},
        expect=only(ALLOCATORS, ok=302),
        writes=ALLOCATORS,
        effect=_confirmed,
    ),
    Case(
        "allocation-confirm",
        id="east",
        method="post",
        kwargs=lambda w: {"pk": _draft(w, region=w.region_east).pk},
        expect=only(ALLOCATORS, ok=302, regional_west=404),
        writes=("campaign_admin", "superuser"),
        effect=_confirmed,
    ),
    Case(
        "allocation-discard",
        method="post",
        kwargs=lambda w: {"pk": _draft(w).pk},
        data={"reason": "The plant cancelled the shipment"},
        expect=only(ALLOCATORS, ok=302),
        writes=ALLOCATORS,
        effect=_discarded,
    ),
    Case(
        "allocation-discard",
        id="east",
        method="post",
        kwargs=lambda w: {"pk": _draft(w, region=w.region_east).pk},
        data={"reason": "The plant cancelled the shipment"},
        expect=only(ALLOCATORS, ok=302, regional_west=404),
        writes=("campaign_admin", "superuser"),
        effect=_discarded,
    ),
    # --- Inbound ------------------------------------------------------------------
    Case("inbound-list", expect=only(INBOUND_READERS)),
    Case("inbound-list", id="export", data={"_export": "xlsx"}, expect=only(INBOUND_READERS)),
    Case("api-inbound-list", expect=only(INBOUND_READERS, **API)),
    # --- Transfer pages -----------------------------------------------------------
    Case("transfer-list", expect=only(TRANSFER_READERS)),
    Case(
        "transfer-list", id="export", data={"_export": "csv", "status": "open"}, expect=only(TRANSFER_READERS)
    ),
    Case("transfer-request", expect=only(("parts_manager_a", "parts_manager_b", "superuser"))),
    Case(
        "transfer-request",
        method="post",
        data=lambda w: {
            "to_dealer": w.dealer_a.pk,
            "from_dealer": w.dealer_b.code,
            "kit": _kit(w).pk,
            "quantity": 2,
            "reason": "Matrix.",
        },
        # Dealer B's parts manager may request, but not for dealer A: the form refuses the choice.
        expect=only(("parts_manager_a", "superuser"), ok=302, parts_manager_b=400),
        writes=("parts_manager_a", "superuser"),
        effect=_new_transfer,
    ),
    Case("transfer-detail", kwargs=_a_transfer(), expect=only(TRANSFER_READERS)),
    Case(
        "transfer-detail",
        id="east",
        kwargs=lambda w: {"pk": _east_transfer(w).pk},
        expect=only(TRANSFER_READERS, principal_a=404, parts_manager_a=404, regional_west=404),
    ),
    Case(
        "transfer-approve",
        method="post",
        kwargs=_a_transfer(),
        expect=APPROVE_EXPECT,
        writes=APPROVERS,
        effect=_to_detail("approved"),
    ),
    Case(
        "transfer-decline",
        method="post",
        kwargs=_a_transfer(),
        data={"reason": "We need ours."},
        expect=APPROVE_EXPECT,
        writes=APPROVERS,
        effect=_to_detail("declined"),
    ),
    Case(
        "transfer-ship",
        method="post",
        kwargs=_a_transfer("approved"),
        data={"reason": "UPS 1Z"},
        expect=SHIP_EXPECT,
        writes=SHIPPERS,
        effect=_to_detail("shipped"),
    ),
    Case(
        "transfer-receive",
        method="post",
        kwargs=_a_transfer("shipped"),
        expect=RECEIVE_EXPECT,
        writes=RECEIVERS,
        effect=_to_detail("received"),
    ),
    Case(
        "transfer-cancel",
        method="post",
        kwargs=_a_transfer(),
        expect=CANCEL_EXPECT,
        writes=RECEIVERS,
        effect=_to_detail("cancelled"),
    ),
    # --- Transfer API -------------------------------------------------------------
    Case("api-transfer-list", expect=only(TRANSFER_READERS, **API)),
    Case(
        "api-transfer-list",
        method="post",
        content_type="application/json",
        data=lambda w: json.dumps(
            {
                "from_dealer": w.dealer_b.code,
                "to_dealer": w.dealer_a.code,
                "part_number": "04906-31021",
                "quantity": 1,
                "reason": "Matrix.",
            }
        ),
        # Dealer B's parts manager requests for no dealer A: 403 from the service.
        expect=only(("parts_manager_a", "superuser"), ok=201, parts_manager_b=403, **API),
        writes=("parts_manager_a", "superuser"),
        effect=_api_created,
    ),
    Case("api-transfer-detail", kwargs=_a_transfer(), expect=only(TRANSFER_READERS, **API)),
    Case(
        "api-transfer-detail",
        id="east",
        kwargs=lambda w: {"pk": _east_transfer(w).pk},
        expect=only(TRANSFER_READERS, principal_a=404, parts_manager_a=404, regional_west=404, **API),
    ),
    Case(
        "api-transfer-approve",
        method="post",
        kwargs=_a_transfer(),
        content_type="application/json",
        data="{}",
        expect=only(APPROVERS, ok=200, parts_manager_a=403, regional_west=403, **API),
        writes=APPROVERS,
        effect=_api_status("approved"),
    ),
    Case(
        "api-transfer-decline",
        method="post",
        kwargs=_a_transfer(),
        content_type="application/json",
        data=json.dumps({"reason": "We need ours."}),
        expect=only(APPROVERS, ok=200, parts_manager_a=403, regional_west=403, **API),
        writes=APPROVERS,
        effect=_api_status("declined"),
    ),
    Case(
        "api-transfer-ship",
        method="post",
        kwargs=_a_transfer("approved"),
        content_type="application/json",
        data=json.dumps({"reference": "UPS 1Z"}),
        expect=only(SHIPPERS, ok=200, **API),
        writes=SHIPPERS,
        effect=_api_status("shipped"),
    ),
    Case(
        "api-transfer-receive",
        method="post",
        kwargs=_a_transfer("shipped"),
        content_type="application/json",
        data="{}",
        expect=only(RECEIVERS, ok=200, **API),
        writes=RECEIVERS,
        effect=_api_status("received"),
    ),
    Case(
        "api-transfer-cancel",
        method="post",
        kwargs=_a_transfer(),
        content_type="application/json",
        data="{}",
        expect=only(RECEIVERS, ok=200, **API),
        writes=RECEIVERS,
        effect=_api_status("cancelled"),
    ),
]
