"""Chunks are claimed with conditional updates and leases: a dead worker's chunk is taken over,
a superseded worker marks nothing, and each letter is mailed once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mailings.chunks import chunk_claim, chunk_complete, chunk_render, mailing_work
from mailings.models import Letter, Mailing, MailingChunk
from mailings.services import mailing_create, mailing_start
from tests.mailings.conftest import fleet

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(ale_notifying, django_capture_on_commit_callbacks):
    """A mailing of 6 letters in 3 chunks, created but not run (its task is not executed)."""
    fleet(ale_notifying, 6)
    with django_capture_on_commit_callbacks(execute=False):
        mailing = mailing_create(campaign_id=ale_notifying.pk, kind=Mailing.Kind.NOTIFICATION, chunk_size=2)
    mailing_start(mailing_id=mailing.pk, worker="test")
    return Mailing.objects.select_related("campaign").get(pk=mailing.pk)


def test_two_claims_never_take_the_same_chunk(queued):
    a = chunk_claim(mailing_id=queued.pk, worker="a")
    b = chunk_claim(mailing_id=queued.pk, worker="b")
    c = chunk_claim(mailing_id=queued.pk, worker="c")
    assert sorted([a.number, b.number, c.number]) == [1, 2, 3]
    assert chunk_claim(mailing_id=queued.pk, worker="d") is None
    assert {a.attempt, b.attempt, c.attempt} == {1}


def test_a_dead_workers_chunk_is_claimed_again_after_its_lease(queued, settings):
    dead = chunk_claim(mailing_id=queued.pk, worker="dead")
    MailingChunk.objects.exclude(pk=dead.pk).update(status=MailingChunk.Status.DONE)
    assert chunk_claim(mailing_id=queued.pk, worker="alive") is None  # the lease still holds
    MailingChunk.objects.filter(pk=dead.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    again = chunk_claim(mailing_id=queued.pk, worker="alive")
    assert (again.pk, again.attempt, again.claimed_by) == (dead.pk, 2, "alive")


def test_a_superseded_claim_marks_nothing(queued):
    slow = chunk_claim(mailing_id=queued.pk, worker="slow")
    MailingChunk.objects.filter(pk=slow.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    fast = chunk_claim(mailing_id=queued.pk, worker="fast")
    assert fast.pk == slow.pk
    pages = chunk_render(mailing=queued, chunk=slow)
    assert chunk_complete(chunk=slow, pages=pages) is False
    assert not Letter.objects.filter(mailing=queued, chunk=slow.number, mailed_on__isnull=False).exists()
    assert chunk_complete(chunk=fast, pages=pages) is True
    assert Letter.objects.filter(mailing=queued, chunk=slow.number, mailed_on__isnull=False).count() == 2


def test_work_finishes_the_mailing_and_waits_for_a_chunk_held_elsewhere(queued):
    held = chunk_claim(mailing_id=queued.pk, worker="elsewhere")
    first = mailing_work(mailing_id=queued.pk, worker="here")
    second = mailing_work(mailing_id=queued.pk, worker="here")
    # Only the other worker's chunk is left: look again when its claim runs out.
    assert first.next_in == 0 and second.next_in is not None and second.next_in > 1
    assert not second.finished
    MailingChunk.objects.filter(pk=held.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    last = mailing_work(mailing_id=queued.pk, worker="here")
    assert last.finished and last.chunk == held.number
    queued.refresh_from_db()
    assert queued.status == Mailing.Status.DONE
    assert Letter.objects.filter(mailing=queued, mailed_on__isnull=True).count() == 0
    # A late task (a redelivered message) finds nothing to do and changes nothing.
    assert mailing_work(mailing_id=queued.pk, worker="late").finished


def test_the_sweeper_restarts_a_mailing_whose_workers_all_died(queued):
    from mailings.chunks import mailings_sweep

    dead = chunk_claim(mailing_id=queued.pk, worker="dead")
    MailingChunk.objects.filter(pk=dead.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    # No step of the mailing is left anywhere; the beat's sweep queues new ones (run here in-process).
    assert mailings_sweep() == 1
    queued.refresh_from_db()
    assert queued.status == Mailing.Status.DONE
    assert Letter.objects.filter(mailing=queued, mailed_on__isnull=True).count() == 0
    assert mailings_sweep() == 0  # nothing left to restart
