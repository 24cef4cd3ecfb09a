"""Two loads of a campaign file at once never leave two kits (or two campaigns) behind."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection

from campaign.definition import parse
from campaign.models import Campaign, RemedyOperation, RemedyPart
from campaign.services import campaign_load
from tests.conftest import ALE_FILE

ALE_TEXT = ALE_FILE.read_text(encoding="utf-8")
# As ALE.yaml has them: 13 operations; 3 kit lines on each of 12 covered models, 5 on the LS 600h L.
ALE_OPERATIONS, ALE_PARTS = 13, 12 * 3 + 5


def _race(definition) -> list[BaseException | None]:
    barrier = threading.Barrier(2)
    outcomes: list[BaseException | None] = []

    def load():
        try:
            barrier.wait()
            campaign_load(definition=definition)
            outcomes.append(None)
        except BaseException as exc:  # reported by the test, not lost in the thread
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.skipif(connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_reloads_at_once_replace_the_kit_once(ale):
    """The campaign row lock serializes them: both succeed, one kit per covered model remains."""
    outcomes = _race(
        parse(
            ALE_TEXT.replace(
                'quantity: 24, dealer_net_price: "4.86"', 'quantity: 26, dealer_net_price: "4.86"'
            )
        )
    )
    assert outcomes == [None, None]
    operations = RemedyOperation.objects.filter(covered_model__campaign=ale)
    assert operations.count() == ALE_OPERATIONS
    assert RemedyPart.objects.filter(operation__covered_model__campaign=ale).count() == ALE_PARTS
    assert set(RemedyPart.objects.filter(part_number="90501-31021").values_list("quantity", flat=True)) == {
        26
    }


@pytest.mark.skipif(connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_first_loads_at_once_create_one_campaign_with_one_remedy(ale):
    """Nothing to lock yet: the unique code refuses the second, whose transaction rolls back whole."""
    outcomes = _race(parse(ALE_TEXT.replace("code: ALE", "code: ALF")))
    assert sorted(type(o).__name__ for o in outcomes) == sorted(["NoneType", "IntegrityError"])
    assert isinstance(next(o for o in outcomes if o is not None), IntegrityError)
    alf = Campaign.objects.get(code="ALF")
    assert alf.covered_models.count() == ALE_OPERATIONS
    assert RemedyOperation.objects.filter(covered_model__campaign=alf).count() == ALE_OPERATIONS
    assert RemedyPart.objects.filter(operation__covered_model__campaign=alf).count() == ALE_PARTS
