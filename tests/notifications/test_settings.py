"""How messages leave, by configuration: make demo files them; a provider is configured by env."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.conf import settings

from notifications.sms import FileSmsBackend, HttpSmsBackend, SmsError, sms_number

ROOT = Path(settings.BASE_DIR)


def test_make_demo_files_the_messages_it_sends(tmp_path):
    seen = tmp_path / "seen"
    script = tmp_path / "python"
    script.write_text(f'#!/bin/sh\necho "$DJANGO_EMAIL_BACKEND $SMS_BACKEND" >> {seen}\n')
    script.chmod(0o755)
    (tmp_path / "pip").write_text("#!/bin/sh\n")
    (tmp_path / "pip").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_"))}
    result = subprocess.run(
        ["make", "demo", f"BIN={tmp_path}", f"VENV={tmp_path}", "-o", "node_modules/.package-lock.json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(seen.read_text().splitlines()) == {
        "django.core.mail.backends.filebased.EmailBackend notifications.sms.FileSmsBackend"
    }


def test_the_file_backend_writes_one_file_per_text(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    provider_id = FileSmsBackend().send(to="+19165550142", body="Your kit is here.", reference="k:1")
    (written,) = (tmp_path / "sms").iterdir()
    assert written.name == f"{provider_id}.txt" and "Your kit is here." in written.read_text()


class _Provider(BaseHTTPRequestHandler):
    answers: list[tuple[int, dict]] = []
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).received.append(
            {
                "form": {k: v[0] for k, v in parse_qs(body).items()},
                "auth": self.headers["Authorization"],
                "key": self.headers["Idempotency-Key"],
            }
        )
        status, payload = type(self).answers.pop(0)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/Messages.json"
    settings.SMS_HTTP_USER, settings.SMS_HTTP_PASSWORD, settings.SMS_FROM = "AC123", "secret", "+15550001111"
    _Provider.answers, _Provider.received = [], []
    yield _Provider
    server.shutdown()


def test_a_twilio_style_provider_is_configured_by_settings_alone(provider):
    provider.answers = [(201, {"sid": "SM42"})]
    assert (
        HttpSmsBackend().send(to="+19165550142", body="Reminder.", reference="reminder:1:2026-12-03:sms")
        == "SM42"
    )
    (request,) = provider.received
    assert request["form"] == {"To": "+19165550142", "From": "+15550001111", "Body": "Reminder."}
    assert request["auth"] == "Basic QUMxMjM6c2VjcmV0"  # AC123:secret
    assert request["key"] == "reminder:1:2026-12-03:sms"


@pytest.mark.parametrize(
    ("answer", "words"),
    [((503, {"message": "down"}), "answered 503"), ((201, {}), "gave no message id")],
)
def test_a_provider_refusal_is_an_sms_error_to_retry(provider, answer, words):
    provider.answers = [answer]
    with pytest.raises(SmsError, match=words):
        HttpSmsBackend().send(to="+19165550142", body="x", reference="k")


@pytest.mark.parametrize(
    ("phone", "number"),
    [("(916) 555-0142", "+19165550142"), ("1-916-555-0142", "+19165550142"), ("555-0142", None), ("", None)],
)
def test_only_a_ten_digit_us_number_is_texted(phone, number):
    assert sms_number(phone) == number
