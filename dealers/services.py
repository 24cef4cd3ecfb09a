"""Writes about the dealer network's people: role groups, memberships, notices."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaign.errors import DomainError
from dealers.models import Dealer, DealerNotice, Membership, Region
from dealers.roles import ADMIN_APPS, ADMIN_EXCLUDED, CUSTOM_PERMISSIONS, ROLE_PERMISSIONS, group_name

Role = Membership.Role


def role_groups_sync(*, apps=global_apps, strict: bool = True) -> None:
    """Create one Group per role and set its permissions exactly to ``dealers.roles``.

    Takes ``apps`` so migration 0003 and the post_migrate hook can run it on their
    historical models. Model permissions must already exist (``create_permissions``);
    ``strict`` refuses a role whose permission is missing (a typo in roles.py), the
    post_migrate hook is lenient because a partial ``migrate app 0001`` lacks later models.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for app_label, model, codename, name in CUSTOM_PERMISSIONS:
        ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        Permission.objects.update_or_create(content_type=ct, codename=codename, defaults={"name": name})

    by_key = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, wanted in ROLE_PERMISSIONS.items():
        keys = set(wanted)
        if role == Role.CAMPAIGN_ADMIN:
            keys |= {k for k in by_key if k.split(".", 1)[0] in ADMIN_APPS} - set(ADMIN_EXCLUDED)
        missing = sorted(k for k in keys if k not in by_key)
        if missing and strict:
            # A model renamed or a permission mistyped in roles.py: fail the migrate loudly.
            raise LookupError(f"Permissions for role {role} do not exist: {missing}")
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set(sorted(by_key[k] for k in keys if k in by_key))


def _forget_cached_access(user) -> None:
    # user_scope() and ModelBackend cache on the user object; a grant must show at once.
    for attr in ("_recall_scope", "_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(attr, None)


def user_groups_sync(*, user: AbstractBaseUser) -> None:
    """Make the user's role groups exactly the roles of their memberships."""
    from django.contrib.auth.models import Group

    role_names = {group_name(r) for r in Role.values}
    wanted = {group_name(r) for r in Membership.objects.filter(user=user).values_list("role", flat=True)}
    current = set(user.groups.filter(name__in=role_names).values_list("name", flat=True))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    _forget_cached_access(user)


@transaction.atomic
def membership_grant(
    *,
    user: AbstractBaseUser,
    role: str,
    dealer: Dealer | None = None,
    region: Region | None = None,
) -> Membership:
    """Give ``user`` a role at a dealer, in a region or nationally. Granting twice is a no-op."""
    role = Role(role)
    if role in Membership.DEALER_ROLES and (dealer is None or region is not None):
        raise DomainError(f"A {role.label.lower()} works at one dealer: choose the dealer.", field="dealer")
    if role == Role.REGIONAL_STAFF and (region is None or dealer is not None):
        raise DomainError("Regional staff belong to one region: choose the region.", field="region")
    if role in Membership.NATIONAL_ROLES and (dealer is not None or region is not None):
        raise DomainError(f"A {role.label.lower()} is national: no dealer or region.", field="role")
    membership, _ = Membership.objects.get_or_create(user=user, role=role, dealer=dealer, region=region)
    user_groups_sync(user=user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Take a role away; the role's group goes too unless another membership still holds it."""
    user = membership.user
    membership.delete()
    user_groups_sync(user=user)


def notice_dismiss(*, notice: DealerNotice, user: AbstractBaseUser) -> bool:
    """Dismiss a home-page notice for its dealer. Returns False if someone already had.

    A conditional update, so two managers clicking at once record one dismissal.
    """
    dismissed = DealerNotice.objects.filter(Q(pk=notice.pk) & Q(dismissed_at__isnull=True)).update(
        dismissed_at=timezone.now(), dismissed_by=user
    )
    return dismissed == 1
