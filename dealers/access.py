"""Who may see what: the one scoping mechanism for dealer data.

Every list, detail, export and API query over dealer-owned rows goes through
``scope_to_user`` (or a ``get_<thing>_for_user`` built on it), so staff of dealer
A never see dealer B's rows and regional staff see only their region. Objects out
of scope are a 404, never a 403 that confirms they exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from dealers.models import Dealer, Membership, Region

Role = Membership.Role


@dataclass(frozen=True)
class UserScope:
    national: bool = False
    dealer_ids: frozenset[int] = field(default_factory=frozenset)
    region_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    # role -> dealer ids where the user holds that role (dealer roles only)
    dealer_roles: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.national or self.dealer_ids or self.region_ids)


def user_scope(user) -> UserScope:
    """The user's memberships, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserScope()
    cached = getattr(user, "_recall_scope", None)
    if cached is not None:
        return cached
    rows = list(Membership.objects.filter(user=user).values_list("role", "dealer_id", "region_id"))
    dealer_roles: dict[str, set[int]] = {}
    for role, dealer_id, _ in rows:
        if dealer_id is not None:
            dealer_roles.setdefault(role, set()).add(dealer_id)
    scope = UserScope(
        # Warranty administrators adjudicate every dealer's claims: national in scope, though
        # their role gives them no owner data and no campaign administration.
        national=user.is_superuser or any(role in Membership.NATIONAL_ROLES for role, _, _ in rows),
        dealer_ids=frozenset(d for _, d, _ in rows if d is not None),
        region_ids=frozenset(r for _, _, r in rows if r is not None),
        roles=frozenset(role for role, _, _ in rows),
        dealer_roles={k: frozenset(v) for k, v in dealer_roles.items()},
    )
    user._recall_scope = scope
    return scope


def dealer_q(user, dealer_path: str = "dealer", *, roles: Iterable[str] | None = None) -> Q:
    """A filter on rows whose dealer is reached by ``dealer_path`` ('dealer', 'unit__dealer', …).

    ``roles`` narrows the dealer memberships that count to those roles (a user who is
    pre-owned manager at A and service manager at C sees inventory of A only when a view
    passes ``roles=(PREOWNED_MANAGER, DEALER_PRINCIPAL)``); regional and national scope
    are unaffected by it.
    """
    scope = user_scope(user)
    if scope.national:
        return Q()
    prefix = "" if dealer_path in ("", "self") else f"{dealer_path}__"
    if roles is None:
        dealer_ids = scope.dealer_ids
    else:
        dealer_ids = frozenset().union(*(scope.dealer_roles.get(r, frozenset()) for r in roles))
    condition = Q(**{f"{prefix}id__in": []})  # nothing, unless a membership adds to it
    if dealer_ids:
        condition |= Q(**{f"{prefix}id__in": sorted(dealer_ids)})
    if scope.region_ids:
        condition |= Q(**{f"{prefix}region_id__in": sorted(scope.region_ids)})
    return condition


def scope_to_user(
    queryset: QuerySet, user, dealer_path: str = "dealer", *, roles: Iterable[str] | None = None
) -> QuerySet:
    """Restrict a queryset of dealer-owned rows to what the user may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(dealer_q(user, dealer_path, roles=roles))


def dealers_for_user(user) -> QuerySet[Dealer]:
    return scope_to_user(Dealer.objects.all(), user, dealer_path="self")


def get_dealer_for_user(user, pk: int) -> Dealer:
    try:
        return dealers_for_user(user).get(pk=pk)
    except Dealer.DoesNotExist:
        raise Http404("No such dealer.") from None


def get_for_user(
    queryset: QuerySet, user, dealer_path: str = "dealer", *, roles: Iterable[str] | None = None, **lookup
):
    """Fetch one dealer-owned object in the user's scope, or 404."""
    try:
        return scope_to_user(queryset, user, dealer_path, roles=roles).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No such {queryset.model._meta.verbose_name}.") from None


def regions_for_user(user) -> QuerySet[Region]:
    """Regions whose dashboards the user may open: their own, or all for national users."""
    scope = user_scope(user)
    if scope.national:
        return Region.objects.all()
    return Region.objects.filter(pk__in=sorted(scope.region_ids))


def dealers_with_role(user, role: str) -> frozenset[int]:
    """Dealer ids where the user holds ``role`` (a dealer role)."""
    return user_scope(user).dealer_roles.get(role, frozenset())
