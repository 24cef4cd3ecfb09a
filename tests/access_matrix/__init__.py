"""The permission matrix: every URL of the product × every persona → the expected status.

``tests/test_permission_matrix.py`` walks every URL pattern reachable from
``config.urls`` and fails, naming the URL, when a named pattern has no case here.
So a new page cannot ship without someone deciding who may open it.

How to add cases
================

Each module in this package (``public.py``, ``imports.py``, ``vehicles.py``,
``inventory.py``, ``campaign_pages.py``, ``accounts.py`` …) defines a module-level
``CASES: list[Case]``; the matrix test imports every module of the package and
collects them. A URL name may have several cases (GET and POST, several objects).

    from tests.access_matrix import Case, World, dealer_a_object, expect, signed_in

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
        # A POST with form data (the data may also be a callable taking the World).
        Case(
            "notice-dismiss",
            method="post",
            kwargs=lambda w: {"pk": w.notice(dealer=w.dealer_a).pk},
            expect=dealer_a_object(ok=302),
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
              ``signed_in()`` or ``dealer_a_object()``.
``id``        optional suffix for the test id when a URL has several cases.

Statuses are of the first response (redirects are not followed): a login-required
page answers anonymous with 302; a missing permission is 403; an object outside the
persona's scope is 404 (never 403, which would confirm it exists).

Personas (the fixtures of ``tests/conftest.py``)
------------------------------------------------
dealer A (Lexus of Pasadena, region West): principal_a, service_manager_a,
parts_manager_a, preowned_manager_a; dealer B (Lexus of Manhattan, region East):
service_manager_b, preowned_manager_b; regional_west (regional staff of West, sees
dealer A, not B); campaign_admin (national); anonymous.

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
DEALER_B_STAFF = ("service_manager_b", "preowned_manager_b")
PERSONAS: tuple[str, ...] = (
    ANONYMOUS,
    *DEALER_A_STAFF,
    *DEALER_B_STAFF,
    "regional_west",
    "campaign_admin",
)
SIGNED_IN = PERSONAS[1:]
# Dealer B's staff each have a twin at dealer A with the same role: for an object of
# dealer A, the twin's role decides whether the stranger gets 404 (role allowed, object
# out of scope) or the role's refusal (403).
TWIN_AT_A = {"service_manager_b": "service_manager_a", "preowned_manager_b": "preowned_manager_a"}

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

    @property
    def label(self) -> str:
        return f"{self.name}[{self.method}{'-' + self.id if self.id else ''}]"


def expect(*, default: int, **statuses: int) -> dict[str, int]:
    """Every persona gets ``default`` unless named: ``expect(default=403, anonymous=302, campaign_admin=200)``."""
    unknown = set(statuses) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas {sorted(unknown)}; the personas are {PERSONAS}")
    return {p: statuses.get(p, default) for p in PERSONAS}


def signed_in(status: int = 200, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """A page for every signed-in persona; anonymous is sent to the login page."""
    return expect(default=status, anonymous=anonymous, **overrides)


def only(
    personas: Iterable[str], *, ok: int = 200, denied: int = 403, anonymous: int = 302, **overrides: int
) -> dict[str, int]:
    """A page for some personas only: the others are refused (403), anonymous goes to login."""
    allowed = set(personas)
    statuses = {p: ok if p in allowed else denied for p in SIGNED_IN}
    statuses[ANONYMOUS] = anonymous
    statuses.update(overrides)
    return expect(default=denied, **statuses)


def dealer_a_object(
    *,
    ok: int = 200,
    allowed: Iterable[str] = (*DEALER_A_STAFF, "regional_west", "campaign_admin"),
    denied: int = 403,
    stranger: int = 404,
    anonymous: int = 302,
    **overrides: int,
) -> dict[str, int]:
    """Statuses for a URL about an object that belongs to dealer A (region West).

    ``allowed`` personas get ``ok``; dealer B's staff get ``stranger`` (404) when their
    twin at dealer A is allowed (their role may do this, just not to A's objects) and
    ``denied`` otherwise; anyone else not allowed gets ``denied``.
    """
    allowed = set(allowed)
    statuses: dict[str, int] = {ANONYMOUS: anonymous}
    for persona in SIGNED_IN:
        if persona in allowed:
            statuses[persona] = ok
        elif persona in TWIN_AT_A:
            statuses[persona] = stranger if TWIN_AT_A[persona] in allowed else denied
        else:
            statuses[persona] = denied
    statuses.update(overrides)
    return expect(default=denied, **statuses)


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
        """An in-stock pre-owned unit of ``dealer`` (dealer A by default)."""
        import datetime as dt

        from dealers.models import InventoryUnit
        from tests.factories import ale_vin

        serial = next(_serials)
        return InventoryUnit.objects.create(
            dealer=dealer or self.dealer_a,
            vin=ale_vin(serial),
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


def resolve_value(value, world: World):
    return value(world) if callable(value) else value
