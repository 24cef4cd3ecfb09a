"""The demo's messages: written and sent through the real path at the demo service desk."""

from __future__ import annotations

from io import StringIO

import pytest

from demo.notifications_story import LETTERS_ONLY, notifications_seed
from notifications.models import Message
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.factories import booked

pytestmark = pytest.mark.django_db


def test_the_demo_service_desk_gets_reminders_and_letters_only_owners_are_recorded(
    ale, dealer_a, django_capture_on_commit_callbacks
):
    MembershipFactory(user=UserFactory(username="service"), role="service_manager", dealer=dealer_a)
    tomorrow = [booked(ale, dealer_a, days=1) for _ in range(LETTERS_ONLY + 1)]
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_seed(stdout=out)
    reminders = {
        a.pk: {m.status for m in Message.objects.filter(kind="appointment_reminder", vehicle=a.vehicle)}
        for a in tomorrow
    }
    assert [reminders[a.pk] for a in tomorrow] == [{"skipped"}] * LETTERS_ONLY + [{"sent"}]
    assert f"Messages at {dealer_a.name}" in out.getvalue()


def test_without_the_demo_users_it_does_nothing(ale):
    notifications_seed(stdout=StringIO())
    assert not Message.objects.exists()
