"""The mailing pages through the test client: the selection and preview, creation, progress,
the package (logged per owner), returned mail, the candidates, and their query counts."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Vehicle
from dealers.models import OwnerDataAccess, ServicingDealer
from mailings.models import Letter, Mailing, ReturnedMail
from tests.mailings.conftest import fleet

pytestmark = pytest.mark.django_db
Kind = Mailing.Kind


def test_the_new_mailing_page_shows_the_selection_then_creates_it(
    client_for, campaign_admin, ale_notifying, django_capture_on_commit_callbacks
):
    fleet(ale_notifying, 3)
    client = client_for(campaign_admin)
    page = client.get(reverse("mailing-new"), {"campaign": "ALE", "kind": "notification"})
    assert page.status_code == 200
    assert page.context["counts"].to_send == 3
    assert b'data-testid="create-mailing"' in page.content

    refused = client.get(reverse("mailing-new"), {"campaign": "ALE", "kind": "interim"})
    assert "send the owner notification" in refused.content.decode()
    assert b'data-testid="create-mailing"' not in refused.content

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(reverse("mailing-new"), {"campaign": "ALE", "kind": "notification"})
    mailing = Mailing.objects.get()
    assert created["Location"] == reverse("mailing-detail", args=[mailing.pk])
    assert mailing.created_by == campaign_admin and mailing.letters_total == 3
    status = client.get(reverse("mailing-status", args=[mailing.pk])).json()
    assert (status["finished"], status["letters_done"], status["percent"]) == (True, 3, 100)
    detail = client.get(reverse("mailing-detail", args=[mailing.pk]))
    assert b'data-testid="package-download"' in detail.content


def test_the_preview_logs_the_owner_it_shows(client_for, campaign_admin, ale_notifying):
    vehicles = fleet(ale_notifying, 2)
    client = client_for(campaign_admin)
    html = client.get(
        reverse("mailing-preview", kwargs={"code": "ALE", "kind": "notification", "fmt": "html"})
    )
    first = min(vehicles, key=lambda v: (v.postal_code, v.vin))
    assert first.owner_name in html.content.decode()
    assert "National Traffic and Motor Vehicle Safety Act" in html.content.decode()
    assert "no-store" in html["Cache-Control"]
    pdf = client.get(reverse("mailing-preview", kwargs={"code": "ALE", "kind": "notification", "fmt": "pdf"}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert OwnerDataAccess.objects.filter(user=campaign_admin, vehicle=first).count() == 2


def test_the_package_downloads_as_a_zip_and_logs_every_owner(
    client_for, campaign_admin, ale_notifying, create
):
    vehicles = fleet(ale_notifying, 3)
    mailing = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION, chunk_size=2)
    response = client_for(campaign_admin).get(reverse("mailing-package", args=[mailing.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(name.split("/", 1)[1] for name in archive.namelist())
    assert names == sorted(
        [
            "envelope-spec.txt",
            "letters-0001.pdf",
            "letters-0002.pdf",
            "manifest-0001.csv",
            "manifest-0002.csv",
        ]
    )
    logged = OwnerDataAccess.objects.filter(user=campaign_admin, context=f"mailing {mailing.pk} package")
    assert sorted(logged.values_list("vehicle_id", flat=True)) == sorted(v.vin for v in vehicles)
    assert "no-store" in response["Cache-Control"]


def test_returned_mail_upload_and_the_candidates_it_makes(
    client_for, campaign_admin, regional_west, dealer_a, dealer_b, ale_notifying, create
):
    vehicles = fleet(ale_notifying, 2)
    ServicingDealer.objects.create(vehicle=vehicles[0], dealer=dealer_a)
    ServicingDealer.objects.create(vehicle=vehicles[1], dealer=dealer_b)
    mailing = create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    letters = {letter.vehicle_id: letter.pk for letter in Letter.objects.filter(mailing=mailing)}
    csv = f"letter_id,reason\n{letters[vehicles[0].vin]},vacant\n{letters[vehicles[1].vin]},refused\nabc,refused\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = client_for(campaign_admin)
    response = admin.post(
        reverse("returned-mail-upload"),
        {"campaign": "ALE", "file": SimpleUploadedFile("returns.csv", csv.encode(), content_type="text/csv")},
    )
    detail = admin.get(response["Location"])
    assert detail.context["recorded"].rows_undeliverable == 2
    assert [r.reason for r in detail.context["rejects"]] == ["letter_id 'abc' is not a letter number."]
    # Regional staff see their region's candidate only; administrators both.
    west = client_for(regional_west).get(reverse("owner-not-located"))
    assert [r.letter.vehicle_id for r in west.context["table"].data] == [vehicles[0].vin]
    national = admin.get(reverse("owner-not-located"))
    assert len(national.context["table"].data) == 2
    entry = vehicles[0].campaign_entries.get()
    assert reverse("outcome-unreachable", kwargs={"entry_pk": entry.pk}) in west.content.decode()


def test_the_vehicle_record_shows_the_letters(client_for, service_manager_a, dealer_a, ale_notifying, create):
    (vehicle,) = fleet(ale_notifying, 1)
    ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)
    create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    letter = Letter.objects.get()
    ReturnedMail.objects.create(letter=letter, reason="refused", received_on=timezone.localdate())
    Vehicle.objects.filter(pk=vehicle.pk).update(address_undeliverable_at=timezone.now())
    page = client_for(service_manager_a).get(reverse("vehicle-record"), {"vin": vehicle.vin})
    section = page.content.decode()
    assert 'data-testid="letters"' in section and "Owner notification" in section
    assert "Returned" in section and "marked undeliverable" in section


@pytest.mark.parametrize("mailings", [1, 6])
def test_the_mailing_list_costs_the_same_queries_for_1_or_6(
    client_for, campaign_admin, ale_notifying, mailings, django_assert_num_queries
):
    for _ in range(mailings):
        Mailing.objects.create(campaign=ale_notifying, kind=Kind.INTERIM, created_by=campaign_admin)
    client = client_for(campaign_admin)
    with django_assert_num_queries(8):
        # session, user, user and group permissions (2), the campaign filter's choices, the
        # count, the page of mailings with campaign, creator and rendered letters, the memberships (menu).
        response = client.get(reverse("mailing-list"))
    assert len(response.context["table"].page.object_list) == mailings


@pytest.mark.parametrize("returns", [1, 5])
def test_the_candidates_cost_the_same_queries_for_1_or_5(
    client_for, campaign_admin, ale_notifying, create, returns, django_assert_num_queries
):
    vehicles = fleet(ale_notifying, returns)
    create(campaign_id=ale_notifying.pk, kind=Kind.NOTIFICATION)
    for letter in Letter.objects.all():
        ReturnedMail.objects.create(letter=letter, reason="unknown", received_on=timezone.localdate())
    Vehicle.objects.filter(pk__in=[v.pk for v in vehicles]).update(address_undeliverable_at=timezone.now())
    client = client_for(campaign_admin)
    with django_assert_num_queries(8):
        # session, user, permissions (2), memberships (scope), the campaign filter's choices,
        # the count, the page with letter, vehicle, campaign and dealer.
        response = client.get(reverse("owner-not-located"))
    assert len(response.context["table"].page.object_list) == returns
