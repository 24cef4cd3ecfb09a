"""The letter preview on the new-mailing page: one vehicle of the selection, as PDF or HTML."""

from __future__ import annotations

from dataclasses import dataclass

from campaign.models import AffectedVehicle, Campaign, Vehicle
from mailings.letters import LetterText, LetterView, html_pdf, letter_text, letters_html

SAMPLE = LetterView(
    pk=0,
    vin="JTHBE96S770007978",
    model_year=2007,
    model_label="GS 350",
    owner_name="Sample Owner",
    address1="1 Sample Street",
    address2="",
    city="Sacramento",
    state="CA",
    postal_code="95814",
)


@dataclass(frozen=True)
class LetterPreview:
    text: LetterText
    letter: LetterView
    vehicle: Vehicle | None  # the owner shown, for the owner-data log; None for the sample

    def html(self) -> str:
        return letters_html(text=self.text, letters=[self.letter], for_browser=True)

    def pdf(self) -> bytes:
        return html_pdf(letters_html(text=self.text, letters=[self.letter]))[0]


def letter_preview(*, campaign: Campaign, kind: str) -> LetterPreview:
    """The first open vehicle with an address (in ZIP order), or a sample letter if none has one."""
    text = letter_text(campaign=campaign, kind=kind)
    entry = (
        AffectedVehicle.objects.filter(campaign=campaign, status=AffectedVehicle.Status.OPEN)
        .exclude(vehicle__owner_name="")
        .exclude(vehicle__address1="")
        .filter(vehicle__address_undeliverable_at__isnull=True)
        .select_related("vehicle")
        .order_by("vehicle__postal_code", "vehicle__vin")
        .first()
    )
    if entry is None:
        return LetterPreview(text=text, letter=SAMPLE, vehicle=None)
    v = entry.vehicle
    letter = LetterView(
        pk=0,
        vin=v.vin,
        model_year=v.model_year,
        model_label=v.model_label,
        owner_name=v.owner_name,
        address1=v.address1,
        address2=v.address2,
        city=v.city,
        state=v.state,
        postal_code=v.postal_code,
    )
    return LetterPreview(text=text, letter=letter, vehicle=v)
