"""The print-and-mail vendor's package: a folder per mailing under MEDIA_ROOT.

``mailings/<id>/`` holds, per chunk, ``letters-NNNN.pdf`` (the chunk's letters in mailing
order) and ``manifest-NNNN.csv`` (letter id, VIN, name, address lines, sorted by ZIP, which is
the mailing order), plus ``envelope-spec.txt``. Every file is written to a temporary name in
the same folder and renamed into place, so a worker killed mid-write never leaves half a file
under a final name, and two workers rendering the same chunk leave one whole file.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.conf import settings

from campaign.csv_safe import csv_row_escape
from campaign.models import Campaign
from mailings.letters import ENVELOPE_LABEL, LETTER_HEADING, LETTER_PAGES, LetterView

MANIFEST_HEADER = (
    "letter_id",
    "sequence",
    "vin",
    "name",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "pages",
)


def package_dir(mailing_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "mailings" / str(mailing_id)


def manifest_path(mailing_id: int, chunk: int) -> Path:
    return package_dir(mailing_id) / f"manifest-{chunk:04d}.csv"


def pdf_path(mailing_id: int, chunk: int) -> Path:
    return package_dir(mailing_id) / f"letters-{chunk:04d}.pdf"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing: a temporary file in the folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        # No fsync: the rename is what a killed worker cannot tear (the page cache outlives the
        # process); a machine crash before the write-back is what the lease and re-render cover.
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def manifest_bytes(letters: Iterable[LetterView]) -> bytes:
    """The chunk's manifest: one row per letter, cells defused for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_HEADER)
    for letter in letters:
        writer.writerow(
            csv_row_escape(
                (
                    letter.pk,
                    letter.sequence,
                    letter.vin,
                    letter.owner_name,
                    letter.address1,
                    letter.address2,
                    letter.city,
                    letter.state,
                    letter.postal_code,
                    LETTER_PAGES,
                )
            )
        )
    return out.getvalue().encode("utf-8")


def envelope_spec(*, campaign: Campaign, mailing_id: int, kind_label: str) -> str:
    return f"""ENVELOPE AND MAILING SPECIFICATION
Mailing {mailing_id}: {campaign.title} ({campaign.code}), {kind_label}
Sender: {campaign.manufacturer}

Class of mail: USPS First-Class Mail (49 CFR 577.7). Presorted by ZIP code: the letters
are in ZIP order within each letters-NNNN.pdf, and manifest-NNNN.csv lists them in the
same order (letter_id, sequence, vin, name, address lines, pages).

Envelope: #10 (4 1/8 x 9 1/2 in), single window for the recipient's address, showing the
address block printed 2.0 in from the top and 7/8 in from the left edge of page 1 of each
letter (window about 4 1/2 x 1 1/8 in). Letters are tri-folded, page 1 outermost.

Label (49 CFR 577.14): the envelope carries, on its front (address side), the label

    {ENVELOPE_LABEL}

in capital letters, white text on a red background, at least 1 inch high and 3 inches wide,
with "Issued in Accordance With Federal Law" beneath it. Nothing else is printed on the
envelope's front except the addresses, the postage and the manufacturer's logo.

Each letter: {LETTER_PAGES} pages, US letter (8 1/2 x 11 in), printed one side, black; it opens
with "{LETTER_HEADING}" in type larger than the rest of the letter (49 CFR 577.5(a)).
Split each PDF every {LETTER_PAGES} pages; the footer of every page names its letter id and VIN.

Returned mail: report every returned envelope with its letter id (or VIN), the reason, and
the USPS forwarding address if there is one, as a CSV with the columns
letter_id, vin, reason, received_on, forwarding_address1, forwarding_address2,
forwarding_city, forwarding_state, forwarding_zip.
"""


def package_start(*, mailing, campaign: Campaign) -> Path:
    """Create the package folder with its envelope specification (before any chunk renders)."""
    folder = package_dir(mailing.pk)
    spec = envelope_spec(campaign=campaign, mailing_id=mailing.pk, kind_label=mailing.get_kind_display())
    atomic_write(folder / "envelope-spec.txt", spec.encode("utf-8"))
    return folder


def package_files(mailing_id: int) -> list[Path]:
    """The package's files, in name order (envelope spec, then letters and manifests by chunk)."""
    folder = package_dir(mailing_id)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def package_zip(mailing_id: int, files: Sequence[Path]):
    """A temporary file holding the package as a zip (PDFs are already compressed: stored)."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115  (the caller's response closes it)
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in files:
            archive.write(path, arcname=f"mailing-{mailing_id}/{path.name}")
    spooled.seek(0)
    return spooled
