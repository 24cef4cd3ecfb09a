"""Settings from the environment: bad values stop start-up naming the variable; production is clean."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperEnvironment, env_bool, env_int, env_list, env_rate, env_str, env_url

ROOT = Path(__file__).resolve().parent.parent


# --- The parsers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("On", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("RECALL_TEST_FLAG", raw)
    assert env_bool("RECALL_TEST_FLAG", default=not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("RECALL_TEST_FLAG", "maybe")
    with pytest.raises(ImproperEnvironment, match=r"RECALL_TEST_FLAG='maybe' is not a boolean"):
        env_bool("RECALL_TEST_FLAG", default=False)


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("RECALL_TEST_FLAG", raising=False)
    assert env_bool("RECALL_TEST_FLAG", default=True) is True


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("RECALL_TEST_INT", "ten")
    with pytest.raises(ImproperEnvironment, match=r"RECALL_TEST_INT='ten' is not a whole number"):
        env_int("RECALL_TEST_INT", 5)
    monkeypatch.setenv("RECALL_TEST_INT", "0")
    with pytest.raises(ImproperEnvironment, match=r"RECALL_TEST_INT=0 must be at least 1"):
        env_int("RECALL_TEST_INT", 5, minimum=1)
    monkeypatch.setenv("RECALL_TEST_INT", " 42 ")
    assert env_int("RECALL_TEST_INT", 5, minimum=1) == 42
    with pytest.raises(ImproperEnvironment, match=r"RECALL_TEST_INT=42 must be at most 23"):
        env_int("RECALL_TEST_INT", 5, maximum=23)


@pytest.mark.parametrize("raw", ["120/min", "fast", "120", "/minute", "-1/minute", "1.5/second"])
def test_env_rate_refuses_what_the_throttle_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("LOOKUP_THROTTLE_RATE", raw)
    with pytest.raises(
        ImproperEnvironment, match=r"^LOOKUP_THROTTLE_RATE=.* is not a rate like '120/minute'"
    ):
        env_rate("LOOKUP_THROTTLE_RATE", "120/minute")


@pytest.mark.parametrize("raw", ["120/minute", "100000000/minute", "5/second", "1/day"])
def test_env_rate_accepts_rates(monkeypatch, raw):
    monkeypatch.setenv("LOOKUP_THROTTLE_RATE", raw)
    assert env_rate("LOOKUP_THROTTLE_RATE", "120/minute") == raw


def test_env_url_refuses_other_schemes(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/recalls")
    with pytest.raises(
        ImproperEnvironment, match=r"DATABASE_URL='mysql://root@localhost/recalls' must be a URL"
    ):
        env_url("DATABASE_URL", None, schemes=("sqlite", "postgres"))
    monkeypatch.setenv("REDIS_URL", "localhost:6379")
    with pytest.raises(ImproperEnvironment, match=r"REDIS_URL='localhost:6379' must be a URL starting with"):
        env_url("REDIS_URL", None, schemes=("redis", "rediss"))


def test_env_url_blank_means_default(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "  ")
    assert env_url("REDIS_URL", None, schemes=("redis",)) is None


def test_env_str_required_without_default(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    with pytest.raises(ImproperEnvironment, match="DJANGO_SECRET_KEY must be set"):
        env_str("DJANGO_SECRET_KEY")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " recalls.example.com, ,www.example.com ")
    assert env_list("DJANGO_ALLOWED_HOSTS", []) == ["recalls.example.com", "www.example.com"]


# --- The settings as the process starts --------------------------------------------------


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOOKUP_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "recalls.example.com",
}


def test_deploy_check_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNINGS" not in result.stderr and "ERRORS" not in result.stderr


def test_production_without_a_secret_key_does_not_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_is_off_unless_asked_for():
    # No DJANGO_DEBUG at all: production rules, so without a secret key it does not start.
    result = manage("check", DJANGO_ALLOWED_HOSTS="recalls.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        **{k: v for k, v in PRODUCTION.items() if k != "DJANGO_DEBUG"},
    )
    assert shown.stdout.strip().splitlines()[-1] == "False", shown.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off"),
        ("   ", "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off"),
        ("insecure-demo-key-change-me", "DJANGO_SECRET_KEY is a demo key (it starts with 'insecure-')"),
        ("insecure-" + "x" * 60, "DJANGO_SECRET_KEY is a demo key (it starts with 'insecure-')"),
        ("s3cret-but-short-" + "x" * 20, "DJANGO_SECRET_KEY is 37 characters; use at least 50"),
    ],
)
def test_production_refuses_an_empty_demo_or_short_secret_key(key, message):
    result = manage("check", **PRODUCTION | {"DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_demo_runs_with_debug_on_and_the_demo_key():
    # `make demo` exports DJANGO_DEBUG=1 and nothing else.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True insecure-demo-key-change-me"


def test_make_demo_runs_every_step_with_debug_on(tmp_path):
    # `make demo` with stand-in python and pip that record the environment they were run with.
    seen = tmp_path / "seen"
    for tool in ("python", "pip"):
        script = tmp_path / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $1 $2 DEBUG=$DJANGO_DEBUG" >> {seen}\n')
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        ["make", "demo", f"BIN={tmp_path}", f"VENV={tmp_path}", "-o", "node_modules/.package-lock.json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert seen.read_text().splitlines() == [
        "pip install --quiet DEBUG=1",
        "python manage.py migrate DEBUG=1",
        "python manage.py seed_demo DEBUG=1",
        "python manage.py runserver DEBUG=1",
    ]


def test_in_production_the_health_check_answers_over_http_and_pages_redirect(tmp_path):
    probe = (
        "from django.test import Client; c = Client(HTTP_HOST='recalls.example.com'); "
        "h = c.get('/healthz'); p = c.get('/recalls/'); "
        "print(h.status_code, p.status_code, p['Location'], 'frame-ancestors' in h['Content-Security-Policy'])"
    )
    # A database that answers (an empty SQLite file does, to SELECT 1).
    result = manage(
        "shell", "-c", probe, **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "200 301 https://recalls.example.com/recalls/ True"
