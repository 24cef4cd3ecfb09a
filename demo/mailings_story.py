"""Owner letters in the demo: one finished owner notification to a slice of the home dealer's
owners, and a return file with forwarding addresses and undeliverable letters.

The mailing is made and run by the product's own service (in-process without Redis: its
letters are rendered by WeasyPrint during the seed, so the slice is small to keep the seed
fast), and the returns go through ``returned_mail_import`` like an administrator's upload. So
the mailing pages, the package download, the vehicle record's letters card and regional
staff's "owner not located" candidates all have data.
"""

from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign
from dealers.models import Membership

LETTERS = 40  # two chunks of 20: a few seconds of rendering
CHUNK = 20
FORWARDED, UNDELIVERABLE = 3, 6
UNDELIVERABLE_REASONS = ("Attempted not known", "Vacant", "No such number", "moved", "refused")
STREETS = ("Alder Way", "Birch Court", "Cedar Lane", "Dogwood Drive")


def mailings_seed(*, campaign: Campaign, seed: int, stdout: TextIO) -> bool:
    """Write the demo's mailing once; a campaign that has one is left alone."""
    from mailings.models import Letter, Mailing
    from mailings.returned_mail import returned_mail_import
    from mailings.services import mailing_create

    if Mailing.objects.filter(campaign=campaign).exists():
        stdout.write("Mailings: already there, left as they are.\n")
        return False
    home = Membership.objects.filter(user__username="service").values_list("dealer_id", flat=True).first()
    if home is None:
        stdout.write("Mailings: no demo service manager, no mailing.\n")
        return False
    vins = list(
        AffectedVehicle.objects.filter(
            campaign=campaign, status=AffectedVehicle.Status.OPEN, vehicle__servicing__dealer_id=home
        )
        .exclude(vehicle__address1="")
        .order_by("vehicle_id")
        .values_list("vehicle_id", flat=True)[:LETTERS]
    )
    admin = get_user_model().objects.filter(username="admin").first()
    mailing = mailing_create(
        campaign_id=campaign.pk, kind=Mailing.Kind.NOTIFICATION, user=admin, chunk_size=CHUNK, only_vins=vins
    )
    mailing.refresh_from_db()
    letters = list(Letter.objects.filter(mailing=mailing).order_by("sequence"))
    rng = random.Random(seed)
    returned = rng.sample(letters, min(FORWARDED + UNDELIVERABLE, len(letters)))
    today = timezone.localdate().isoformat()
    rows = [
        "letter_id,reason,received_on,forwarding_address1,forwarding_city,forwarding_state,forwarding_zip"
    ]
    for n, letter in enumerate(returned):
        if n < FORWARDED:
            rows.append(
                f"{letter.pk},forwarded,{today},{100 + n} {STREETS[n % len(STREETS)]},{letter.city},{letter.state},{letter.postal_code}"
            )
        else:
            rows.append(f"{letter.pk},{UNDELIVERABLE_REASONS[n % len(UNDELIVERABLE_REASONS)]},{today},,,,")
    with tempfile.TemporaryDirectory() as folder:
        recorded = returned_mail_import(
            campaign_id=campaign.pk,
            source=io.BytesIO("\n".join(rows).encode()),
            original_name="usps-returns-demo.csv",
            user=admin,
            rejects_path=Path(folder) / "rejects.csv",
        )
    stdout.write(
        f"Mailings: owner notification {mailing.pk} to {mailing.letters_total} owners of the home dealer "
        f"({mailing.get_status_display().lower()}), {recorded.rows_forwarded} letters returned with a "
        f"forwarding address, {recorded.rows_undeliverable} undeliverable.\n"
    )
    return True
