"""The demo users: one per role at or above one busy Western dealer, and a second service manager
at a dealer in another region (so a second dealer's view of the same campaign can be shown)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Count

from dealers.models import Dealer, Membership, ServicingDealer
from dealers.services import membership_grant

Role = Membership.Role

# The password of every demo user, quoted in the README; the demo is not for real data.
DEMO_PASSWORD = "recall-demo-2010"
# (username, role, first name, last name): one user per role, all at or above one dealer.
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("principal", Role.DEALER_PRINCIPAL, "Dana", "Principal"),
    ("service", Role.SERVICE_MANAGER, "Sam", "Service"),
    ("parts", Role.PARTS_MANAGER, "Pat", "Parts"),
    ("preowned", Role.PREOWNED_MANAGER, "Piper", "Preowned"),
    ("regional", Role.REGIONAL_STAFF, "Riley", "Regional"),
    ("admin", Role.CAMPAIGN_ADMIN, "Alex", "Admin"),
    ("warranty", Role.WARRANTY_ADMIN, "Wren", "Warranty"),
)
# Users at the other region's dealer (``other_region_dealer``).
OTHER_REGION_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("service2", Role.SERVICE_MANAGER, "Sasha", "Service"),
)
# Where the second dealer is looked for first: the far side of the country from the West.
OTHER_REGION_PREFERRED = "EAST"


def _busiest(dealers: list[Dealer], region_codes: set[str]) -> Dealer:
    candidates = [d.pk for d in dealers if d.region.code in region_codes] or [d.pk for d in dealers]
    top = (
        ServicingDealer.objects.filter(dealer_id__in=candidates)
        .values("dealer_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "dealer__code")
        .first()
    )
    pk = top["dealer_id"] if top else min(candidates)
    return next(d for d in dealers if d.pk == pk)


def home_dealer(dealers: list[Dealer]) -> Dealer:
    """The demo staff's dealer: the Western Area dealer servicing the most vehicles (a busy service desk)."""
    return _busiest(dealers, {"WEST"})


def other_region_dealer(dealers: list[Dealer], *, home: Dealer) -> Dealer:
    """The busiest dealer of another region than ``home``'s (the Eastern Area's if it has one)."""
    others = {d.region.code for d in dealers} - {home.region.code}
    preferred = {OTHER_REGION_PREFERRED} & others
    return _busiest([d for d in dealers if d.region.code != home.region.code] or dealers, preferred or others)


def demo_users_ensure(*, dealer: Dealer, other_dealer: Dealer | None = None) -> list[tuple[str, str, str]]:
    """One user per role, all working at or above ``dealer``, and ``OTHER_REGION_USERS`` at
    ``other_dealer``; returns (username, role, scope) rows."""
    User = get_user_model()
    # One hash for the shared password: PBKDF2 takes half a second a time, on purpose.
    encoded = make_password(DEMO_PASSWORD)
    table = []
    people = [(row, dealer) for row in DEMO_USERS]
    if other_dealer is not None:
        people += [(row, other_dealer) for row in OTHER_REGION_USERS]
    for (username, role, first, last), at in people:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.example.com"},
        )
        if created:
            user.password = encoded
            # The campaign administrator runs Django admin (its group carries the model permissions).
            user.is_staff = role == Role.CAMPAIGN_ADMIN
            user.save()
        if role in Membership.DEALER_ROLES:
            membership_grant(user=user, role=role, dealer=at)
            scope = f"{at.name} ({at.code})"
        elif role == Role.REGIONAL_STAFF:
            membership_grant(user=user, role=role, region=at.region)
            scope = at.region.name
        else:
            membership_grant(user=user, role=role)
            scope = "national"
        table.append((username, Role(role).label, scope))
    return table
