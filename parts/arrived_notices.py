"""The service department's side of a parts-arrived notice: the owner was called."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from campaign.errors import DomainError
from parts.models import PartsArrivedNotice


@transaction.atomic
def arrived_notice_mark_called(*, notice_id: int, dealer_ids, user) -> PartsArrivedNotice:
    """Record that the owner was called. A conditional update, so two clerks clicking at once
    record one call (the second is told it was already done)."""
    notice = (
        PartsArrivedNotice.objects.filter(pk=notice_id, reservation__dealer_id__in=sorted(dealer_ids))
        .select_related("reservation")
        .first()
    )
    if notice is None:
        raise DomainError("No such owner to call.", code="not_found")
    done = PartsArrivedNotice.objects.filter(pk=notice.pk, called_at__isnull=True).update(
        called_at=timezone.now(), called_by=user
    )
    if not done:
        raise DomainError(f"{notice.reservation.vehicle_id} was already called.", code="conflict")
    notice.refresh_from_db()
    return notice
