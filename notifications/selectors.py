"""Reads: the message log a user may see, a VIN's messages, and who may set a preference."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dealers.access import dealer_q, user_scope
from dealers.inventory_selectors import roles_granting
from dealers.models import ServicingDealer
from notifications.models import Message

VIEW = "notifications.view_message"
VIEW_PREFERENCE = "notifications.view_contactpreference"
CHANGE_PREFERENCE = "notifications.change_contactpreference"


def messages_for_user(*, user) -> QuerySet[Message]:
    """National staff see every message; dealer and regional staff those of their dealers
    (a digest is its dealer's; an owner message its dealer's)."""
    if not user.has_perm(VIEW):
        return Message.objects.none()
    rows = Message.objects.all()
    if not user_scope(user).national:
        rows = rows.filter(dealer_q(user, roles=roles_granting(VIEW)))
    return rows.select_related("dealer").only(
        "id",
        "kind",
        "channel",
        "recipient",
        "status",
        "attempts",
        "last_error",
        "provider_id",
        "created_at",
        "sent_at",
        "vehicle_id",
        "dealer__code",
        "dealer__name",
    )


def messages_for_vin(*, user, vin: str) -> list[Message]:
    return list(messages_for_user(user=user).filter(vehicle_id=vin).order_by("-created_at", "-pk")[:20])


def preference_editable(*, user, vin: str, dealer_id: int | None = None) -> bool:
    """Service staff of the vehicle's servicing dealer set the owner's preference, on the
    owner's word (a national or regional reader may not). ``dealer_id``: the servicing dealer
    when the caller has it already (the vehicle record), saving the query."""
    if not user.has_perm(CHANGE_PREFERENCE):
        return False
    dealer_ids = frozenset().union(
        *(user_scope(user).dealer_roles.get(r, frozenset()) for r in roles_granting(CHANGE_PREFERENCE))
    )
    if dealer_id is not None:
        return dealer_id in dealer_ids
    return ServicingDealer.objects.filter(Q(vehicle_id=vin), dealer_id__in=sorted(dealer_ids)).exists()


def preference_vehicle_check(*, user, vin: str, perm: str = VIEW_PREFERENCE) -> None:
    """The vehicle's servicing dealer is one where the user's role grants ``perm`` (its region's,
    or any for national staff); else a 404, as for any object out of scope."""
    from campaign.errors import DomainError

    serviced = ServicingDealer.objects.filter(vehicle_id=vin)
    if perm == CHANGE_PREFERENCE:
        allowed = preference_editable(user=user, vin=vin)
    else:
        allowed = serviced.filter(dealer_q(user, roles=roles_granting(perm))).exists()
    if not allowed:
        raise DomainError("No such vehicle in your dealers.", code="not_found")
