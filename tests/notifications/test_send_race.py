"""Many workers at once, on PostgreSQL (real connections): one message is sent by one of them,
and one dealer's digest for a day is built by one of them."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications.models import DigestRun, Message
from notifications.queueing import Draft, messages_queue
from notifications.sending import message_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL (CI runs it)"
    ),
]
WORKERS = 8


def _race(target, n: int = WORKERS) -> list:
    barrier = threading.Barrier(n)
    outcomes: list = []
    errors: list = []

    def run():
        try:
            barrier.wait(10)
            outcomes.append(target())
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return outcomes


def test_eight_workers_given_one_message_send_it_once(monkeypatch):
    from notifications import queueing

    monkeypatch.setattr(queueing, "_enqueue", lambda message_id: None)  # the race decides, not the commit
    (message_id,) = messages_queue(
        [
            Draft(
                dedupe_key="race:1",
                kind=Message.Kind.REPAIR_THANKS,
                channel="email",
                recipient="owner@example.com",
                subject="Thanks",
                body="Thank you.",
            )
        ]
    )
    outcomes = _race(lambda: message_send(message_id=message_id))
    assert sorted(outcomes) == ["not claimed"] * (WORKERS - 1) + ["sent"]
    assert len(mail.outbox) == 1
    message = Message.objects.get(pk=message_id)
    assert message.attempts == 1 and message.events.count() == 3


def test_four_workers_building_one_dealers_digest_build_it_once(dealer_a, principal_a, preowned_manager_a):
    import datetime as dt

    from dealers.models import InventoryUnit
    from notifications.digests import dealer_digest_queue
    from tests.factories import ale_vin

    InventoryUnit.objects.create(
        dealer=dealer_a,
        vin=ale_vin(31500),
        stock_number="P31500",
        received_on=dt.date(2010, 7, 1),
        stop_sale=True,
        stop_sale_since=timezone.now() - dt.timedelta(hours=1),
        stop_sale_campaigns="ALE",
    )
    today = timezone.localdate()
    outcomes = _race(lambda: len(dealer_digest_queue(dealer_id=dealer_a.pk, day=today)), n=4)
    assert sorted(outcomes) == [0, 0, 0, 2]
    assert DigestRun.objects.filter(dealer=dealer_a, day=today).count() == 1
    assert Message.objects.filter(kind="dealer_digest").count() == 2
