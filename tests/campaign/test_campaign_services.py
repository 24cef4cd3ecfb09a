"""Campaign writes: the phase moves forward only, in the one order ``Campaign.Phase`` declares."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.errors import DomainError
from campaign.models import Campaign
from campaign.services import campaign_document_add, campaign_phase_advance

Phase = Campaign.Phase


def test_the_phase_order_is_the_declared_one():
    assert Phase.later_than(Phase.PRELIMINARY) == [
        Phase.PARTS_AVAILABLE,
        Phase.OWNER_NOTIFICATION,
        Phase.CLOSED,
    ]
    assert Phase.later_than("owner_notification") == [Phase.CLOSED]
    assert Phase.later_than(Phase.CLOSED) == []


def test_the_definition_file_accepts_exactly_the_phases():
    from campaign.definition import PHASES

    assert tuple(Phase.values) == PHASES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "to_phase", "allowed"),
    [
        ("preliminary", "owner_notification", True),
        ("parts_available", "closed", True),
        ("parts_available", "parts_available", False),
        ("owner_notification", "parts_available", False),
        ("closed", "preliminary", False),
    ],
)
def test_a_campaign_only_moves_forward(ale, start, to_phase, allowed):
    Campaign.objects.filter(pk=ale.pk).update(phase=start)
    if allowed:
        assert campaign_phase_advance(campaign_id=ale.pk, to_phase=to_phase).phase == to_phase
    else:
        with pytest.raises(DomainError, match="only moves forward") as refused:
            campaign_phase_advance(campaign_id=ale.pk, to_phase=to_phase)
        assert refused.value.field == "to_phase"
        assert Campaign.objects.get(pk=ale.pk).phase == start


@pytest.mark.django_db
def test_an_unknown_phase_is_invalid(ale):
    with pytest.raises(DomainError, match="is not a campaign phase") as refused:
        campaign_phase_advance(campaign_id=ale.pk, to_phase="recalled")
    assert refused.value.code == "invalid"


@pytest.mark.django_db
def test_a_missing_campaign_is_not_found_not_a_crash():
    with pytest.raises(DomainError) as refused:
        campaign_phase_advance(campaign_id=987654, to_phase="closed")
    assert refused.value.code == "not_found"
    with pytest.raises(DomainError) as refused:
        campaign_document_add(
            campaign_id=987654, kind="parts", title="Parts", file=SimpleUploadedFile("p.pdf", b"%PDF")
        )
    assert refused.value.code == "not_found"
