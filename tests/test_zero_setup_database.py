"""The zero-setup default (SQLite, no Redis) keeps its database connection between requests.

Issue #6: with ``CONN_MAX_AGE = 0`` every request opened a new SQLite connection and ran
its PRAGMAs, which held the public VIN API to about 17 % of a bare Django view. The
suite runs on PostgreSQL, so this serves real requests through the WSGI handler (with
Django's request signals, which the test client switches off) in a process configured
as ``make demo`` is, on a SQLite file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SERVE_FIVE_REQUESTS = """
import io, json, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.backends.signals import connection_created

call_command("migrate", "campaign", verbosity=0)
connection.close()
opened = []
connection_created.connect(lambda sender, connection, **kwargs: opened.append(1))

from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
statuses = []
for _ in range(5):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/vins/JTHBE96S170007930/", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }
    body = application(environ, lambda status, headers: statuses.append(status))
    b"".join(body)
    body.close()
with connection.cursor() as cursor:
    pragmas = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous")}
print(json.dumps({"statuses": statuses, "connections_opened": len(opened), "pragmas": pragmas}))
"""


def test_sqlite_connection_is_opened_once_and_kept_with_its_pragmas(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DJANGO_DEBUG="1",
        LOOKUP_THROTTLE_RATE="1000/minute",
    )
    done = subprocess.run(
        [sys.executable, "-c", SERVE_FIVE_REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] == ["200 OK"] * 5
    # One connection for five requests: the PRAGMAs ran once, when it was opened.
    assert result["connections_opened"] == 1
    assert result["pragmas"] == {"journal_mode": "wal", "synchronous": 1}  # 1 = NORMAL
