"""Reads about transfers: a transfer is either dealer's, so both see it (stock in transit
shows on both sides); regional staff see those touching their region."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from dealers.access import dealer_q
from parts.models import Transfer, TransferEvent

VIEW_PERM = "parts.view_transfer"


def transfers_for_user(*, user) -> QuerySet[Transfer]:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_perm(VIEW_PERM):
        return Transfer.objects.none()
    return Transfer.objects.filter(
        dealer_q(user, "from_dealer") | dealer_q(user, "to_dealer")
    ).select_related("kit", "from_dealer", "to_dealer", "requested_by")


def transfer_get(*, user, pk: int) -> Transfer:
    transfer = transfers_for_user(user=user).filter(pk=pk).first()
    if transfer is None:
        raise Http404("No such transfer.")
    return transfer


def transfer_events(*, transfer: Transfer) -> list[TransferEvent]:
    return list(transfer.events.select_related("by").order_by("at", "pk"))


def transfers_in_transit_to(*, user) -> QuerySet[Transfer]:
    """Shipped transfers on their way to the user's dealers (the receiving side's inbound)."""
    return (
        transfers_for_user(user=user)
        .filter(status=Transfer.Status.SHIPPED)
        .filter(dealer_q(user, "to_dealer"))
    )
