"""The public reimbursement form: prefill, confirmation, refusals that tell nothing of owners,
receipts refused before storage, and the throttle."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from campaign.upload_limits import MB
from repairs import reimbursement_throttle
from repairs.models import ReimbursementRequest
from tests.campaign.test_upload_limits import STORED
from tests.factories import VehicleFactory
from tests.repairs.factories_reimbursement import (
    PDF_BYTES,
    PNG_BYTES,
    affected_vin,
    form_data,
    fresh_vin,
    receipt,
    window_set,
)

URL = "/reimbursement/"


@pytest.fixture(autouse=True)
def _own_throttle_counters(monkeypatch):
    # Counters live in Redis across runs: each test counts under its own prefix.
    monkeypatch.setattr(reimbursement_throttle, "KEY_PREFIX", f"test-reimbursement-{uuid.uuid4().hex}")


@pytest.fixture
def campaign(ale):
    return window_set(ale)


def stored_receipts() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reimbursement-receipts"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def normalised(response, *vins: str) -> bytes:
    """The page with what legitimately differs per request blanked: the CSRF token, the CSP
    nonce, and the VIN the sender typed (echoed in the form)."""
    body = response.content
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"CSRF", body)
    body = re.sub(rb'nonce="[^"]+"', b"NONCE", body)
    for vin in vins:
        body = body.replace(vin.encode(), b"VIN")
    return body


def test_the_form_is_public_and_reverses_by_the_name_the_look_up_links_to():
    assert reverse("reimbursement-request") == URL


@pytest.mark.django_db
def test_the_form_is_prefilled_from_the_look_up(client, campaign):
    response = client.get(URL, {"vin": "JTHBE96S770007978", "campaign": "ale"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="JTHBE96S770007978"' in page and 'value="ALE"' in page
    assert "January 1, 2010 to December 31, 2010" in page
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page


@pytest.mark.django_db
def test_without_a_campaign_window_the_page_says_so(client, ale):
    ale.reimbursement_from = ale.reimbursement_until = None
    ale.save(update_fields=["reimbursement_from", "reimbursement_until"])
    response = client.get(URL)
    assert response.status_code == 200 and b'data-testid="no-reimbursement"' in response.content


@pytest.mark.django_db
def test_a_request_lands_on_a_confirmation_with_its_reference_and_nothing_of_the_owner(client, campaign):
    vin = affected_vin(campaign)
    response = client.post(URL, form_data(vin, owner_name="Pat Owner"))
    filed = ReimbursementRequest.objects.get()
    assert response.status_code == 302 and response["Location"].startswith("/reimbursement/sent/")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and filed.reference in body and "What happens next" in body
    registered = filed.vehicle.owner_name
    assert "Pat Owner" not in body and registered not in body and vin not in body


@pytest.mark.django_db
def test_a_forged_confirmation_link_is_a_404(client, campaign):
    assert client.get(reverse("reimbursement-sent", args=["1"])).status_code == 404


@pytest.mark.django_db
def test_refusals_are_byte_identical_whether_or_not_an_owner_is_on_file(client, campaign):
    with_owner = VehicleFactory(vin=fresh_vin(), owner_name="Registered Owner", address1="1 Elm St")
    without_owner = VehicleFactory(vin=fresh_vin(), owner_name="", address1="", city="", email="")
    no_row = fresh_vin()
    pages = []
    for vin in (with_owner.vin, without_owner.vin, no_row):
        response = client.post(URL, form_data(vin))
        assert response.status_code == 200 and b"not on the list of vehicles affected" in response.content
        pages.append(normalised(response, vin))
    assert pages[0] == pages[1] == pages[2]
    assert not ReimbursementRequest.objects.exists()


@pytest.mark.django_db
def test_confirmations_are_alike_whether_or_not_an_owner_is_on_file(client, campaign):
    pages = []
    for with_owner in (True, False):
        response = client.post(URL, form_data(affected_vin(campaign, with_owner=with_owner)))
        page = client.get(response["Location"])
        pages.append(
            page.content.replace(ReimbursementRequest.objects.latest("pk").reference.encode(), b"REF")
        )
    assert pages[0] == pages[1]


@pytest.mark.django_db
def test_a_png_named_pdf_is_accepted_and_an_exe_named_pdf_refused_on_the_page(client, campaign):
    ok = client.post(URL, form_data(affected_vin(campaign), receipt=receipt(PNG_BYTES, "scan.pdf")))
    assert ok.status_code == 302 and ReimbursementRequest.objects.get().receipt_content_type == "image/png"
    refused = client.post(
        URL, form_data(affected_vin(campaign), receipt=receipt(b"MZ" + b"\0" * 64, "r.pdf"))
    )
    assert refused.status_code == 200 and b"must be a PDF, JPEG or PNG" in refused.content
    assert ReimbursementRequest.objects.count() == 1 and len(stored_receipts()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "shown", "most_stored"),
    [(3 * MB, "3.0", 0), (MB + 200 * 1024, "1.2", MB)],
    ids=["declared-too-big", "counted-too-big"],
)
def test_an_oversize_receipt_is_refused_as_it_arrives_and_never_stored(
    client, campaign, settings, size, shown, most_stored
):
    settings.REIMBURSEMENT_MAX_UPLOAD_MB = 1
    settings.FILE_UPLOAD_HANDLERS = [
        "campaign.upload_limits.UploadLimitHandler",
        "tests.campaign.test_upload_limits.SpyTemporaryFileUploadHandler",
    ]
    STORED.clear()
    big = receipt(PDF_BYTES + b"0" * (size - len(PDF_BYTES)))
    response = client.post(URL, form_data(affected_vin(campaign), receipt=big))
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"] == [
        f"The file is {shown} MB; at most 1 MB. Scan or photograph it at a lower resolution."
    ]
    # Django's storing handler got at most the limit (and closed it), never the whole file.
    assert sum(STORED) <= most_stored
    assert not ReimbursementRequest.objects.exists() and not stored_receipts()


@pytest.mark.django_db
def test_the_address_limit_answers_429_and_stores_nothing(client, campaign, settings):
    settings.REIMBURSEMENT_ADDRESS_RATE = "2/hour"
    # A form sent back for a missing field tells nothing about a VIN: not counted.
    for _ in range(3):
        assert client.post(URL, form_data(affected_vin(campaign), owner_name="")).status_code == 200
    for _ in range(2):
        assert client.post(URL, form_data(affected_vin(campaign))).status_code == 302
    throttled = client.post(URL, form_data(affected_vin(campaign)))
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert b"too many reimbursement requests" in throttled.content
    assert ReimbursementRequest.objects.count() == 2 and len(stored_receipts()) == 2
    # Another address is not held back.
    assert Client(REMOTE_ADDR="10.0.0.9").post(URL, form_data(affected_vin(campaign))).status_code == 302


@pytest.mark.django_db
def test_the_vin_limit_holds_across_addresses(campaign, settings):
    settings.REIMBURSEMENT_VIN_RATE = "2/day"
    vin = fresh_vin()  # off the list: refusals count as well, or the limit would tell eligibility
    statuses = [Client(REMOTE_ADDR=f"10.0.1.{n}").post(URL, form_data(vin)).status_code for n in range(1, 4)]
    assert statuses == [200, 200, 429]
    other = Client(REMOTE_ADDR="10.0.1.9").post(URL, form_data(affected_vin(campaign)))
    assert other.status_code == 302


@pytest.mark.django_db
def test_with_one_campaign_there_is_nothing_to_choose_and_nothing_to_get_wrong(client, campaign):
    # The look-up links with ?vin= alone, or a campaign code that is not the one taking requests.
    for query in ("", "?campaign=XYZ"):
        page = client.get(f"{URL}{query}").content.decode()
        assert 'name="campaign" value="ALE"' in page
        data = form_data(fresh_vin(), campaign="XYZ" if query else "")
        response = client.post(f"{URL}{query}", data)
        assert b"not on the list of vehicles affected by campaign ALE" in response.content
