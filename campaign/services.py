"""Writes to campaigns: loading a definition, moving through phases."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from campaign.definition import CampaignDef
from campaign.errors import DomainError
from campaign.models import (
    Campaign,
    CampaignPhaseChange,
    CoveredModel,
    Kit,
    RemedyOperation,
    RemedyPart,
    VinRange,
)


@transaction.atomic
def campaign_load(*, definition: CampaignDef) -> Campaign:
    """Create or update a campaign and replace its VIN table and remedy; all or nothing.

    The covered models are recreated, and their labor operations and kits with them (they
    cascade from the covered model; nothing else points at them: a repair order copies its
    parts, so a reloaded kit never rewrites past repairs).

    Live models only: migration 0002 carries its own frozen copy of this for ALE.
    """
    existing = Campaign.objects.select_for_update().filter(code=definition.code).first()
    fields = dict(definition.fields)
    if existing is not None:
        # The phase moves only through campaign_phase_advance, where the change is recorded.
        fields.pop("phase")
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.data_updated_at = timezone.now()
        existing.save()
        campaign = existing
    else:
        campaign = Campaign.objects.create(code=definition.code, **fields)
        CampaignPhaseChange.objects.create(
            campaign=campaign, from_phase="", to_phase=campaign.phase, note="Campaign loaded"
        )

    # Kits are updated in place, never deleted: dealer stock and reservations point at them.
    kits = {}
    for kit in definition.kits:
        kits[kit.part_number], _ = Kit.objects.update_or_create(
            campaign=campaign,
            part_number=kit.part_number,
            defaults={
                "description": kit.description,
                "quantity_per_vehicle": kit.quantity_per_vehicle,
                "dealer_net_price": kit.dealer_net_price,
            },
        )
    CoveredModel.objects.filter(campaign=campaign).delete()
    for position, cm in enumerate(definition.covered_models, start=1):
        row = CoveredModel.objects.create(
            campaign=campaign,
            position=position,
            model_label=cm.model_label,
            model_year=cm.model_year,
            uio=cm.uio,
        )
        VinRange.objects.bulk_create(
            VinRange(
                covered_model=row,
                position=i,
                wmi=r.wmi,
                vds=r.vds,
                serial_from=r.serial_from,
                serial_to=r.serial_to,
            )
            for i, r in enumerate(cm.ranges, start=1)
        )
        if cm.remedy is not None:
            operation = RemedyOperation.objects.create(
                covered_model=row,
                labor_operation=cm.remedy.labor_operation,
                flat_rate_hours=cm.remedy.flat_rate_hours,
                kit=kits.get(cm.remedy.stock_kit) if cm.remedy.stock_kit else None,
            )
            RemedyPart.objects.bulk_create(
                RemedyPart(
                    operation=operation,
                    part_number=part.part_number,
                    description=part.description,
                    quantity=part.quantity,
                    dealer_net_price=part.dealer_net_price,
                )
                for part in cm.remedy.kit
            )
    return campaign


def _campaign_get(*, campaign_id: int, for_update: bool = False) -> Campaign:
    campaigns = Campaign.objects.select_for_update() if for_update else Campaign.objects.all()
    campaign = campaigns.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("That campaign does not exist.", field="campaign", code="not_found")
    return campaign


@transaction.atomic
def campaign_phase_advance(*, campaign_id: int, to_phase: str, user=None, note: str = "") -> Campaign:
    """Move a campaign to a later phase (or close it), recording who did it and why."""
    campaign = _campaign_get(campaign_id=campaign_id, for_update=True)
    if to_phase not in Campaign.Phase.values:
        raise DomainError(f"{to_phase!r} is not a campaign phase.", field="to_phase")
    if to_phase not in Campaign.Phase.later_than(campaign.phase):
        raise DomainError(
            f"{campaign.code} is already at '{campaign.get_phase_display()}'; a campaign only moves forward.",
            field="to_phase",
        )
    CampaignPhaseChange.objects.create(
        campaign=campaign, from_phase=campaign.phase, to_phase=to_phase, changed_by=user, note=note
    )
    campaign.phase = to_phase
    campaign.data_updated_at = timezone.now()
    campaign.save(update_fields=["phase", "data_updated_at", "updated_at"])
    return campaign


def campaign_document_add(*, campaign_id: int, kind: str, title: str, file, user=None):
    """Publish a document (technical instructions, parts information, claim instructions…) to a campaign."""
    from campaign.models import CampaignDocument

    if kind not in CampaignDocument.Kind.values:
        raise DomainError(f"{kind!r} is not a kind of campaign document.", field="kind")
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Give the document a title dealers will recognise.", field="title")
    campaign = _campaign_get(campaign_id=campaign_id)
    document = CampaignDocument(campaign=campaign, kind=kind, title=title, uploaded_by=user)
    document.file.save(file.name, file, save=False)
    document.save()
    return document
