"""The claim total check holds on SQLite too, where the sum is taken in floating point."""

from decimal import Decimal

import pytest

from tests.repairs.factories import RepairOrderFactory, WarrantyClaimFactory


@pytest.mark.django_db
def test_a_total_that_floating_point_cannot_add_exactly_is_stored(ale, dealer_a):
    # 0.1 + 0.2 is 0.30000000000000004 in floating point: an equality check refused it on SQLite.
    ro = RepairOrderFactory(dealer=dealer_a, campaign=ale, completed=True)
    claim = WarrantyClaimFactory(
        repair_order=ro,
        labor_amount=Decimal("0.10"),
        parts_amount=Decimal("0.20"),
        sublet_amount=Decimal("0.00"),
        total=Decimal("0.30"),
    )
    assert claim.pk


@pytest.mark.django_db
def test_a_total_a_cent_off_is_refused(ale, dealer_a):
    from django.db import IntegrityError, transaction

    ro = RepairOrderFactory(dealer=dealer_a, campaign=ale, completed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WarrantyClaimFactory(repair_order=ro, total=Decimal("984.01"))
