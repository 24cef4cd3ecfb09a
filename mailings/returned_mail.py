"""Returned mail: the vendor's or USPS's return file, row by row, with reject-and-report.

Columns (by name, any order): ``letter_id`` or ``vin`` (at least one), ``reason``, and
optionally ``received_on`` (YYYY-MM-DD, default today) and the forwarding address
(``forwarding_address1``, ``forwarding_address2``, ``forwarding_city``, ``forwarding_state``,
``forwarding_zip``). A row that cannot be used is rejected with its line and why (into a
rejects CSV: line, VIN, reason, never the addresses); the others land in ONE transaction.

- A forwarding address replaces the owner's address, recorded as an ``OwnerAddressChange``
  (old, new, who, why), and clears any undeliverable mark.
- Any other reason marks the address undeliverable (``Vehicle.address_undeliverable_at``):
  no further letter goes to it until fresh registration data changes it.
- Either only if the owner's address is still the one the letter went to: a return of an
  old address never overwrites or condemns a newer one (the return is still recorded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from campaign import vin as vinlib
from campaign.csv_rows import CsvRows, Reject, RejectsWriter, RowsReport, csv_header_index, reject_vin
from campaign.errors import DomainError
from campaign.models import Campaign, Vehicle
from mailings.models import Letter, OwnerAddressChange, ReturnedMail, ReturnedMailImport

Reason = ReturnedMail.Reason
REQUIRED = ("reason",)
OPTIONAL = (
    "letter_id",
    "vin",
    "received_on",
    "forwarding_address1",
    "forwarding_address2",
    "forwarding_city",
    "forwarding_state",
    "forwarding_zip",
)
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "postal_code")
# What return files say, as USPS and vendors spell it, onto our reasons.
REASON_WORDS = {
    **{value: value for value in Reason.values},
    "forward": Reason.FORWARDED,
    "forwarding": Reason.FORWARDED,
    "moved": Reason.MOVED_NO_ADDRESS,
    "moved_left_no_address": Reason.MOVED_NO_ADDRESS,
    "mlna": Reason.MOVED_NO_ADDRESS,
    "attempted_not_known": Reason.UNKNOWN,
    "unknown": Reason.UNKNOWN,
    "insufficient_address": Reason.NO_SUCH_ADDRESS,
    "no_such_street": Reason.NO_SUCH_ADDRESS,
    "no_such_number": Reason.NO_SUCH_ADDRESS,
    "vacant": Reason.UNDELIVERABLE,
    "unable_to_forward": Reason.UNDELIVERABLE,
    "refused": Reason.REFUSED,
}


class _Rejected(Exception):
    def __init__(self, reason: str):
        self.reason = reason


@dataclass
class ReturnedMailResult(RowsReport):
    forwarded: int = 0
    undeliverable: int = 0
    # Returns recorded whose letter went to an address the owner has since changed.
    stale_address: int = 0


def _reason(raw: str) -> str:
    word = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if word not in REASON_WORDS:
        raise _Rejected(f"Unknown reason {raw.strip()!r}; use one of: {', '.join(Reason.values)}.")
    return REASON_WORDS[word]


def _letter(*, campaign: Campaign, letter_id: str, vin: str) -> Letter:
    letter = None
    if letter_id:
        if not letter_id.isdigit():
            raise _Rejected(f"letter_id {letter_id!r} is not a letter number.")
        letter = Letter.objects.filter(pk=int(letter_id), campaign=campaign).select_related("vehicle").first()
        if letter is None:
            raise _Rejected(f"No letter {letter_id} in {campaign.code}.")
    if vin:
        try:
            vin = vinlib.validate(vinlib.normalise(vin))
        except vinlib.InvalidVin as exc:
            raise _Rejected(exc.message) from None
        if letter is not None and letter.vehicle_id != vin:
            raise _Rejected(f"Letter {letter.pk} went to {letter.vehicle_id}, not {vin}.")
        if letter is None:
            letter = (
                Letter.objects.filter(campaign=campaign, vehicle_id=vin, mailed_on__isnull=False)
                .select_related("vehicle")
                .order_by("-mailed_on", "-pk")
                .first()
            )
            if letter is None:
                raise _Rejected(f"No letter of {campaign.code} was mailed to {vin}.")
    if letter is None:
        raise _Rejected("The row gives neither a letter_id nor a VIN.")
    if letter.mailed_on is None:
        raise _Rejected(f"Letter {letter.pk} has not been mailed yet.")
    return letter


def _received_on(raw: str, letter: Letter) -> dt.date:
    if not raw.strip():
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise _Rejected(f"received_on {raw.strip()!r} is not a date written YYYY-MM-DD.") from None
    if day < letter.mailed_on:
        raise _Rejected(f"received_on {day} is before the letter was mailed ({letter.mailed_on}).")
    if day > timezone.localdate():
        raise _Rejected(f"received_on {day} is in the future.")
    return day


def _forwarding(cell, reason: str) -> dict[str, str]:
    new = {
        "address1": cell("forwarding_address1"),
        "address2": cell("forwarding_address2"),
        "city": cell("forwarding_city"),
        "state": cell("forwarding_state").upper(),
        "postal_code": cell("forwarding_zip"),
    }
    given = any(new.values())
    if reason != Reason.FORWARDED:
        if given:
            raise _Rejected(
                f"A forwarding address with reason {reason!r}: give reason 'forwarded' to use it."
            )
        return {}
    missing = [name for name in ("address1", "city", "state", "postal_code") if not new[name]]
    if missing:
        columns = ", ".join("forwarding_zip" if n == "postal_code" else f"forwarding_{n}" for n in missing)
        raise _Rejected(f"Reason 'forwarded' needs the forwarding address: {columns} missing.")
    if len(new["state"]) != 2 or not new["state"].isalpha():
        raise _Rejected(f"forwarding_state {new['state']!r} is not a two-letter state code.")
    if len(new["postal_code"]) > 10:
        raise _Rejected(f"forwarding_zip {new['postal_code']!r} is too long for a ZIP code.")
    for name, limit in (("address1", 120), ("address2", 120), ("city", 80)):
        if len(new[name]) > limit:
            raise _Rejected(f"forwarding_{name} is over {limit} characters.")
    return new


def _apply(*, letter: Letter, reason: str, received_on: dt.date, new: dict, upload, user, result) -> None:
    if ReturnedMail.objects.filter(letter=letter).exists():
        raise _Rejected(f"Letter {letter.pk} is already recorded as returned.")
    returned = ReturnedMail.objects.create(
        letter=letter,
        upload=upload,
        reason=reason,
        received_on=received_on,
        processed_by=user,
        **{f"forwarding_{k}": v for k, v in new.items()},
    )
    vehicle = Vehicle.objects.select_for_update().get(pk=letter.vehicle_id)
    as_mailed = {name: getattr(letter, name) for name in ADDRESS_FIELDS}
    current = {name: getattr(vehicle, name) for name in ADDRESS_FIELDS}
    if current != as_mailed:
        result.stale_address += 1
        return
    now = timezone.now()
    if new:
        OwnerAddressChange.objects.create(
            vehicle=vehicle,
            returned_mail=returned,
            changed_by=user,
            old_address=current,
            new_address=new,
            reason=f"USPS forwarding address from returned letter {letter.pk} (received {received_on}).",
        )
        Vehicle.objects.filter(pk=vehicle.pk).update(
            **new, owner_updated_at=now, address_undeliverable_at=None
        )
        result.forwarded += 1
    else:
        Vehicle.objects.filter(pk=vehicle.pk).update(address_undeliverable_at=now)
        result.undeliverable += 1


def returned_mail_import(
    *, campaign_id: int, source: IO[bytes], original_name: str, user, rejects_path: Path
) -> ReturnedMailImport:
    """Record a return file; ``DomainError`` when the file itself cannot be read (then nothing is)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise DomainError("That campaign does not exist.", code="not_found")
    rejects = RejectsWriter(rejects_path)
    result = ReturnedMailResult()
    with CsvRows(source) as rows:
        header = rows.header()
        if header is None:
            raise DomainError("The file is empty; the first line should be a header with a 'reason' column.")
        index = csv_header_index(header, required=REQUIRED, optional=OPTIONAL)
        if "letter_id" not in index and "vin" not in index:
            raise DomainError("The header needs a 'letter_id' or a 'vin' column to find the letters.")
        try:
            with transaction.atomic():
                upload = ReturnedMailImport.objects.create(
                    campaign=campaign, original_name=original_name[:255], uploaded_by=user
                )
                for line, row, problem in rows:
                    result.read += 1

                    def cell(name: str, row=row) -> str:
                        at = index.get(name)
                        return row[at].strip() if at is not None and at < len(row) else ""

                    try:
                        if problem is not None:
                            raise _Rejected(problem)
                        reason = _reason(cell("reason"))
                        letter = _letter(campaign=campaign, letter_id=cell("letter_id"), vin=cell("vin"))
                        new = _forwarding(cell, reason)
                        received_on = _received_on(cell("received_on"), letter)
                        with transaction.atomic():
                            _apply(
                                letter=letter,
                                reason=reason,
                                received_on=received_on,
                                new=new,
                                upload=upload,
                                user=user,
                                result=result,
                            )
                    except _Rejected as exc:
                        reject = Reject(line, reject_vin(cell("vin") or cell("letter_id")), exc.reason)
                        result.add_reject(reject)
                        rejects.write(reject)
                rejects.close()
                upload.rows_read = result.read
                upload.rows_forwarded = result.forwarded
                upload.rows_undeliverable = result.undeliverable
                upload.rows_rejected = result.rejected
                if rejects.written:
                    with open(rejects_path, "rb") as handle:
                        upload.rejects.save(
                            f"returned-mail-{upload.pk}.rejects.csv", File(handle), save=False
                        )
                upload.save()
        except BaseException:
            rejects.discard()
            raise
    upload.result = result  # the sample of rejects, for the page that shows them
    return upload
