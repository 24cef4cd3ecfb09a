"""factory-boy factories shared by the suite."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign import vin as vinlib
from campaign.models import AffectedVehicle, Vehicle
from dealers.models import Dealer, Membership, Region


def ale_vin(serial: int = 7930, *, vds: str = "BE96S", year: int = 2007) -> str:
    """A VIN with a valid check digit; by default inside ALE's 2007 GS 350 BE96S range."""
    return vinlib.build(wmi="JTH", vds=vds, year=year, serial=f"{serial:07d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        # The password hook saves the user itself (below), so factory-boy needn't save again.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or "correct-horse-battery")
        if create:
            user.save(update_fields=["password"])


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.LazyAttribute(lambda r: f"Region {r.code}")


class DealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dealer

    code = factory.Sequence(lambda n: f"{60000 + n:05d}")
    name = factory.Sequence(lambda n: f"Lexus of Town {n}")
    address1 = "1 Main St"
    city = "Springfield"
    state = "IL"
    postal_code = "62701"
    phone = "217-555-0100"
    region = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.SERVICE_MANAGER
    dealer = factory.SubFactory(DealerFactory)
    region = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so the user joins the role's permission group as in production.
        from dealers.services import membership_grant

        return membership_grant(**kwargs)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    vin = factory.Sequence(lambda n: ale_vin(7930 + n))
    model_label = "GS 350"
    model_year = 2007
    owner_name = factory.Faker("name")
    address1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "CA"
    postal_code = "90210"
    email = factory.Faker("email")
    created_at = factory.LazyFunction(timezone.now)


class AffectedVehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AffectedVehicle

    vehicle = factory.SubFactory(VehicleFactory)
    added_at = factory.LazyFunction(timezone.now)
