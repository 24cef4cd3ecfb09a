"""Owner reimbursement receipts: what kind of file it really is, and where it is kept.

The kind is read from the file's first bytes, never from its name or the browser's
``Content-Type`` (both are whatever the sender says): a PNG renamed ``.pdf`` is a PNG, a
program renamed ``.pdf`` is refused. Only what the signatures tell reliably is checked:

- PDF: ``%PDF-`` (ISO 32000, the header readers look for);
- JPEG: ``FF D8 FF`` (start-of-image followed by a marker);
- PNG: the 8-byte signature followed by the ``IHDR`` chunk, which the PNG spec puts first.

(Pillow is not installed; opening an image would be a deeper check, not a more reliable one
for PDFs.) The stored name is random, so nothing from the sender reaches the file system
or, later, a download's headers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from campaign.errors import DomainError
from campaign.upload_limits import upload_size_error

# settings.REIMBURSEMENT_MAX_UPLOAD_MB; enforced as the body arrives (campaign.upload_limits).
UPLOAD_LIMIT_SETTING = "REIMBURSEMENT_MAX_UPLOAD_MB"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True)
class ReceiptKind:
    content_type: str
    extension: str
    label: str


PDF = ReceiptKind("application/pdf", ".pdf", "PDF")
JPEG = ReceiptKind("image/jpeg", ".jpg", "JPEG")
PNG = ReceiptKind("image/png", ".png", "PNG")
KINDS = (PDF, JPEG, PNG)
EXTENSION_BY_TYPE = {kind.content_type: kind.extension for kind in KINDS}


def receipt_kind(head: bytes) -> ReceiptKind | None:
    """The kind of file whose first bytes are ``head`` (at least 16 of them), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_PNG_SIGNATURE) and head[12:16] == b"IHDR":
        return PNG
    return None


def receipt_check(receipt: UploadedFile) -> ReceiptKind:
    """The receipt's kind; a ``DomainError`` on the ``receipt`` field if it is too big, empty or not one."""
    if too_big := upload_size_error(receipt, setting=UPLOAD_LIMIT_SETTING):
        raise DomainError(f"{too_big} Scan or photograph it at a lower resolution.", field="receipt")
    if not receipt.size:
        raise DomainError("The receipt file is empty.", field="receipt")
    receipt.seek(0)
    head = receipt.read(16)
    receipt.seek(0)
    kind = receipt_kind(head)
    if kind is None:
        raise DomainError(
            "The receipt must be a PDF, JPEG or PNG file (a scan or a photo of it); this file is none of them.",
            field="receipt",
        )
    return kind


def receipt_storage_name(kind: ReceiptKind) -> str:
    """A random file name with the kind's extension (the upload_to folder is the model's)."""
    return f"{secrets.token_hex(16)}{kind.extension}"
