"""Creating a mailing: who it reaches, what each letter row holds, and what is refused."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign, Vehicle
from mailings import package
from mailings.letters import LETTER_PAGES
from mailings.models import Letter, Mailing, MailingChunk, MailingStatusChange
from mailings.services import mailing_preview_counts
from tests.mailings.conftest import fleet

Kind = Mailing.Kind
pytestmark = pytest.mark.django_db


def test_a_notification_reaches_open_vehicles_with_an_address_and_mails_each_once(
    ale_notifying, campaign_admin, create
):
    vehicles = fleet(ale_notifying, 12)
    # Left out: remedied, no address, undeliverable.
    AffectedVehicle.objects.filter(vehicle=vehicles[0]).update(status=AffectedVehicle.Status.REMEDIED)
    Vehicle.objects.filter(pk=vehicles[1].pk).update(address1="")
    Vehicle.objects.filter(pk=vehicles[2].pk).update(address_undeliverable_at=timezone.now())

    counts = mailing_preview_counts(campaign=ale_notifying, kind=Kind.NOTIFICATION)
    assert (counts.open_vehicles, counts.no_address, counts.undeliverable, counts.to_send) == (11, 1, 1, 9)

    mailing = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION, user=campaign_admin, chunk_size=4)

    assert mailing.status == Mailing.Status.DONE  # no Redis in unit tests: it ran in-process
    assert (mailing.letters_total, mailing.chunks_total) == (9, 3)
    assert (mailing.skipped_no_address, mailing.skipped_undeliverable) == (1, 1)
    letters = list(Letter.objects.filter(mailing=mailing).order_by("sequence"))
    assert {letter.vehicle_id for letter in letters} == {v.vin for v in vehicles[3:]}
    assert all(letter.mailed_on == timezone.localdate() for letter in letters)
    # Mailing order is ZIP order, and the chunks split it in runs of four.
    assert [letter.postal_code for letter in letters] == sorted(letter.postal_code for letter in letters)
    assert [letter.chunk for letter in letters] == [1, 1, 1, 1, 2, 2, 2, 2, 3]
    # The address as mailed is a copy: changing the owner's address later leaves the letter alone.
    first = letters[0]
    Vehicle.objects.filter(pk=first.vehicle_id).update(address1="1 New Road")
    first.refresh_from_db()
    assert first.address1 != "1 New Road"
    statuses = list(
        MailingStatusChange.objects.filter(mailing=mailing).values_list("from_status", "to_status")
    )
    assert statuses == [("", "queued"), ("queued", "rendering"), ("rendering", "done")]
    assert (
        MailingStatusChange.objects.filter(mailing=mailing, to_status="queued").get().changed_by
        == campaign_admin
    )


def test_the_package_holds_a_pdf_and_a_manifest_per_chunk(ale_notifying, create):
    fleet(ale_notifying, 5)
    mailing = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION, chunk_size=3)
    names = [p.name for p in package.package_files(mailing.pk)]
    assert names == [
        "envelope-spec.txt",
        "letters-0001.pdf",
        "letters-0002.pdf",
        "manifest-0001.csv",
        "manifest-0002.csv",
    ]
    for chunk in MailingChunk.objects.filter(mailing=mailing):
        reader = PdfReader(package.pdf_path(mailing.pk, chunk.number))
        assert len(reader.pages) == chunk.letters * LETTER_PAGES == chunk.pages
        rows = package.manifest_path(mailing.pk, chunk.number).read_text().splitlines()
        ids = [int(line.split(",")[0]) for line in rows[1:]]
        expected = Letter.objects.filter(mailing=mailing, chunk=chunk.number).order_by("sequence")
        assert ids == list(expected.values_list("pk", flat=True))
        zips = [line.split(",")[8] for line in rows[1:]]
        assert zips == sorted(zips)
        # The letter carries the Act's statement and the owner's VIN on its first page.
        first_page = " ".join(reader.pages[0].extract_text().split())
        assert "National Traffic and Motor Vehicle Safety Act" in first_page
        assert expected.first().vehicle_id in first_page
    spec = (package.package_dir(mailing.pk) / "envelope-spec.txt").read_text()
    assert "IMPORTANT SAFETY RECALL INFORMATION" in spec and "First-Class" in spec


def test_a_rerun_of_the_same_kind_sends_nothing_twice(ale_notifying, create):
    fleet(ale_notifying, 4)
    first = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    fleet(ale_notifying, 2, start=9000)  # added to the list since
    second = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    assert (first.letters_total, second.letters_total, second.skipped_already_mailed) == (4, 2, 4)
    with pytest.raises(DomainError, match="Nobody to write to"):
        create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    empty = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION, allow_empty=True)
    assert (empty.letters_total, empty.status) == (0, Mailing.Status.DONE)
    assert Letter.objects.filter(campaign=ale_notifying, kind=Kind.NOTIFICATION).count() == 6


def test_the_database_refuses_a_second_letter_of_a_kind_to_a_vehicle(ale_notifying, create):
    fleet(ale_notifying, 1)
    mailing = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    letter = Letter.objects.get(mailing=mailing)
    other = Mailing.objects.create(campaign=ale_notifying, kind=Kind.NOTIFICATION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            mailing=other,
            campaign=ale_notifying,
            kind=Kind.NOTIFICATION,
            vehicle_id=letter.vehicle_id,
            model_label=letter.model_label,
            model_year=letter.model_year,
            sequence=1,
            chunk=1,
            owner_name="x",
            address1="x",
            city="x",
            state="CA",
            postal_code="1",
        )


def test_the_kinds_follow_the_remedy(ale, create):
    fleet(ale, 3)
    assert ale.phase == Campaign.Phase.PRELIMINARY
    with pytest.raises(DomainError, match="send an interim notice"):
        create(campaign_id=ale.pk, kind=Kind.NOTIFICATION)
    interim = create(campaign_id=ale.pk, kind=Kind.INTERIM)
    assert interim.letters_total == 3
    with pytest.raises(DomainError, match="Nobody to write to"):
        # A follow-up needs the remedy and a notification before it.
        Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.OWNER_NOTIFICATION)
        create(campaign_id=ale.pk, kind=Kind.FOLLOW_UP)
    with pytest.raises(DomainError, match="send the owner notification"):
        create(campaign_id=ale.pk, kind=Kind.INTERIM)
    # The notification after an interim notice is its second notice (577.7), and says so.
    notification = create(campaign_id=ale.pk, kind=Kind.NOTIFICATION)
    letters = Letter.objects.filter(mailing=notification)
    assert letters.count() == 3 and all(
        letter.interim_mailed_on == timezone.localdate() for letter in letters
    )
    text = " ".join(PdfReader(package.pdf_path(notification.pk, 1)).pages[0].extract_text().split())
    assert "Second notice" in text


def test_a_follow_up_reaches_only_the_notified_vehicles_still_open(ale_notifying, create):
    vehicles = fleet(ale_notifying, 5)
    create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    AffectedVehicle.objects.filter(vehicle__in=vehicles[:2]).update(status=AffectedVehicle.Status.REMEDIED)
    Vehicle.objects.filter(pk=vehicles[2].pk).update(address_undeliverable_at=timezone.now())
    fleet(ale_notifying, 1, start=9100)  # on the list, never notified: not a follow-up's
    follow_up = create(campaign_id=ale_notifying.pk, kind=Kind.FOLLOW_UP)
    assert set(Letter.objects.filter(mailing=follow_up).values_list("vehicle_id", flat=True)) == {
        v.vin for v in vehicles[3:]
    }
    assert follow_up.skipped_undeliverable == 1
