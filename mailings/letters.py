"""What an owner letter says and how it becomes a PDF (49 CFR 577.5, WeasyPrint).

``letter_text`` reads the campaign's fields once per chunk into the letter's paragraphs, in
the order Part 577 asks for: the Safety Act statement, the manufacturer's determination for
the owner's model and year, the defect, risk and warning signs, the remedy (free, and when it
is available), what the owner should do, the reimbursement statement (577.11) and how to tell
NHTSA. ``letters_pdf`` renders a run of letters as ONE WeasyPrint document (a chunk is one
PDF): the letters' HTML is built by Django's template engine, the layout by WeasyPrint.

Every letter is exactly ``LETTER_PAGES`` pages (the vendor splits the PDF by that count, and
the manifest says so); a campaign whose text would push a letter onto a third page is refused
when the chunk is rendered, rather than printed with letters out of step.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import Campaign

LETTER_PAGES = 2
# 577.5(a): the letter opens with this, larger than the rest; 577.14: the envelope's label.
LETTER_HEADING = "IMPORTANT SAFETY RECALL"
ENVELOPE_LABEL = "IMPORTANT SAFETY RECALL INFORMATION"
# WeasyPrint logs every page it lays out at INFO: a chunk would write hundreds of lines.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
CSS_PATH = Path(__file__).resolve().parent / "static" / "mailings" / "letter.css"


@dataclass(frozen=True)
class LetterText:
    kind: str
    date: dt.date
    label: str
    title: str
    nhtsa_number: str
    manufacturer: str
    manufacturer_short: str
    make: str
    defect: str
    risk: str
    warning_signs: str
    remedy: str
    availability: str
    owner_instructions: str
    reimbursement: str
    help_line: str


@dataclass(frozen=True)
class LetterView:
    """What one letter needs: the row's own columns and its vehicle's model, no owner look-up."""

    pk: int
    vin: str
    model_year: int
    model_label: str
    owner_name: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    sequence: int = 0
    interim_mailed_on: dt.date | None = None

    @property
    def address_lines(self) -> list[str]:
        last = f"{self.city}, {self.state} {self.postal_code}"
        return [line for line in (self.owner_name, self.address1, self.address2, last) if line.strip()]


def _reimbursement(campaign: Campaign) -> str:
    text = campaign.reimbursement or (
        "If you paid to have this condition repaired before this notice, you may be eligible for reimbursement."
    )
    if campaign.reimbursement_from and campaign.reimbursement_until:
        text += (
            f" Repairs made from {campaign.reimbursement_from:%B %-d, %Y} to "
            f"{campaign.reimbursement_until:%B %-d, %Y} are considered: send a copy of your repair order "
            "and proof of payment; any dealer can tell you how."
        )
    return text


def letter_text(*, campaign: Campaign, kind: str, date: dt.date | None = None) -> LetterText:
    """The campaign's side of every letter of a mailing; ``DomainError`` if a required part is missing."""
    from mailings.models import Mailing

    missing = [
        label
        for label, value in (
            ("defect", campaign.defect_description),
            ("risk (consequence)", campaign.consequence),
            ("remedy", campaign.remedy_description),
            ("owner instructions", campaign.owner_instructions),
        )
        if not value.strip()
    ]
    if missing:
        raise DomainError(
            f"{campaign.code} has no {', '.join(missing)} in its definition; a Part 577 letter needs them.",
            field="kind",
        )
    if kind == Mailing.Kind.INTERIM:
        when = campaign.owner_notification_planned or "as soon as possible"
        availability = (
            f"The remedy is not available yet: parts are expected {when}. We will send you a second "
            "notice as soon as your dealer can do the repair."
        )
    else:
        availability = "The remedy is available now: your dealer has, or can order, the parts."
    manufacturer = campaign.manufacturer
    return LetterText(
        kind=kind,
        date=date or timezone.localdate(),
        label=LETTER_HEADING,
        title=campaign.title,
        nhtsa_number=campaign.nhtsa_number,
        manufacturer=manufacturer,
        manufacturer_short=manufacturer.split(",")[0],
        make=campaign.make,
        defect=campaign.defect_description,
        risk=campaign.consequence,
        warning_signs=campaign.warning_signs,
        remedy=campaign.remedy_description,
        availability=availability,
        owner_instructions=campaign.owner_instructions,
        reimbursement=_reimbursement(campaign),
        help_line=campaign.customer_help_line,
    )


@lru_cache(maxsize=1)
def letter_stylesheet():
    """The print CSS, parsed once per process (WeasyPrint reuses it for every document)."""
    import weasyprint  # loads pango: only the processes that render pay for it

    return weasyprint.CSS(string=CSS_PATH.read_text(encoding="utf-8"))


def letters_html(*, text: LetterText, letters: Iterable[LetterView], for_browser: bool = False) -> str:
    """The HTML document of a run of letters. A browser (the HTML preview) gets the print CSS
    by a stylesheet link; WeasyPrint gets it as a parsed stylesheet (``html_pdf``): no inline
    style either way, as the CSP asks of every template."""
    return render_to_string(
        "mailings/letter_document.html", {"text": text, "letters": letters, "for_browser": for_browser}
    )


def html_pdf(html: str) -> tuple[bytes, int]:
    """WeasyPrint's PDF of ``html`` with the letter's print CSS, and its page count."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[letter_stylesheet()]
    )
    return document.write_pdf(), len(document.pages)


def letters_pdf(*, text: LetterText, letters: list[LetterView]) -> tuple[bytes, int]:
    """The PDF of ``letters`` in order and its page count; ``DomainError`` if one ran over."""
    pdf, pages = html_pdf(letters_html(text=text, letters=letters))
    if pages != LETTER_PAGES * len(letters):
        raise DomainError(
            f"The letters came out as {pages} pages for {len(letters)} letters, not {LETTER_PAGES} each: "
            "the campaign's text is too long for the letter's layout. Shorten it and run the mailing again."
        )
    return pdf, pages
