"""The demo's mailing: a finished owner notification to the home dealer's owners, with returns."""

from __future__ import annotations

from io import StringIO

import pytest

from dealers.models import ServicingDealer
from demo.mailings_story import FORWARDED, LETTERS, UNDELIVERABLE, mailings_seed
from mailings import package
from mailings.models import Letter, Mailing, OwnerAddressChange, ReturnedMail
from tests.factories import MembershipFactory, UserFactory
from tests.mailings.conftest import fleet

# Committed as in the demo, so the mailing's run (queued on commit) happens before the returns.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ale_notifying(ale):
    from campaign.models import Campaign

    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.OWNER_NOTIFICATION)
    ale.refresh_from_db()
    return ale


def test_the_demo_mailing_is_done_with_its_returns(
    ale_notifying, dealer_a, dealer_b, django_capture_on_commit_callbacks
):
    MembershipFactory(user=UserFactory(username="service"), role="service_manager", dealer=dealer_a)
    UserFactory(username="admin")
    for vehicle in fleet(ale_notifying, LETTERS + 5):
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_a)
    for vehicle in fleet(ale_notifying, 5, start=9600):  # another dealer's owners: not in the slice
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer_b)
    out = StringIO()
    assert mailings_seed(campaign=ale_notifying, seed=1, stdout=out)
    mailing = Mailing.objects.get()
    assert (mailing.status, mailing.letters_total, mailing.created_by.username) == ("done", LETTERS, "admin")
    assert not Letter.objects.filter(vehicle__servicing__dealer=dealer_b).exists()
    assert package.package_files(mailing.pk)
    assert ReturnedMail.objects.count() == FORWARDED + UNDELIVERABLE
    assert OwnerAddressChange.objects.count() == FORWARDED
    assert "4 letters returned" not in out.getvalue() and f"{FORWARDED} letters returned" in out.getvalue()
    # Run again: left alone.
    assert not mailings_seed(campaign=ale_notifying, seed=1, stdout=StringIO())
    assert Mailing.objects.count() == 1
