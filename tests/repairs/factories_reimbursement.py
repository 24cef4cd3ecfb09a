"""Builders for the owner reimbursement tests: receipts of each kind, a window, an affected VIN."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

WINDOW_FROM = dt.date(2010, 1, 1)
WINDOW_UNTIL = dt.date(2010, 12, 31)
REPAIR_DATE = dt.date(2010, 6, 15)

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 40
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

_serials = itertools.count(30000)


def receipt(content: bytes = PDF_BYTES, name: str = "receipt.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def window_set(campaign, *, start=WINDOW_FROM, until=WINDOW_UNTIL):
    campaign.reimbursement_from = start
    campaign.reimbursement_until = until
    campaign.save(update_fields=["reimbursement_from", "reimbursement_until"])
    return campaign


def affected_vin(campaign, *, status: str = "open", with_owner: bool = True) -> str:
    """A fresh VIN on ``campaign``'s posted list (with or without a registered owner on file)."""
    owner = (
        {} if with_owner else {"owner_name": "", "address1": "", "city": "", "email": "", "postal_code": ""}
    )
    vehicle = VehicleFactory(vin=ale_vin(next(_serials)), **owner)
    AffectedVehicleFactory(campaign=campaign, vehicle=vehicle, status=status)
    return vehicle.vin


def fresh_vin() -> str:
    """A valid VIN in ALE's range that no list holds and no Vehicle row knows."""
    return ale_vin(next(_serials))


def submission(vin: str, **overrides) -> dict:
    """Keyword arguments for ``reimbursement_submit``."""
    fields = {
        "vin": vin,
        "campaign_code": "ALE",
        "owner_name": "Pat Owner",
        "email": "pat@example.com",
        "repair_date": REPAIR_DATE,
        "facility": "Main Street Garage, Pasadena",
        "amount_paid": Decimal("1840.00"),
        "receipt": receipt(),
        "owner_paid_statement": True,
    }
    fields.update(overrides)
    return fields


def form_data(vin: str, **overrides) -> dict:
    """POST data for the public form."""
    data = {
        "campaign": "ALE",
        "vin": vin,
        "owner_name": "Pat Owner",
        "email": "pat@example.com",
        "phone": "",
        "address1": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "repair_date": REPAIR_DATE.isoformat(),
        "facility": "Main Street Garage, Pasadena",
        "amount_paid": "1840.00",
        "receipt": receipt(),
        "owner_paid_statement": "on",
    }
    data.update(overrides)
    return data
