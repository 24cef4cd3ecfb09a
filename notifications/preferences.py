"""The owner's channel preference and the one-click unsubscribe link every message carries.

The link is a signed token of (VIN, channel): ``Signer`` (not ``dumps``, which adds a
timestamp) so the same message always carries the same link and an old e-mail's link still
works. It can only turn sending off, so a forwarded link harms nobody; the page asks for a
POST (or a mail client's RFC 8058 one-click POST) before it changes anything.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from campaign.errors import DomainError
from campaign.models import Vehicle
from notifications.models import Channel, ContactPreference, ContactPreferenceChange

Choice = ContactPreference.Choice
_SALT = "notifications.unsubscribe"
# What each preference becomes when the owner unsubscribes from one channel.
_WITHOUT = {
    (Choice.BOTH, Channel.EMAIL): Choice.SMS,
    (Choice.BOTH, Channel.SMS): Choice.EMAIL,
    (Choice.EMAIL, Channel.EMAIL): Choice.NONE,
    (Choice.SMS, Channel.SMS): Choice.NONE,
}


# How the clerk said to reach the owner when booking or wait-listing (repairs'
# ``Appointment.ContactPreference``), read as a channel preference while the owner has stated
# none here: "Letter" means no e-mail and no texts; a phone call rules neither out.
CONTACT_BY = {"sms": Choice.SMS, "email": Choice.EMAIL, "mail": Choice.NONE, "phone": Choice.BOTH}


def contact_preference_choice(*, vin: str, contact_by: str = "") -> str:
    """The owner's stated preference; else what the booking or wait-list said; else both."""
    stated = ContactPreference.objects.filter(vehicle_id=vin).values_list("choice", flat=True).first()
    return stated or CONTACT_BY.get(contact_by, Choice.BOTH)


def contact_preference_set(*, vin: str, choice: str, source: str, user=None, reason: str = "") -> bool:
    """Set the owner's preference; each change is recorded (who, from, to, why; "from" is blank
    the first time the owner states one). Returns whether anything changed."""
    if choice not in Choice.values:
        raise DomainError(
            "Choose e-mail and texts, e-mail only, texts only, or letters only.", field="choice"
        )
    with transaction.atomic():
        if not Vehicle.objects.filter(vin=vin).exists():
            raise DomainError("No such vehicle.", code="not_found")
        preference, created = ContactPreference.objects.get_or_create(
            vehicle_id=vin, defaults={"choice": choice}
        )
        from_choice = ""
        if not created:
            preference = ContactPreference.objects.select_for_update().get(vehicle_id=vin)
            if preference.choice == choice:
                return False
            from_choice = preference.choice
            preference.choice = choice
            preference.save(update_fields=["choice", "updated_at"])
        ContactPreferenceChange.objects.create(
            vehicle_id=vin,
            from_choice=from_choice,
            to_choice=choice,
            source=source,
            by=user,
            reason=reason.strip(),
        )
    return True


def unsubscribe_token(*, vin: str, channel: str) -> str:
    return signing.Signer(salt=_SALT).sign_object({"v": vin, "c": channel})


def unsubscribe_url(*, vin: str, channel: str) -> str:
    path = reverse("notifications-unsubscribe", kwargs={"token": unsubscribe_token(vin=vin, channel=channel)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def unsubscribe_read(token: str) -> tuple[str, str]:
    """(VIN, channel) of a link; a forged or mangled one is refused with the same words."""
    try:
        value = signing.Signer(salt=_SALT).unsign_object(token)
        vin, channel = value["v"], value["c"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(
            "This unsubscribe link is not valid. Copy the whole link from the message."
        ) from None
    if channel not in Channel.values:
        raise DomainError("This unsubscribe link is not valid. Copy the whole link from the message.")
    return vin, channel


def contact_preference_unsubscribe(*, token: str) -> tuple[str, bool]:
    """Stop the link's channel for its vehicle. Idempotent: a second click changes nothing.
    Returns (channel, whether it changed)."""
    vin, channel = unsubscribe_read(token)
    current = contact_preference_choice(vin=vin)
    new = _WITHOUT.get((current, channel))
    if new is None:
        return channel, False
    changed = contact_preference_set(
        vin=vin,
        choice=new,
        source=ContactPreferenceChange.Source.UNSUBSCRIBE,
        reason=f"Unsubscribed from {channel}.",
    )
    return channel, changed
