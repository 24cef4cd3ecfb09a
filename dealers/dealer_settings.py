"""A dealer's own settings: its time zone (set by the dealer), its claim rates (set by the manufacturer).

The service manager sets the time zone appointments are booked and shown in; the warranty
labor rate and parts allowance are the manufacturer's to set (Django admin), and only shown
to the dealer. Reads and the one write live here together: the area is this small.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from campaign.errors import DomainError
from dealers.access import dealers_with_role
from dealers.models import Dealer, Membership

Role = Membership.Role

# The US zones a Lexus dealer can be in, as the dealer picks them (IANA names, shown by city).
US_TIME_ZONES: tuple[tuple[str, str], ...] = (
    ("America/New_York", "Eastern (New York)"),
    ("America/Detroit", "Eastern (Detroit)"),
    ("America/Indiana/Indianapolis", "Eastern (Indianapolis)"),
    ("America/Kentucky/Louisville", "Eastern (Louisville)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Boise", "Mountain (Boise)"),
    ("America/Phoenix", "Arizona (Phoenix, no daylight saving)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
)
SETTINGS_ROLES = (Role.DEALER_PRINCIPAL, Role.SERVICE_MANAGER)
VIEW_SETTINGS = "dealers.view_dealer_settings"
CHANGE_TIME_ZONE = "dealers.change_dealer_time_zone"


def time_zone_label(zone: str) -> str:
    return dict(US_TIME_ZONES).get(zone, zone)


def dealer_settings_for_user(*, user) -> list[tuple[Dealer, bool]]:
    """The dealers whose settings page ``user`` works at (principal or service manager there),
    each with whether they may set its time zone. Dealer memberships only: regional and
    national staff see dealers' rates in Django admin, not here."""
    held = frozenset().union(*(dealers_with_role(user, role) for role in SETTINGS_ROLES))
    editable = (
        dealers_with_role(user, Role.SERVICE_MANAGER) if user.has_perm(CHANGE_TIME_ZONE) else frozenset()
    )
    dealers = Dealer.objects.filter(pk__in=sorted(held)).order_by("name", "code")
    return [(dealer, dealer.pk in editable) for dealer in dealers]


@transaction.atomic
def dealer_time_zone_set(*, user: AbstractBaseUser, dealer_id: int, time_zone: str) -> Dealer:
    """Set the dealer's time zone; only its service manager may."""
    dealer = Dealer.objects.select_for_update().filter(pk=dealer_id).first()
    if dealer is None or dealer_id not in frozenset().union(
        *(dealers_with_role(user, role) for role in SETTINGS_ROLES)
    ):
        raise DomainError("No such dealer.", field="dealer", code="not_found")
    if not user.has_perm(CHANGE_TIME_ZONE) or dealer_id not in dealers_with_role(user, Role.SERVICE_MANAGER):
        raise DomainError("Only the dealer's service manager sets its time zone.", code="forbidden")
    if time_zone not in dict(US_TIME_ZONES):
        raise DomainError(f"{time_zone!r} is not one of the US time zones.", field="time_zone")
    if dealer.time_zone != time_zone:
        dealer.time_zone = time_zone
        dealer.save(update_fields=["time_zone"])
    return dealer
