"""Text messages through a pluggable backend, chosen by the ``SMS_BACKEND`` setting (a dotted
path), as Django chooses its e-mail backend. A provider is configured, not coded: the HTTP
backend posts to any Twilio-style REST endpoint named in the environment.

A backend has one method, ``send(*, to, body, reference) -> provider id``, and raises
``SmsError`` when the provider refuses or cannot be reached (the task retries with backoff).
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    pass


class SmsBackend:
    def send(self, *, to: str, body: str, reference: str) -> str:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Writes each text to standard output (the demo, a developer's runserver)."""

    _lock = threading.Lock()

    def send(self, *, to: str, body: str, reference: str) -> str:
        provider_id = f"console-{uuid.uuid4().hex[:12]}"
        with self._lock:
            sys.stdout.write(f"--- SMS to {to} ({provider_id}, {reference})\n{body}\n---\n")
            sys.stdout.flush()
        return provider_id


class FileSmsBackend(SmsBackend):
    """One file per text in ``SMS_FILE_PATH``, like Django's file e-mail backend."""

    def send(self, *, to: str, body: str, reference: str) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        provider_id = f"file-{uuid.uuid4().hex[:12]}"
        (folder / f"{provider_id}.txt").write_text(f"To: {to}\nReference: {reference}\n\n{body}\n", "utf-8")
        return provider_id


class LocmemSmsBackend(SmsBackend):
    """Keeps texts in ``outbox`` (tests, like ``django.core.mail.outbox``)."""

    outbox: list[dict] = []

    def send(self, *, to: str, body: str, reference: str) -> str:
        provider_id = f"locmem-{len(self.outbox) + 1}"
        self.outbox.append({"to": to, "body": body, "reference": reference, "provider_id": provider_id})
        return provider_id


class HttpSmsBackend(SmsBackend):
    """A Twilio-style REST provider: POST ``To``, ``From``, ``Body`` as a form to ``SMS_HTTP_URL``
    with basic auth (``SMS_HTTP_USER`` / ``SMS_HTTP_PASSWORD``); the answer's JSON ``sid`` (or
    ``id``) is the provider id. A 4xx answer is a refusal worth no retry, told apart in the error."""

    timeout = 10

    def send(self, *, to: str, body: str, reference: str) -> str:
        data = urllib.parse.urlencode({"To": to, "From": settings.SMS_FROM, "Body": body}).encode()
        request = urllib.request.Request(settings.SMS_HTTP_URL, data=data, method="POST")
        credentials = f"{settings.SMS_HTTP_USER}:{settings.SMS_HTTP_PASSWORD}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials).decode())
        request.add_header("Idempotency-Key", reference)  # honoured by providers that support it
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise SmsError(f"The SMS provider answered {exc.code}.") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise SmsError(f"The SMS provider could not be reached: {exc}.") from None
        provider_id = str(answer.get("sid") or answer.get("id") or "")
        if not provider_id:
            raise SmsError("The SMS provider gave no message id.")
        return provider_id


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_number(phone: str) -> str | None:
    """A US number in E.164 (+1 and ten digits), or None when it cannot be texted."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        return None
    return f"+1{digits}"
