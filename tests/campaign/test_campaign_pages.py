"""Campaign pages for staff: what every role reads, what administrators publish and advance."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import Campaign, CampaignDocument, CampaignPhaseChange

DETAIL = reverse("campaign-detail", args=["ALE"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "service_manager_a",
        "parts_manager_a",
        "preowned_manager_b",
        "principal_a",
        "regional_west",
        "campaign_admin",
    ],
)
def test_every_staff_role_reads_the_campaign_page(request, client_for, ale, persona):
    response = client_for(request.getfixturevalue(persona)).get(DETAIL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Safety Recall ALE – Valve Spring" in html
    # The description, from the seed.
    assert "valve springs may develop a crack and break" in html
    assert "may stall" in html  # consequence
    assert "Abnormal noise and vibration" in html  # warning signs
    assert "newly designed engine valve springs at no charge" in html  # remedy
    # The media rule, prominently.
    assert "direct all media contacts to Corporate Communications" in html
    # Key dates and the phase with its history.
    assert "Jul 6, 2010" in html and "Jul 7, 2010" in html and "late July 2010" in html
    assert "Preliminary notice (no parts yet)" in html
    assert "campaign opened" in html
    # The VIN table with UIO, total 138,869.
    assert response.context["total_uio"] == 138_869
    assert "138,869" in html and "0007930 – 0028367" in html and "25,100" in html
    # The customer Q&A, the script for answering owners.
    assert "What is the cause of this condition?" in html
    assert "1-800-255-3987" in html


@pytest.mark.django_db
def test_the_list_shows_each_campaign_with_its_uio(client_for, service_manager_a, ale):
    response = client_for(service_manager_a).get(reverse("campaign-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert DETAIL in html and "138,869" in html


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, ale):
    for url in (reverse("campaign-list"), DETAIL):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_an_unknown_campaign_is_404(client_for, service_manager_a, ale):
    assert client_for(service_manager_a).get(reverse("campaign-detail", args=["NOPE"])).status_code == 404


@pytest.mark.django_db
def test_the_detail_page_costs_a_fixed_number_of_queries(
    client_for, service_manager_a, campaign_admin, ale, django_assert_num_queries
):
    client = client_for(service_manager_a)
    # session, user, user + group permissions (2), campaign, covered models, their ranges,
    # list counts, the remedy's operations and their kits (2), phase history, documents, the
    # user's memberships (the navigation bar)
    with django_assert_num_queries(13):
        client.get(DETAIL)
    for i in range(5):
        doc = CampaignDocument(campaign=ale, kind="technical", title=f"TI {i}", uploaded_by=campaign_admin)
        doc.file.save(f"ti{i}.pdf", SimpleUploadedFile(f"ti{i}.pdf", b"%PDF"), save=True)
        CampaignPhaseChange.objects.create(
            campaign=ale, from_phase="preliminary", to_phase="parts_available", changed_by=campaign_admin
        )
    with django_assert_num_queries(13):
        client.get(DETAIL)


@pytest.mark.django_db
def test_an_administrator_publishes_a_document_and_every_role_downloads_it(
    client_for, campaign_admin, parts_manager_a, ale
):
    admin = client_for(campaign_admin)
    page = admin.get(DETAIL).content.decode()
    assert "Publish a document" in page
    response = admin.post(
        reverse("campaign-document-upload", args=["ALE"]),
        {
            "kind": "parts",
            "title": "Valve spring part numbers",
            "file": SimpleUploadedFile("parts.pdf", b"%PDF-1.4 parts"),
        },
        follow=True,
    )
    assert "Published “Valve spring part numbers” (Parts information)." in response.content.decode()
    document = CampaignDocument.objects.get()
    assert document.uploaded_by == campaign_admin

    parts = client_for(parts_manager_a)
    page = parts.get(DETAIL).content.decode()
    assert "Valve spring part numbers" in page and "Publish a document" not in page
    download = parts.get(reverse("campaign-document-download", args=["ALE", document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 parts"
    assert 'filename="ALE-valve-spring-part-numbers.pdf"' in download["Content-Disposition"]


@pytest.mark.django_db
def test_a_bad_document_is_refused_with_the_reason(client_for, campaign_admin, ale):
    response = client_for(campaign_admin).post(
        reverse("campaign-document-upload", args=["ALE"]),
        {"kind": "parts", "title": "Script", "file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert ".exe is not accepted" in response.content.decode()
    assert not CampaignDocument.objects.exists()


@pytest.mark.django_db
def test_only_administrators_publish_or_advance(client_for, service_manager_a, ale):
    client = client_for(service_manager_a)
    page = client.get(DETAIL).content.decode()
    assert "Advance phase" not in page and "Publish a document" not in page
    upload = client.post(
        reverse("campaign-document-upload", args=["ALE"]),
        {"kind": "parts", "title": "x", "file": SimpleUploadedFile("x.pdf", b"x")},
    )
    assert upload.status_code == 403
    assert (
        client.post(
            reverse("campaign-phase-advance", args=["ALE"]), {"to_phase": "parts_available"}
        ).status_code
        == 403
    )
    ale.refresh_from_db()
    assert ale.phase == "preliminary"


@pytest.mark.django_db
def test_an_administrator_advances_the_phase_and_it_is_recorded(client_for, campaign_admin, ale):
    client = client_for(campaign_admin)
    response = client.post(
        reverse("campaign-phase-advance", args=["ALE"]),
        {"to_phase": "parts_available", "note": "Valve springs shipped to dealers"},
        follow=True,
    )
    html = response.content.decode()
    assert "ALE is now at “Parts available”." in html
    ale.refresh_from_db()
    assert ale.phase == Campaign.Phase.PARTS_AVAILABLE
    change = ale.phase_changes.order_by("-pk").first()
    assert (change.from_phase, change.to_phase, change.changed_by) == (
        "preliminary",
        "parts_available",
        campaign_admin,
    )
    assert "Valve springs shipped to dealers" in html


@pytest.mark.django_db
def test_an_illegal_move_is_refused_with_the_services_message(client_for, campaign_admin, ale):
    client = client_for(campaign_admin)
    client.post(reverse("campaign-phase-advance", args=["ALE"]), {"to_phase": "owner_notification"})
    response = client.post(
        reverse("campaign-phase-advance", args=["ALE"]), {"to_phase": "parts_available"}, follow=True
    )
    assert "a campaign only moves forward" in response.content.decode()
    ale.refresh_from_db()
    assert ale.phase == "owner_notification"


@pytest.mark.django_db
def test_the_list_costs_a_fixed_number_of_queries(client_for, regional_west, ale, django_assert_num_queries):
    from campaign.models import Campaign

    client = client_for(regional_west)
    # session, user, user + group permissions (2), campaigns count, campaigns page (UIO and
    # list size as subqueries), the user's memberships (the navigation bar)
    with django_assert_num_queries(7):
        client.get(reverse("campaign-list"))
    for i in range(5):
        Campaign.objects.create(
            code=f"T{i}",
            title=f"Test {i}",
            manufacturer="Lexus",
            make="Lexus",
            component="c",
            defect_description="d",
            consequence="c",
            remedy_description="r",
            dir_filed_on="2011-01-01",
        )
    with django_assert_num_queries(7):
        response = client.get(reverse("campaign-list"))
    assert len(response.context["table"].rows) == 6


@pytest.mark.django_db
def test_a_refused_move_shows_the_page_again_with_the_reason_on_the_form(client_for, campaign_admin, ale):
    Campaign.objects.filter(pk=ale.pk).update(phase="owner_notification")
    response = client_for(campaign_admin).post(
        reverse("campaign-phase-advance", args=["ALE"]), {"to_phase": "parts_available", "note": "typo"}
    )
    assert response.status_code == 400
    form = response.context["phase_form"]
    assert form.errors["to_phase"] == [
        "ALE is already at 'Owner notification'; a campaign only moves forward."
    ]
    assert form["note"].value() == "typo"
    assert ale.phase_changes.count() == 1


@pytest.mark.django_db
def test_the_phase_form_offers_only_later_phases_and_none_once_closed(client_for, campaign_admin, ale):
    client = client_for(campaign_admin)
    Campaign.objects.filter(pk=ale.pk).update(phase="parts_available")
    form = client.get(DETAIL).context["phase_form"]
    assert [value for value, _ in form.fields["to_phase"].choices] == ["owner_notification", "closed"]
    Campaign.objects.filter(pk=ale.pk).update(phase="closed")
    assert client.get(DETAIL).context["phase_form"] is None
