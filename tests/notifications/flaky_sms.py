"""An SMS backend for the worker tests: the provider is down for the first ``FAILS`` sends."""

from __future__ import annotations

import threading

from notifications.sms import LocmemSmsBackend, SmsError


class FlakySmsBackend(LocmemSmsBackend):
    FAILS = 2
    calls = 0
    _lock = threading.Lock()

    def send(self, *, to: str, body: str, reference: str) -> str:
        with self._lock:
            type(self).calls += 1
            if type(self).calls <= self.FAILS:
                raise SmsError("The SMS provider answered 503.")
        return super().send(to=to, body=body, reference=reference)
