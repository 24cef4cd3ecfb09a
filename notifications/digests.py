"""The dealer digest: once a day, in the dealer's morning, each staff member gets what changed
for their role since the last digest: new stop-sale units (pre-owned), appointments at risk of
having no kit and wait-list changes (service, parts), claims returned or rejected (service).
The principal gets every section. Nobody gets an empty digest.

Five queries a dealer (the run's claim, the members, and one per section), whatever the
dealer's size; the lists in the message are capped, the counts are not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from dealers.models import Dealer, InventoryUnit, Membership
from notifications.models import Channel, DigestRun, Message
from notifications.queueing import Draft, messages_queue, render_message
from parts.models import KitReservationEvent
from parts.waitlist_selectors import appointments_at_risk
from repairs.models import ClaimEvent, WarrantyClaim

Role = Membership.Role
LIST_CAP = 10
SECTIONS_BY_ROLE = {
    Role.DEALER_PRINCIPAL: {"stop_sale", "at_risk", "claims", "waitlist"},
    Role.SERVICE_MANAGER: {"at_risk", "claims", "waitlist"},
    Role.PARTS_MANAGER: {"at_risk", "waitlist"},
    Role.PREOWNED_MANAGER: {"stop_sale"},
}
WAITLIST_WORDS = {
    "waiting": "joined the wait-list",
    "reserved": "got a kit",
    "consumed": "used their kit in the repair",
    "released": "left the line or gave up their kit",
}


@dataclass
class DigestContent:
    stop_sale: list = field(default_factory=list)
    stop_sale_count: int = 0
    at_risk: list = field(default_factory=list)
    at_risk_count: int = 0
    claims: list = field(default_factory=list)
    claims_count: int = 0
    waitlist: list[tuple[str, int]] = field(default_factory=list)

    def has(self, section: str) -> bool:
        return bool(getattr(self, f"{section}_count", None) or (section == "waitlist" and self.waitlist))


def dealers_due_for_digest(*, now: dt.datetime | None = None) -> list[tuple[int, dt.date]]:
    """(dealer, local day) for each active dealer whose local hour has passed
    ``NOTIFY_DIGEST_HOUR`` and that has no digest for its local day yet."""
    now = now or timezone.now()
    due = []
    dealers = list(Dealer.objects.filter(active=True).values_list("pk", "time_zone"))
    days = {zone: now.astimezone(ZoneInfo(zone)) for zone in {z for _, z in dealers}}
    done = set(
        DigestRun.objects.filter(day__gte=now.date() - dt.timedelta(days=1)).values_list("dealer_id", "day")
    )
    for dealer_id, zone in dealers:
        local = days[zone]
        if local.hour >= settings.NOTIFY_DIGEST_HOUR and (dealer_id, local.date()) not in done:
            due.append((dealer_id, local.date()))
    return due


def digest_content(*, dealer: Dealer, since: dt.datetime, until: dt.datetime) -> DigestContent:
    content = DigestContent()
    held = InventoryUnit.objects.filter(
        dealer=dealer,
        status=InventoryUnit.Status.IN_STOCK,
        stop_sale=True,
        stop_sale_since__gte=since,
        stop_sale_since__lt=until,
    ).order_by("stop_sale_since")
    content.stop_sale = list(held[: LIST_CAP + 1])
    content.stop_sale_count = len(content.stop_sale) if len(content.stop_sale) <= LIST_CAP else held.count()
    risky = appointments_at_risk(dealers=[dealer])
    zone = ZoneInfo(dealer.time_zone)
    content.at_risk = [(a, a.start_at.astimezone(zone)) for a in risky[: LIST_CAP + 1]]
    content.at_risk_count = len(content.at_risk) if len(content.at_risk) <= LIST_CAP else risky.count()
    events = (
        ClaimEvent.objects.filter(
            claim__dealer=dealer,
            to_status__in=[WarrantyClaim.Status.RETURNED, WarrantyClaim.Status.REJECTED],
            at__gte=since,
            at__lt=until,
        )
        .select_related("claim")
        .order_by("at")
    )
    content.claims = list(events[: LIST_CAP + 1])
    content.claims_count = len(content.claims) if len(content.claims) <= LIST_CAP else events.count()
    content.stop_sale, content.at_risk, content.claims = (
        content.stop_sale[:LIST_CAP],
        content.at_risk[:LIST_CAP],
        content.claims[:LIST_CAP],
    )
    changes = (
        KitReservationEvent.objects.filter(reservation__dealer=dealer, at__gte=since, at__lt=until)
        .values("to_status")
        .annotate(n=Count("pk"))
        .order_by("to_status")
    )
    content.waitlist = [(WAITLIST_WORDS.get(row["to_status"], row["to_status"]), row["n"]) for row in changes]
    return content


def dealer_digest_queue(*, dealer_id: int, day: dt.date, now: dt.datetime | None = None) -> list[int]:
    """Build the dealer's digest for ``day`` once, in one transaction with its run row: a second
    run (beat overlap, redelivery) waits on the unique run row and then finds it taken."""
    now = now or timezone.now()
    dealer = Dealer.objects.filter(pk=dealer_id, active=True).first()
    if dealer is None:
        return []
    previous = DigestRun.objects.filter(dealer=dealer, day__lt=day).order_by("-day").first()
    since = previous.covered_until if previous else now - dt.timedelta(days=1)
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(dealer=dealer, day=day, covered_from=since, covered_until=now)
            content = digest_content(dealer=dealer, since=since, until=now)
            drafts = _drafts(dealer=dealer, day=day, content=content)
            created = messages_queue(drafts)
            run.messages = len(created)
            run.save(update_fields=["messages"])
    except IntegrityError:
        return []  # built already
    return created


def _drafts(*, dealer: Dealer, day: dt.date, content: DigestContent) -> list[Draft]:
    sections_by_user: dict[int, set[str]] = {}
    users = {}
    for membership in Membership.objects.filter(dealer=dealer, user__is_active=True).select_related("user"):
        sections_by_user.setdefault(membership.user_id, set()).update(
            SECTIONS_BY_ROLE.get(membership.role, ())
        )
        users[membership.user_id] = membership.user
    drafts = []
    for user_id, sections in sorted(sections_by_user.items()):
        user = users[user_id]
        shown = {s for s in sections if content.has(s)}
        if not shown or not user.email:
            continue
        subject, body = render_message(
            Message.Kind.DEALER_DIGEST,
            Channel.EMAIL,
            {
                "time_zone": dealer.time_zone,
                "dealer": dealer,
                "day": day,
                "user": user,
                "content": content,
                "sections": shown,
                "base_url": settings.PUBLIC_BASE_URL.rstrip("/"),
            },
        )
        drafts.append(
            Draft(
                dedupe_key=f"digest:{dealer.pk}:{day:%Y-%m-%d}:{user_id}",
                kind=Message.Kind.DEALER_DIGEST,
                channel=Channel.EMAIL,
                recipient=user.email,
                subject=subject,
                body=body,
                dealer_id=dealer.pk,
                user_id=user_id,
            )
        )
    return drafts
