"""One typed reader for settings that come from the environment.

Every value is parsed here and a bad one stops start-up with a message naming
the variable, instead of surfacing later as an odd behaviour.
"""

from __future__ import annotations

import os
import re


class ImproperEnvironment(ValueError):
    pass


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_RATE = re.compile(r"^\d+/(second|minute|hour|day)$")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperEnvironment(f"{name} must be set")
        return default
    return value.strip()


# Django's deploy check (security.W009) asks for 50 characters: a short key is guessable
# enough to forge sessions and password-reset links.
SECRET_KEY_MIN_LENGTH = 50


def env_secret_key(name: str, *, debug: bool, demo_key: str) -> str:
    """The secret key: the demo key is allowed only while debugging.

    Without DEBUG the key must be set, must not be a demo key (anything starting
    ``insecure-``, as Django's own generated development keys do) and must be at
    least ``SECRET_KEY_MIN_LENGTH`` characters.
    """
    value = (os.environ.get(name) or "").strip()
    if debug:
        return value or demo_key
    if not value:
        raise ImproperEnvironment(f"{name} must be set when DJANGO_DEBUG is off")
    if value.startswith("insecure-"):
        raise ImproperEnvironment(f"{name} is a demo key (it starts with 'insecure-'); set a real one")
    if len(value) < SECRET_KEY_MIN_LENGTH:
        raise ImproperEnvironment(
            f"{name} is {len(value)} characters; use at least {SECRET_KEY_MIN_LENGTH} "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperEnvironment(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperEnvironment(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperEnvironment(f"{name}={value} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ImproperEnvironment(f"{name}={value} must be at most {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A DRF-style rate such as ``120/minute``."""
    value = env_str(name, default)
    if not _RATE.match(value):
        raise ImproperEnvironment(
            f"{name}={value!r} is not a rate like '120/minute' (second, minute, hour or day)"
        )
    return value


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip()
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        raise ImproperEnvironment(
            f"{name}={value!r} must be a URL starting with one of: " + ", ".join(f"{s}://" for s in schemes)
        )
    return value
