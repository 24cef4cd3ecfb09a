"""Owner reimbursement requests in the demo: the warranty administrator's queue, in every state.

Each request is filed through ``reimbursement_submit`` (the public form's service: the VIN on
the posted list, the repair date inside the window, the receipt checked by its first bytes and
stored through the model's storage under a random name) and decided through the administrator's
services (approve with an amount, deny with a reason, ask for more), so every row and history
row is one the product itself writes. Then, as ``demo.campaign_progress`` dates the phases,
the submissions and decisions are dated back over the last weeks.

The repair dates are today-relative (owners who paid before the recall reached them), which
needs the campaign's window on the demo's calendar: ``campaign_progress.reimbursement_window_seed``
moves it first. Receipts are tiny generated files, alternately a one-page PDF and a 1 × 1 PNG.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal
from typing import TextIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign

REQUESTS = 24
# (status, share of the requests); "approved_after_info" was asked for more first.
MIX = (("submitted", 9), ("more_info", 4), ("approved", 5), ("approved_after_info", 2), ("denied", 4))
REPAIRED_DAYS_AGO = (75, 900)  # paid before the demo campaign's start (70 days ago)
SUBMITTED_DAYS_AGO = (2, 45)
FACILITIES = (
    "Valley Import Auto Repair",
    "Main Street Motors",
    "Precision Japanese Auto",
    "Eastside Engine & Transmission",
    "Foothill Lexus Specialists",
    "Bayshore Auto Service",
)
MORE_INFO = (
    "Please send the repair order that lists the work done (the valve springs replaced) and proof "
    "of payment: a paid invoice or your card statement."
)
DENIALS = (
    "The receipt shows a timing belt and water pump replacement, not the valve spring repair this "
    "campaign covers.",
    "The VIN on the receipt is not the VIN of this request; send the receipt for this vehicle.",
)
PARTIAL = "Reimbursed up to the cost of the repair at a Lexus dealer: the flat-rate labor and the kit."


def receipt_png() -> bytes:
    """A valid 1 × 1 white PNG: signature, IHDR, IDAT, IEND (each chunk with its CRC)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1 × 1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte 0, one white pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def receipt_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF printing ``lines`` (Helvetica), with its cross-reference table."""

    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({escaped(t)}) '" for t in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1", "replace")),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _statuses(count: int) -> list[str]:
    """``count`` states, each present once there are enough, the rest in MIX's proportions."""
    total = sum(share for _, share in MIX)
    counts = {status: max(1, round(share * count / total)) for status, share in MIX}
    counts["submitted"] += count - sum(counts.values())  # the rounding's difference: still to decide
    statuses = [status for status, n in counts.items() for _ in range(max(n, 0))]
    return statuses[:count] if count >= len(MIX) else [status for status, _ in MIX][:count]


def reimbursements_seed(*, campaign: Campaign, seed: int, stdout: TextIO) -> int:
    """File and decide the demo's requests once; a campaign that already has some is left alone."""
    from repairs.models import ReimbursementEvent, ReimbursementRequest
    from repairs.reimbursement import (
        reimbursement_approve,
        reimbursement_deny,
        reimbursement_request_info,
        reimbursement_submit,
    )

    if ReimbursementRequest.objects.filter(campaign=campaign).exists():
        stdout.write("Reimbursement requests: already there, left as they are.\n")
        return 0
    oldest, newest = (timezone.localdate() - dt.timedelta(days=d) for d in reversed(REPAIRED_DAYS_AGO))
    window = (campaign.reimbursement_from, campaign.reimbursement_until)
    if None in window or not window[0] <= oldest <= newest <= window[1]:
        stdout.write(
            f"Reimbursement requests: none; {campaign.code}'s window does not take repairs from "
            f"{oldest:%Y-%m-%d} to {newest:%Y-%m-%d}.\n"
        )
        return 0
    rng = random.Random(seed)
    entries = list(
        AffectedVehicle.objects.filter(campaign=campaign)
        .exclude(vehicle__owner_name="")
        .exclude(vehicle__address1="")
        .select_related("vehicle")
        .order_by("pk")[: REQUESTS * 50]
    )
    chosen = rng.sample(entries, min(REQUESTS, len(entries)))
    reviewer = get_user_model().objects.filter(username="warranty").first()
    now, today = timezone.now(), timezone.localdate()
    filed = 0
    for n, (entry, status) in enumerate(zip(chosen, _statuses(len(chosen)), strict=True)):
        owner = entry.vehicle
        repaired = today - dt.timedelta(days=rng.randrange(*REPAIRED_DAYS_AGO))
        paid = Decimal(rng.randrange(95_000, 420_000)) / 100
        facility = f"{rng.choice(FACILITIES)}, {owner.city}"
        if n % 2:
            receipt = SimpleUploadedFile("receipt.png", receipt_png(), content_type="image/png")
        else:
            lines = [facility, f"Repair order for VIN {owner.vin}", f"{repaired:%Y-%m-%d}", f"Paid ${paid:,}"]
            receipt = SimpleUploadedFile("receipt.pdf", receipt_pdf(lines), content_type="application/pdf")
        request = reimbursement_submit(
            vin=owner.vin,
            campaign_code=campaign.code,
            owner_name=owner.owner_name,
            address1=owner.address1,
            city=owner.city,
            state=owner.state,
            postal_code=owner.postal_code,
            phone=owner.phone,
            email=owner.email,
            repair_date=repaired,
            facility=facility,
            amount_paid=paid,
            receipt=receipt,
            owner_paid_statement=True,
        )
        if status in ("more_info", "approved_after_info"):
            reimbursement_request_info(request_id=request.pk, user=reviewer, reason=MORE_INFO)
        if status.startswith("approved"):
            partial = rng.random() < 0.4
            amount = (paid * Decimal("0.6")).quantize(Decimal("0.01")) if partial else paid
            reimbursement_approve(
                request_id=request.pk, user=reviewer, amount=amount, reason=PARTIAL if partial else ""
            )
        elif status == "denied":
            reimbursement_deny(request_id=request.pk, user=reviewer, reason=rng.choice(DENIALS))
        _date_back(
            request.pk,
            submitted=now - dt.timedelta(days=rng.randrange(*SUBMITTED_DAYS_AGO), hours=rng.randrange(0, 12)),
            rng=rng,
            models=(ReimbursementRequest, ReimbursementEvent),
        )
        filed += 1
    stdout.write(f"Reimbursement requests: {filed} filed, in every state, with generated receipts.\n")
    return filed


def _date_back(pk: int, *, submitted: dt.datetime, rng: random.Random, models) -> None:
    """Submission at ``submitted``, each decision a day or a few later (never after now)."""
    Request, Event = models
    at = last = submitted
    events = list(Event.objects.filter(request_id=pk).order_by("pk"))
    for event in events:
        Event.objects.filter(pk=event.pk).update(at=at)
        last = at
        at = min(at + dt.timedelta(days=rng.randrange(1, 6), hours=rng.randrange(1, 8)), timezone.now())
    decided = last if len(events) > 1 else None
    Request.objects.filter(pk=pk).update(submitted_at=submitted, decided_at=decided)
