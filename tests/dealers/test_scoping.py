"""Which objects each persona sees: dealers.access, used by every list, detail, export and API query."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from dealers.access import (
    dealers_for_user,
    dealers_with_role,
    get_dealer_for_user,
    get_for_user,
    regions_for_user,
    scope_to_user,
    user_scope,
)
from dealers.models import DealerNotice, InventoryEvent, InventoryUnit, Membership, ServicingDealer
from dealers.services import membership_grant
from tests.factories import DealerFactory, UserFactory, VehicleFactory, ale_vin

Role = Membership.Role
pytestmark = pytest.mark.django_db


def unit(dealer, serial: int) -> InventoryUnit:
    return InventoryUnit.objects.create(
        dealer=dealer, vin=ale_vin(serial), stock_number=f"S{serial}", received_on=dt.date(2010, 7, 1)
    )


@pytest.fixture
def west_dealer_c(region_west):
    """A second dealer in region West: regional_west sees it, dealer A's staff do not."""
    return DealerFactory(code="10003", name="Lexus of Santa Monica", region=region_west)


def test_dealer_staff_see_their_dealer_only(
    service_manager_a, service_manager_b, dealer_a, dealer_b, west_dealer_c
):
    assert list(dealers_for_user(service_manager_a)) == [dealer_a]
    assert list(dealers_for_user(service_manager_b)) == [dealer_b]


def test_regional_staff_see_their_region_only(regional_west, dealer_a, dealer_b, west_dealer_c):
    assert set(dealers_for_user(regional_west)) == {dealer_a, west_dealer_c}
    assert list(regions_for_user(regional_west)) == [dealer_a.region]


def test_the_campaign_administrator_and_superusers_see_every_dealer(campaign_admin, dealer_a, dealer_b):
    superuser = UserFactory(is_superuser=True)
    assert set(dealers_for_user(campaign_admin)) == {dealer_a, dealer_b}
    assert set(dealers_for_user(superuser)) == {dealer_a, dealer_b}
    assert regions_for_user(campaign_admin).count() == 2


def test_anonymous_inactive_and_unassigned_users_see_nothing(dealer_a, service_manager_a):
    assert not dealers_for_user(AnonymousUser()).exists()
    assert not dealers_for_user(UserFactory()).exists()
    service_manager_a.is_active = False
    assert not dealers_for_user(service_manager_a).exists()


def test_scope_follows_a_path_to_the_dealer(service_manager_a, regional_west, dealer_a, dealer_b):
    a_unit, b_unit = unit(dealer_a, 100), unit(dealer_b, 101)
    a_event = InventoryEvent.objects.create(unit=a_unit, kind=InventoryEvent.Kind.ADDED)
    InventoryEvent.objects.create(unit=b_unit, kind=InventoryEvent.Kind.ADDED)
    assert list(scope_to_user(InventoryUnit.objects.all(), service_manager_a)) == [a_unit]
    assert list(scope_to_user(InventoryEvent.objects.all(), regional_west, "unit__dealer")) == [a_event]


def test_owner_data_scope_goes_through_the_servicing_dealer(
    service_manager_a, service_manager_b, dealer_a, dealer_b
):
    mine, theirs = VehicleFactory(), VehicleFactory()
    ServicingDealer.objects.create(vehicle=mine, dealer=dealer_a)
    ServicingDealer.objects.create(vehicle=theirs, dealer=dealer_b)
    from campaign.models import Vehicle

    visible = scope_to_user(Vehicle.objects.all(), service_manager_a, "servicing__dealer")
    assert list(visible) == [mine]
    assert get_for_user(Vehicle.objects.all(), service_manager_b, "servicing__dealer", pk=theirs.pk) == theirs


def test_a_strangers_object_is_a_404(service_manager_b, preowned_manager_b, dealer_a, dealer_b):
    a_unit = unit(dealer_a, 200)
    with pytest.raises(Http404):
        get_for_user(InventoryUnit.objects.all(), preowned_manager_b, pk=a_unit.pk)
    with pytest.raises(Http404):
        get_dealer_for_user(service_manager_b, dealer_a.pk)
    assert get_dealer_for_user(service_manager_b, dealer_b.pk) == dealer_b


def test_regional_staff_reach_a_region_dealers_object_but_not_another_regions(
    regional_west, dealer_a, dealer_b
):
    a_notice = DealerNotice.objects.create(dealer=dealer_a, kind="campaign", message="a")
    b_notice = DealerNotice.objects.create(dealer=dealer_b, kind="campaign", message="b")
    assert get_for_user(DealerNotice.objects.all(), regional_west, pk=a_notice.pk) == a_notice
    with pytest.raises(Http404):
        get_for_user(DealerNotice.objects.all(), regional_west, pk=b_notice.pk)


def test_several_memberships_add_up(dealer_a, dealer_b, region_west):
    user = UserFactory()
    membership_grant(user=user, role=Role.PREOWNED_MANAGER, dealer=dealer_a)
    membership_grant(user=user, role=Role.SERVICE_MANAGER, dealer=dealer_b)
    assert set(dealers_for_user(user)) == {dealer_a, dealer_b}
    assert dealers_with_role(user, Role.PREOWNED_MANAGER) == {dealer_a.pk}
    assert dealers_with_role(user, Role.SERVICE_MANAGER) == {dealer_b.pk}
    assert dealers_with_role(user, Role.PARTS_MANAGER) == frozenset()


def test_roles_narrow_the_dealers_that_count(dealer_a, dealer_b, region_west, west_dealer_c):
    """Pre-owned at A, service at B: inventory lists pass roles=… and see A's units only."""
    user = UserFactory()
    membership_grant(user=user, role=Role.PREOWNED_MANAGER, dealer=dealer_a)
    membership_grant(user=user, role=Role.SERVICE_MANAGER, dealer=dealer_b)
    a_unit, _ = unit(dealer_a, 300), unit(dealer_b, 301)
    held = scope_to_user(
        InventoryUnit.objects.all(), user, roles=(Role.PREOWNED_MANAGER, Role.DEALER_PRINCIPAL)
    )
    assert list(held) == [a_unit]
    # Region memberships are not narrowed by roles.
    membership_grant(user=user, role=Role.REGIONAL_STAFF, region=region_west)
    c_unit = unit(west_dealer_c, 302)
    held = scope_to_user(InventoryUnit.objects.all(), user, roles=(Role.PREOWNED_MANAGER,))
    assert set(held) == {a_unit, c_unit}


def test_the_scope_is_read_once_per_request(service_manager_a, django_assert_num_queries):
    user = type(service_manager_a).objects.get(pk=service_manager_a.pk)
    with django_assert_num_queries(1):
        user_scope(user)
        user_scope(user)
        dealers_with_role(user, Role.SERVICE_MANAGER)


def test_a_grant_shows_at_once_on_the_same_user_object(dealer_b):
    user = UserFactory()
    assert user_scope(user).is_empty
    membership_grant(user=user, role=Role.SERVICE_MANAGER, dealer=dealer_b)
    assert user_scope(user).dealer_ids == {dealer_b.pk}
    assert user.has_perm("dealers.view_owner_data")
