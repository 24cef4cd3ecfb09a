"""Reads about a campaign's remedy: which labor operation and kit a given VIN's repair uses.

The remedy is defined per covered model (``RemedyOperation``, the definition's ``remedy``
section); a VIN belongs to the covered model whose range holds it for its model year.
"""

from __future__ import annotations

from django.db.models import Q

from campaign.models import Campaign, RemedyOperation
from campaign.vin import decode


def remedy_operation_for_vin(*, campaign: Campaign, vin: str) -> RemedyOperation | None:
    """The campaign's labor operation (with its kit, ``.parts``) for this VIN; None if the
    campaign defines no remedy for the VIN's covered model (or no range holds the VIN).

    One query: the range match is the same as the look-up's (WMI, VDS, serial, model year).
    """
    decoded = decode(vin)
    return (
        RemedyOperation.objects.filter(
            covered_model__campaign=campaign,
            covered_model__model_year=decoded.model_year,
            covered_model__ranges__wmi=decoded.wmi,
            covered_model__ranges__vds=decoded.vds,
            covered_model__ranges__serial_from__lte=decoded.serial,
            covered_model__ranges__serial_to__gte=decoded.serial,
        )
        .select_related("covered_model", "kit")
        .prefetch_related("parts")
        .first()
    )


def remedy_operations(*, campaign: Campaign) -> list[RemedyOperation]:
    """Every labor operation of the campaign with its covered model and kit, in table order."""
    return list(
        RemedyOperation.objects.filter(Q(covered_model__campaign=campaign))
        .select_related("covered_model", "kit")
        .prefetch_related("parts")
        .order_by("covered_model__position")
    )
