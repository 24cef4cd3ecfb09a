"""Texts go to the in-memory SMS outbox in these tests (e-mail goes to Django's, as always)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from notifications.sms import LocmemSmsBackend

    settings.SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()
