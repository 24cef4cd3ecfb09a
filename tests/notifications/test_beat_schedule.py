"""Every periodic job has an expiry (a late beat does not stack runs) and names a real task."""

from __future__ import annotations

from django.conf import settings

from config.celery import app


def test_every_beat_entry_expires_and_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {
        "vin-import-sources-purge",
        "claims-pay-weekly",
        "notifications-reminders",
        "notifications-digests",
        "notifications-resume",
    } <= set(schedule)
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"
        expires = entry.get("options", {}).get("expires")
        assert expires and expires > 0, f"{name} has no expiry"


def test_an_hourly_job_expires_before_the_next_run():
    for name in ("notifications-reminders", "notifications-digests"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["options"]["expires"] < 60 * 60
