"""Transfers: the lifecycle, who may take each step, the stock on both sides, nothing lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from campaign.errors import DomainError
from parts.models import KitReservation, StockBalance, Transfer, TransferEvent
from parts.transfers import (
    transfer_actions,
    transfer_approve,
    transfer_cancel,
    transfer_decline,
    transfer_receive,
    transfer_request,
    transfer_ship,
)
from tests.parts.factories_alloc import kit, ledger_sums, stock, waiting

pytestmark = pytest.mark.django_db

Status = Transfer.Status


@pytest.fixture
def v6(ale):
    return kit(ale)


def _request(v6, dealer_b, parts_manager_a, dealer_a, quantity=3):
    """A asks B for kits."""
    return transfer_request(
        to_dealer_id=dealer_a.pk,
        from_dealer_code=dealer_b.code,
        kit_id=v6.pk,
        quantity=quantity,
        reason="Six owners waiting.",
        user=parts_manager_a,
    )


def _figures(dealer, the_kit):
    b = StockBalance.objects.filter(dealer=dealer, kit=the_kit).first()
    return (b.on_hand, b.reserved, b.inbound) if b else (0, 0, 0)


def test_the_whole_way_adds_up(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b):
    waiting(ale, dealer_a, 2)
    stock(dealer_b, v6, 5)
    transfer = _request(v6, dealer_b, parts_manager_a, dealer_a)
    assert transfer_actions(user=parts_manager_b, transfer=transfer) == {"approve", "decline"}
    assert transfer_actions(user=parts_manager_a, transfer=transfer) == {"cancel"}
    transfer_approve(transfer_id=transfer.pk, user=parts_manager_b)
    transfer_ship(transfer_id=transfer.pk, user=parts_manager_b, reference="UPS 1Z999")
    # In transit: gone from B's shelf, on its way to A; counted once, as A's inbound.
    assert _figures(dealer_b, v6) == (2, 0, 0)
    assert _figures(dealer_a, v6) == (0, 0, 3)
    assert sum(_figures(dealer_a, v6)) + sum(_figures(dealer_b, v6)) == 5
    transfer_receive(transfer_id=transfer.pk, user=parts_manager_a)
    # Received: on A's shelf, two of them at once reserved for A's waiting owners.
    assert _figures(dealer_a, v6) == (3, 2, 0)
    assert KitReservation.objects.filter(dealer=dealer_a, status="reserved").count() == 2
    assert _figures(dealer_a, v6)[0] + _figures(dealer_b, v6)[0] == 5
    for dealer in (dealer_a, dealer_b):  # each balance is its ledger's sum
        assert ledger_sums(dealer, v6) == _figures(dealer, v6)
    transfer.refresh_from_db()
    assert transfer.status == Status.RECEIVED and transfer.shipped_at and transfer.received_at
    steps = list(transfer.events.order_by("pk").values_list("from_status", "to_status", "by__username"))
    assert steps == [
        ("", "requested", "parts_a"),
        ("requested", "approved", "parts_b"),
        ("approved", "shipped", "parts_b"),
        ("shipped", "received", "parts_a"),
    ]


def test_ship_refused_when_the_sender_is_short(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b):
    stock(dealer_b, v6, 2)
    transfer = _request(v6, dealer_b, parts_manager_a, dealer_a)
    transfer_approve(transfer_id=transfer.pk, user=parts_manager_b)
    with pytest.raises(DomainError, match="Only 2 kits"):
        transfer_ship(transfer_id=transfer.pk, user=parts_manager_b)
    transfer.refresh_from_db()
    assert transfer.status == Status.APPROVED
    assert _figures(dealer_b, v6) == (2, 0, 0) and _figures(dealer_a, v6) == (0, 0, 0)
    assert transfer.events.count() == 2


def test_two_clicks_ship_once(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b):
    stock(dealer_b, v6, 10)
    transfer = _request(v6, dealer_b, parts_manager_a, dealer_a)
    transfer_approve(transfer_id=transfer.pk, user=parts_manager_b)
    transfer_ship(transfer_id=transfer.pk, user=parts_manager_b)
    with pytest.raises(DomainError) as again:
        transfer_ship(transfer_id=transfer.pk, user=parts_manager_b)
    assert again.value.code == "conflict"
    assert _figures(dealer_b, v6) == (7, 0, 0) and _figures(dealer_a, v6) == (0, 0, 3)


def test_who_may_take_each_step(
    ale,
    v6,
    dealer_a,
    dealer_b,
    parts_manager_a,
    parts_manager_b,
    service_manager_b,
    regional_west,
    principal_b,
):
    stock(dealer_b, v6, 10)
    transfer = _request(v6, dealer_b, parts_manager_a, dealer_a)
    # The requester cannot approve its own request; regional staff of West cannot approve for East's sender.
    for user in (parts_manager_a, service_manager_b, principal_b):
        with pytest.raises(DomainError) as refused:
            transfer_approve(transfer_id=transfer.pk, user=user)
        assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as stranger:
        transfer_approve(transfer_id=transfer.pk, user=regional_west)
    assert stranger.value.code == "forbidden"  # West sees it (the receiver is West's) but B is East's
    with pytest.raises(DomainError) as wrong_side:
        transfer_cancel(transfer_id=transfer.pk, user=parts_manager_b)
    assert wrong_side.value.code == "forbidden"
    transfer_approve(transfer_id=transfer.pk, user=parts_manager_b)
    with pytest.raises(DomainError) as not_sender:
        transfer_ship(transfer_id=transfer.pk, user=parts_manager_a)
    assert not_sender.value.code == "forbidden"
    transfer_ship(transfer_id=transfer.pk, user=parts_manager_b)
    with pytest.raises(DomainError) as not_receiver:
        transfer_receive(transfer_id=transfer.pk, user=parts_manager_b)
    assert not_receiver.value.code == "forbidden"
    with pytest.raises(DomainError) as shipped:
        transfer_cancel(transfer_id=transfer.pk, user=parts_manager_a)
    assert shipped.value.code == "conflict"


def test_regional_staff_approve_for_a_sender_in_their_region(
    ale, v6, dealer_a, dealer_b, parts_manager_b, regional_west
):
    transfer = transfer_request(
        to_dealer_id=dealer_b.pk,
        from_dealer_code=dealer_a.code,
        kit_id=v6.pk,
        quantity=1,
        reason="Stop-sale unit.",
        user=parts_manager_b,
    )
    transfer_approve(transfer_id=transfer.pk, user=regional_west)
    assert Transfer.objects.get(pk=transfer.pk).status == Status.APPROVED


def test_a_stranger_sees_no_transfer(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b):
    from tests.factories import DealerFactory, MembershipFactory, UserFactory

    other = DealerFactory(code="30003", region=dealer_a.region)
    stranger = UserFactory(username="parts_c")
    MembershipFactory(user=stranger, role="parts_manager", dealer=other)
    transfer = _request(v6, dealer_b, parts_manager_a, dealer_a)
    with pytest.raises(DomainError) as refused:
        transfer_approve(transfer_id=transfer.pk, user=stranger)
    assert refused.value.code == "not_found"


def test_decline_and_cancel(ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b):
    first = _request(v6, dealer_b, parts_manager_a, dealer_a)
    with pytest.raises(DomainError, match="why"):
        transfer_decline(transfer_id=first.pk, user=parts_manager_b, reason=" ")
    transfer_decline(transfer_id=first.pk, user=parts_manager_b, reason="We need ours.")
    second = _request(v6, dealer_b, parts_manager_a, dealer_a)
    transfer_approve(transfer_id=second.pk, user=parts_manager_b)
    transfer_cancel(transfer_id=second.pk, user=parts_manager_a, reason="Allocation came.")
    assert dict(Transfer.objects.values_list("pk", "status")) == {
        first.pk: "declined",
        second.pk: "cancelled",
    }
    assert TransferEvent.objects.filter(to_status="cancelled", from_status="approved").count() == 1


def test_request_refusals(ale, v6, dealer_a, dealer_b, parts_manager_a, service_manager_a):
    base = dict(from_dealer_code=dealer_b.code, kit_id=v6.pk, quantity=1, reason="Need.")
    with pytest.raises(DomainError, match="two dealers"):
        transfer_request(
            to_dealer_id=dealer_a.pk, **{**base, "from_dealer_code": dealer_a.code}, user=parts_manager_a
        )
    with pytest.raises(DomainError, match="No dealer"):
        transfer_request(
            to_dealer_id=dealer_a.pk, **{**base, "from_dealer_code": "99999"}, user=parts_manager_a
        )
    with pytest.raises(DomainError) as forbidden:
        transfer_request(to_dealer_id=dealer_a.pk, **base, user=service_manager_a)
    assert forbidden.value.code == "forbidden"
    with pytest.raises(DomainError) as elsewhere:
        transfer_request(
            to_dealer_id=dealer_b.pk, **{**base, "from_dealer_code": dealer_a.code}, user=parts_manager_a
        )
    assert elsewhere.value.code == "forbidden"
    assert not Transfer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_ships_at_once_ship_once_on_postgresql(
    ale, v6, dealer_a, dealer_b, parts_manager_a, parts_manager_b
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    stock(dealer_b, v6, 4)
    transfer = _request(v6, dealer_b, parts_manager_a, dealer_a)
    transfer_approve(transfer_id=transfer.pk, user=parts_manager_b)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ship():
        try:
            barrier.wait()
            transfer_ship(transfer_id=transfer.pk, user=parts_manager_b)
            outcomes.append("shipped")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ship) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "shipped"]
    assert _figures(dealer_b, v6) == (1, 0, 0) and _figures(dealer_a, v6) == (0, 0, 3)
    assert ledger_sums(dealer_b, v6) == (1, 0, 0) and ledger_sums(dealer_a, v6) == (0, 0, 3)
