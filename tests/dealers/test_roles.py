"""Roles → permission groups, and the membership rules the database enforces."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from campaign.errors import DomainError
from dealers.models import Membership
from dealers.roles import ROLE_PERMISSIONS, group_name
from dealers.services import membership_grant, membership_revoke, role_groups_sync
from tests.factories import UserFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


def perms_of(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_migrate_creates_one_group_per_role_with_its_permissions():
    for role, wanted in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=group_name(role))
        assert set(wanted) <= perms_of(group), role


def test_the_administrator_holds_every_model_permission_but_may_not_edit_the_audit_trail():
    admin = perms_of(Group.objects.get(name="Campaign administrator"))
    assert {
        "campaign.add_vinimport",
        "campaign.change_campaign_phase",
        "campaign.add_campaigndocument",
    } <= admin
    assert {"dealers.change_dealer", "dealers.add_membership", "dealers.view_ownerdataaccess"} <= admin
    assert not {"dealers.change_ownerdataaccess", "dealers.delete_ownerdataaccess"} & admin


@pytest.mark.parametrize(
    ("fixture", "may", "may_not"),
    [
        (
            "service_manager_a",
            {"dealers.view_owner_data", "campaign.view_vehicle", "campaign.view_campaign"},
            {"dealers.add_inventoryunit", "campaign.add_vinimport", "dealers.view_region"},
        ),
        (
            "parts_manager_a",
            {"campaign.view_campaign", "campaign.view_campaigndocument"},
            {"dealers.view_owner_data", "dealers.view_inventoryunit"},
        ),
        (
            "preowned_manager_a",
            {"dealers.add_inventoryunit", "dealers.change_inventoryunit", "dealers.view_inventoryunit"},
            {"dealers.view_owner_data", "campaign.add_campaigndocument"},
        ),
        (
            "principal_a",
            {"dealers.view_owner_data", "dealers.view_inventoryunit", "campaign.view_campaigndocument"},
            {"dealers.add_inventoryunit", "campaign.change_campaign_phase"},
        ),
        (
            "regional_west",
            {"dealers.view_region", "dealers.view_dealer", "dealers.view_inventoryunit"},
            {"dealers.change_dealernotice", "dealers.add_inventoryunit", "campaign.add_vinimport"},
        ),
        (
            "campaign_admin",
            {"campaign.add_vinimport", "campaign.add_campaigndocument", "campaign.change_campaign_phase"},
            {"dealers.change_ownerdataaccess"},
        ),
    ],
)
def test_each_role_may_do_its_work_and_nothing_else(request, fixture, may, may_not):
    user = request.getfixturevalue(fixture)
    assert user.has_perms(may)
    assert not any(user.has_perm(p) for p in may_not)


def test_grant_joins_the_role_group_and_revoke_leaves_it(dealer_a, dealer_b):
    user = UserFactory()
    assert not user.has_perm("dealers.view_owner_data")
    first = membership_grant(user=user, role=Role.SERVICE_MANAGER, dealer=dealer_a)
    second = membership_grant(user=user, role=Role.SERVICE_MANAGER, dealer=dealer_b)
    assert user.has_perm("dealers.view_owner_data")
    assert list(user.groups.values_list("name", flat=True)) == ["Service manager"]

    membership_revoke(membership=first)
    # Still a service manager at dealer B: the group stays.
    assert user.groups.filter(name="Service manager").exists()
    membership_revoke(membership=second)
    assert not user.groups.exists()
    assert not user.has_perm("dealers.view_owner_data")


def test_granting_twice_is_a_no_op(dealer_a):
    user = UserFactory()
    one = membership_grant(user=user, role=Role.PARTS_MANAGER, dealer=dealer_a)
    two = membership_grant(user=user, role=Role.PARTS_MANAGER, dealer=dealer_a)
    assert one.pk == two.pk
    assert Membership.objects.filter(user=user).count() == 1


def test_a_user_may_hold_several_roles(dealer_a, region_west):
    user = UserFactory()
    membership_grant(user=user, role=Role.PREOWNED_MANAGER, dealer=dealer_a)
    membership_grant(user=user, role=Role.REGIONAL_STAFF, region=region_west)
    assert set(user.groups.values_list("name", flat=True)) == {"Pre-owned manager", "Regional staff"}
    assert user.has_perms(["dealers.add_inventoryunit", "dealers.view_region"])


@pytest.mark.parametrize(
    ("role", "with_dealer", "with_region", "message"),
    [
        (Role.SERVICE_MANAGER, False, False, "works at one dealer"),
        (Role.DEALER_PRINCIPAL, True, True, "works at one dealer"),
        (Role.REGIONAL_STAFF, True, False, "one region"),
        (Role.CAMPAIGN_ADMIN, False, True, "national"),
    ],
)
def test_the_service_refuses_a_role_without_its_scope(
    dealer_a, region_west, role, with_dealer, with_region, message
):
    with pytest.raises(DomainError, match=message):
        membership_grant(
            user=UserFactory(),
            role=role,
            dealer=dealer_a if with_dealer else None,
            region=region_west if with_region else None,
        )


@pytest.mark.parametrize(
    ("role", "with_dealer", "with_region"),
    [
        (Role.SERVICE_MANAGER, False, False),  # a service manager without a dealer
        (Role.PARTS_MANAGER, True, True),  # bound to a dealer and a region at once
        (Role.REGIONAL_STAFF, False, False),  # regional staff without a region
        (Role.REGIONAL_STAFF, True, False),
        (Role.CAMPAIGN_ADMIN, True, False),  # the administrator is national
    ],
)
def test_the_database_refuses_a_role_without_its_scope(dealer_a, region_west, role, with_dealer, with_region):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(),
            role=role,
            dealer=dealer_a if with_dealer else None,
            region=region_west if with_region else None,
        )


def test_the_database_refuses_the_same_role_twice(dealer_a, region_west):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.SERVICE_MANAGER, dealer=dealer_a)
    Membership.objects.create(user=user, role=Role.REGIONAL_STAFF, region=region_west)
    Membership.objects.create(user=user, role=Role.CAMPAIGN_ADMIN)
    for kwargs in (
        {"role": Role.SERVICE_MANAGER, "dealer": dealer_a},
        {"role": Role.REGIONAL_STAFF, "region": region_west},
        {"role": Role.CAMPAIGN_ADMIN},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, **kwargs)


def test_role_groups_sync_restores_a_tampered_group():
    group = Group.objects.get(name="Service manager")
    group.permissions.clear()
    Group.objects.get(name="Parts manager").delete()
    role_groups_sync()
    assert set(ROLE_PERMISSIONS[Role.SERVICE_MANAGER]) == perms_of(Group.objects.get(name="Service manager"))
    assert Group.objects.filter(name="Parts manager").exists()


def test_role_groups_sync_refuses_a_permission_that_does_not_exist(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.PARTS_MANAGER, ("campaign.view_nothing",))
    with pytest.raises(LookupError, match="view_nothing"):
        role_groups_sync()


def test_memberships_edited_in_the_admin_keep_the_groups_in_step(client, dealer_a):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    user = UserFactory(username="new_service")
    response = client.post(
        "/admin/dealers/membership/add/",
        {"user": user.pk, "role": Role.SERVICE_MANAGER, "dealer": dealer_a.pk},
    )
    assert response.status_code == 302
    assert user.has_perm("dealers.view_owner_data")
    membership = Membership.objects.get(user=user)
    client.post(f"/admin/dealers/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not user.groups.exists()


@pytest.mark.parametrize(
    "model",
    [
        "region",
        "dealer",
        "membership",
        "servicingdealer",
        "ownerdataaccess",
        "inventoryunit",
        "inventoryevent",
        "dealernotice",
    ],
)
def test_every_dealers_model_has_a_searchable_admin(client, model):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(f"/admin/dealers/{model}/?q=x").status_code == 200


def test_the_user_admin_shows_memberships_inline(client, service_manager_a):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/auth/user/{service_manager_a.pk}/change/").content.decode()
    assert "memberships-0-role" in page
