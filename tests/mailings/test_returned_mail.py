"""Returned mail: forwarding addresses update the owner (recorded), undeliverable ones are marked,
bad rows are rejected with their line and reason, and the rest lands."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from campaign.errors import DomainError
from campaign.models import Vehicle
from mailings.models import Letter, Mailing, OwnerAddressChange, ReturnedMail
from mailings.returned_mail import returned_mail_import
from mailings.selection import selection_counts
from tests.mailings.conftest import fleet

pytestmark = pytest.mark.django_db
HEADER = "letter_id,vin,reason,received_on,forwarding_address1,forwarding_address2,forwarding_city,forwarding_state,forwarding_zip\n"


@pytest.fixture
def mailed(ale_notifying, create):
    vehicles = fleet(ale_notifying, 4)
    mailing = create(campaign_id=ale_notifying.pk, kind=Mailing.Kind.NOTIFICATION)
    letters = {letter.vehicle_id: letter for letter in Letter.objects.filter(mailing=mailing)}
    return [letters[v.vin] for v in vehicles]


def upload(campaign, text, user, tmp_path):
    return returned_mail_import(
        campaign_id=campaign.pk,
        source=io.BytesIO(text.encode()),
        original_name="returns.csv",
        user=user,
        rejects_path=tmp_path / "rejects.csv",
    )


def test_forwarded_and_undeliverable_returns(ale_notifying, mailed, campaign_admin, tmp_path):
    today = timezone.localdate().isoformat()
    moved, gone, wrong, _ = mailed
    result = upload(
        ale_notifying,
        HEADER
        + f"{moved.pk},,forwarded,{today},12 Oak Ave,Apt 3,Fresno,ca,93701\n"
        + f",{gone.vehicle_id},No such address,{today},,,,,\n"
        + f"{wrong.pk},,forwarded,{today},,,,,\n"
        + f"999999,,unknown,{today},,,,,\n"
        + f"{moved.pk},,refused,{today},,,,,\n",
        campaign_admin,
        tmp_path,
    )
    assert (result.rows_read, result.rows_forwarded, result.rows_undeliverable, result.rows_rejected) == (
        5,
        1,
        1,
        3,
    )
    reasons = [r.reason for r in result.result.sample_rejects]
    assert reasons[0].startswith("Reason 'forwarded' needs the forwarding address")
    assert reasons[1] == "No letter 999999 in ALE."
    assert reasons[2] == f"Letter {moved.pk} is already recorded as returned."
    assert [r.line for r in result.result.sample_rejects] == [4, 5, 6]
    # The rejects file carries line, VIN (or letter id) and reason: never an address.
    rejects = result.rejects.open("rb").read().decode()
    assert "Oak" not in rejects and "line,vin,reason" in rejects

    vehicle = Vehicle.objects.get(pk=moved.vehicle_id)
    assert (vehicle.address1, vehicle.city, vehicle.state, vehicle.postal_code) == (
        "12 Oak Ave",
        "Fresno",
        "CA",
        "93701",
    )
    change = OwnerAddressChange.objects.get(vehicle=vehicle)
    assert change.old_address["address1"] == moved.address1 and change.new_address["city"] == "Fresno"
    assert change.changed_by == campaign_admin
    assert Vehicle.objects.get(pk=gone.vehicle_id).address_undeliverable_at is not None
    assert ReturnedMail.objects.count() == 2
    # The next mailing leaves the undeliverable address out.
    assert selection_counts(campaign_id=ale_notifying.pk, kind=Mailing.Kind.FOLLOW_UP).undeliverable == 1


def test_a_return_of_an_address_the_owner_has_since_changed_condemns_nothing(
    ale_notifying, mailed, campaign_admin, tmp_path
):
    letter = mailed[0]
    Vehicle.objects.filter(pk=letter.vehicle_id).update(address1="77 Newer Street")
    result = upload(ale_notifying, HEADER + f"{letter.pk},,undeliverable,,,,,,\n", campaign_admin, tmp_path)
    assert result.rows_rejected == 0 and result.result.stale_address == 1
    assert Vehicle.objects.get(pk=letter.vehicle_id).address_undeliverable_at is None
    assert ReturnedMail.objects.filter(letter=letter).exists()


def test_a_file_without_a_way_to_find_letters_is_refused_whole(
    ale_notifying, mailed, campaign_admin, tmp_path
):
    with pytest.raises(DomainError, match="letter_id' or a 'vin'"):
        upload(ale_notifying, "reason\nrefused\n", campaign_admin, tmp_path)
    assert ReturnedMail.objects.count() == 0


def test_fresh_registration_data_with_another_address_clears_the_mark(ale_notifying, tmp_path):
    from campaign.vin_import_merge import affected_vins_import

    moved, stayed = fleet(ale_notifying, 2, start=9500)
    Vehicle.objects.filter(pk__in=[moved.pk, stayed.pk]).update(address_undeliverable_at=timezone.now())
    csv = (
        "vin,owner_name,address1,city,state,postal_code\n"
        f"{moved.vin},{moved.owner_name},5 Fresh Lane,Davis,CA,95616\n"
        f"{stayed.vin},{stayed.owner_name},{stayed.address1},{stayed.city},{stayed.state},{stayed.postal_code}\n"
    )
    affected_vins_import(
        campaign_id=ale_notifying.pk, source=io.BytesIO(csv.encode()), rejects_path=tmp_path / "r.csv"
    )
    assert Vehicle.objects.get(pk=moved.pk).address_undeliverable_at is None
    assert Vehicle.objects.get(pk=stayed.pk).address_undeliverable_at is not None
