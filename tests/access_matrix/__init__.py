"""The permission matrix: every URL of the product × every persona → the expected status.

``tests/test_permission_matrix.py`` walks every URL pattern reachable from
``config.urls`` and fails, naming the URL, when a named pattern has no case here.
So a new page cannot ship without someone deciding who may open it.

How to add cases
================

Each module in this package (``public.py``, ``imports.py``, ``vehicles.py``,
``inventory.py``, ``campaign_pages.py``, ``accounts.py``, ``admin.py`` …) defines a module-level
``CASES: list[Case]``; the matrix test imports every module of the package and
collects them. A URL name may have several cases (GET and POST, several objects).

    from tests.access_matrix import Case, World, assert_redirect, dealer_a_object, expect, signed_in

    CASES = [
        # A page any signed-in user may open; anonymous visitors go to the login page.
        Case("home", expect=signed_in(200)),
        # A public page.
        Case("public-lookup", expect=expect(default=200)),
        # Only some roles: everyone else 403, anonymous 302 to the login page.
        Case(
            "vin-import-list",
            kwargs={"code": "ALE"},
            expect=expect(anonymous=302, default=403, campaign_admin=200),
        ),
        # An object of dealer A: built per persona by a callable taking the World.
        Case(
            "inventory-detail",
            kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_a).pk},
            expect=dealer_a_object(allowed=("principal_a", "preowned_manager_a")),
        ),
        # The same for dealer B's twin object: A's staff and regional_west are strangers (404).
        Case(
            "inventory-detail",
            kwargs=lambda w: {"pk": w.inventory_unit(dealer=w.dealer_b).pk},
            expect=dealer_b_object(allowed=("principal_a", "preowned_manager_a")),
            id="dealer-b",
        ),
        # A POST with form data (the data may also be a callable taking the World): who
        # writes, and what their success shows; everyone else must write nothing.
        Case(
            "notice-dismiss",
            method="post",
            kwargs=lambda w: {"pk": w.notice(dealer=w.dealer_a).pk},
            expect=dealer_a_object(ok=302),
            writes=DEALER_A_STAFF,
            effect=lambda w, persona, response, kwargs: assert_redirect(response, "/"),
        ),
    ]

Fields of ``Case``
------------------
``name``      the URL name as ``reverse()`` takes it (with namespace if any).
``kwargs``    a dict, or ``callable(world) -> dict``: called afresh for every persona,
              so objects it creates are new each time (a POST by one persona never
              changes what the next one sees).
``method``    "get" (default), "post", "put", "patch", "delete", "head".
``data``      request data (query parameters for GET, form fields for POST), a dict or
              ``callable(world) -> dict``. ``content_type`` for JSON bodies.
``setup``     optional ``callable(world) -> None`` run before each persona's request.
``expect``    ``{persona: status}`` and it must name EVERY persona in ``PERSONAS``:
              build it with ``expect()`` (which fills the rest from ``default``),
              ``signed_in()``, ``only()``, ``dealer_a_object()`` or ``dealer_b_object()``.
``id``        optional suffix for the test id when a URL has several cases.
``writes``    for a write: the personas whose request changes rows (see below).
``effect``    for a write: ``callable(world, persona, response, kwargs)`` asserting a success.

Statuses are of the first response (redirects are not followed): a login-required
page answers anonymous with 302; a missing permission is 403; an object outside the
persona's scope is 404 (never 403, which would confirm it exists).

Writes: what a refusal and a success must show
----------------------------------------------
For a write (any method but GET/HEAD) the matrix snapshots every row of the product's
tables (campaign, dealers, repairs, users and groups, admin log) before and after each
persona's request. ``writes`` names the personas whose request changes something; every
other persona must leave the snapshot exactly as it was, whatever its status. ``effect``,
``callable(world, persona, response, kwargs)``, asserts what a success did (the redirect
target, the message, the row). And a success must not look like a refusal: no writer may
answer what a refuser answers (a redirect to a sign-in page counts as its own answer).

Personas (the fixtures of ``tests/conftest.py``)
------------------------------------------------
dealer A (Lexus of Pasadena, region West): principal_a, service_manager_a,
parts_manager_a, preowned_manager_a; dealer B (Lexus of Manhattan, region East): the
same four roles, principal_b, service_manager_b, parts_manager_b, preowned_manager_b;
regional_west (regional staff of West, sees dealer A, not B); campaign_admin (national,
``is_staff`` as the demo's administrator: Django admin is part of the role); warranty_admin
(national, claims and reimbursements only, no Django admin); superuser; anonymous. Unless a case names it, the superuser answers as the campaign administrator.

The ``World`` handed to callables holds the personas' users (``world.users[name]``),
``dealer_a``, ``dealer_b``, ``region_west``, ``region_east``, ``ale`` (the campaign),
and builders for common objects (``affected_vehicle``, ``inventory_unit``,
``notice``, ``document``). Add a builder here when several modules need it; keep a
one-off builder in your own module as a plain function taking the world.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
DEALER_A_STAFF = ("principal_a", "service_manager_a", "parts_manager_a", "preowned_manager_a")
DEALER_B_STAFF = ("principal_b", "service_manager_b", "parts_manager_b", "preowned_manager_b")
SUPERUSER = "superuser"
PERSONAS: tuple[str, ...] = (
    ANONYMOUS,
    *DEALER_A_STAFF,
    *DEALER_B_STAFF,
    "regional_west",
    "campaign_admin",
    "warranty_admin",
    SUPERUSER,
)
SIGNED_IN = PERSONAS[1:]
# Signed in, without Django admin (is_staff): the admin sends them to its own sign-in page.
NOT_STAFF = (*DEALER_A_STAFF, *DEALER_B_STAFF, "regional_west", "warranty_admin")
# Every dealer role has a twin at the other dealer: for an object of one dealer, the twin's
# role decides whether the stranger gets 404 (role allowed, object out of scope) or the
# role's refusal (403).
TWIN_AT_A = {b: a for a, b in zip(DEALER_A_STAFF, DEALER_B_STAFF, strict=True)}
TWIN_AT_B = {a: b for b, a in TWIN_AT_A.items()}
WRITE_METHODS = ("post", "put", "patch", "delete")

Builder = Callable[["World"], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    name: str
    expect: Mapping[str, int]
    kwargs: dict[str, Any] | Builder = field(default_factory=dict)
    method: str = "get"
    data: dict[str, Any] | Builder | None = None
    content_type: str | None = None
    setup: Callable[[World], None] | None = None
    id: str = ""
    writes: tuple[str, ...] = ()
    effect: Callable[[World, str, Any, dict], None] | None = None

    def __post_init__(self) -> None:
        missing = [p for p in PERSONAS if p not in self.expect]
        unknown = [p for p in self.expect if p not in PERSONAS]
        if missing or unknown:
            raise ValueError(
                f"Case {self.label}: expect must name every persona "
                f"(missing {missing}, unknown {unknown}); build it with expect(default=…)."
            )
        if self.method not in ("get", "post", "put", "patch", "delete", "head"):
            raise ValueError(f"Case {self.label}: unknown method {self.method!r}")
        if (self.writes or self.effect) and self.method not in WRITE_METHODS:
            raise ValueError(f"Case {self.label}: only a write (POST, PUT, PATCH, DELETE) writes")
        if unknown_writers := set(self.writes) - set(PERSONAS):
            raise ValueError(f"Case {self.label}: unknown personas in writes: {sorted(unknown_writers)}")

    @property
    def label(self) -> str:
        return f"{self.name}[{self.method}{'-' + self.id if self.id else ''}]"


def expect(*, default: int, **statuses: int) -> dict[str, int]:
    """Every persona gets ``default`` unless named: ``expect(default=403, anonymous=302, campaign_admin=200)``.

    The superuser, unless named, answers as the campaign administrator (both are national
    and hold every model permission of the product's apps)."""
    unknown = set(statuses) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas {sorted(unknown)}; the personas are {PERSONAS}")
    statuses.setdefault(SUPERUSER, statuses.get("campaign_admin", default))
    return {p: statuses.get(p, default) for p in PERSONAS}


def signed_in(status: int = 200, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """A page for every signed-in persona; anonymous is sent to the login page."""
    return expect(default=status, anonymous=anonymous, **overrides)


def only(
    personas: Iterable[str], *, ok: int = 200, denied: int = 403, anonymous: int = 302, **overrides: int
) -> dict[str, int]:
    """A page for some personas only: the others are refused (403), anonymous goes to login."""
    allowed = set(personas)
    statuses = {p: ok if p in allowed else denied for p in SIGNED_IN if p != SUPERUSER}
    if SUPERUSER in allowed:
        statuses[SUPERUSER] = ok
    statuses[ANONYMOUS] = anonymous
    statuses.update(overrides)
    return expect(default=denied, **statuses)


def dealer_object(
    dealer: str,
    *,
    ok: int = 200,
    allowed: Iterable[str],
    denied: int = 403,
    stranger: int = 404,
    anonymous: int = 302,
    **overrides: int,
) -> dict[str, int]:
    """Statuses for a URL about an object of dealer ``"a"`` (region West) or ``"b"`` (region East).

    ``allowed`` personas get ``ok``. The other dealer's staff get ``stranger`` (404) when
    their twin is allowed (their role may do this, just not to this dealer's objects) and
    ``denied`` otherwise. For dealer B's objects regional_west is a stranger too: ``allowed``
    may name it (meaning: regional staff may, in their own region) and it then gets 404.
    """
    allowed = set(allowed)
    twins = TWIN_AT_A if dealer == "a" else TWIN_AT_B
    statuses: dict[str, int] = {ANONYMOUS: anonymous}
    for persona in SIGNED_IN:
        if persona == SUPERUSER:
            continue  # follows the campaign administrator (expect())
        if persona in twins:
            statuses[persona] = stranger if twins[persona] in allowed else denied
        elif persona == "regional_west" and dealer == "b":
            statuses[persona] = stranger if persona in allowed else denied
        else:
            statuses[persona] = ok if persona in allowed else denied
    statuses.update(overrides)
    return expect(default=denied, **statuses)


def dealer_a_object(
    *, allowed: Iterable[str] = (*DEALER_A_STAFF, "regional_west", "campaign_admin"), **kwargs: int
) -> dict[str, int]:
    """An object of dealer A: ``allowed`` names A's staff (and regional_west, campaign_admin)."""
    return dealer_object("a", allowed=allowed, **kwargs)


def dealer_b_object(
    *, allowed: Iterable[str] = (*DEALER_A_STAFF, "regional_west", "campaign_admin"), **kwargs: int
) -> dict[str, int]:
    """The same URL for dealer B's twin object: ``allowed`` is written as for dealer A (the
    roles that may), so a pair of cases reads alike; B's staff stand in for A's."""
    roles = {TWIN_AT_B.get(p, p) for p in allowed}
    return dealer_object("b", allowed=roles, **kwargs)


_serials = itertools.count(9000)


@dataclass
class World:
    """What a case's callables may use: the personas and builders for common objects."""

    users: dict[str, Any]
    dealer_a: Any
    dealer_b: Any
    region_west: Any
    region_east: Any
    ale: Any

    def affected_vehicle(self, *, dealer=None, status: str = "open"):
        """A fresh VIN on ALE's posted list, serviced by ``dealer`` (dealer A by default)."""
        from dealers.models import ServicingDealer
        from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

        vehicle = VehicleFactory(vin=ale_vin(next(_serials)))
        AffectedVehicleFactory(campaign=self.ale, vehicle=vehicle, status=status)
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer or self.dealer_a)
        return vehicle

    def inventory_unit(self, *, dealer=None, stop_sale: bool = False):
        """An in-stock pre-owned unit of ``dealer`` (dealer A by default).

        ``stop_sale=True``: its VIN is open on ALE's posted list, and the unit is held for it."""
        import datetime as dt

        from dealers.models import InventoryUnit
        from tests.factories import ale_vin

        serial = next(_serials)
        vin = self.affected_vehicle(dealer=dealer).vin if stop_sale else ale_vin(serial)
        return InventoryUnit.objects.create(
            dealer=dealer or self.dealer_a,
            vin=vin,
            stock_number=f"P{serial}",
            received_on=dt.date(2010, 7, 1),
            stop_sale=stop_sale,
            stop_sale_campaigns="ALE" if stop_sale else "",
        )

    def notice(self, *, dealer=None):
        from dealers.models import DealerNotice

        return DealerNotice.objects.create(
            dealer=dealer or self.dealer_a, kind=DealerNotice.Kind.CAMPAIGN, message="Matrix notice"
        )

    def document(self, *, kind: str = "parts"):
        from django.core.files.base import ContentFile

        from campaign.models import CampaignDocument

        doc = CampaignDocument(campaign=self.ale, kind=kind, title=f"Matrix {kind} document")
        doc.file.save("matrix.txt", ContentFile(b"matrix"), save=True)
        return doc


def messages_of(response) -> list[str]:
    """The flash messages a response left for the next page."""
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_redirect(response, url: str, *, message: str | None = None) -> None:
    """A success: redirected to ``url`` (not to a sign-in page), with ``message`` among its messages."""
    assert response["Location"] == url, f"redirected to {response['Location']}, not {url}"
    if message is not None:
        shown = messages_of(response)
        assert any(message in m for m in shown), f"{message!r} not in {shown}"


def resolve_value(value, world: World):
    return value(world) if callable(value) else value
