"""The message log (staff), the owner's unsubscribe page (public), and the owner's contact
preference set from the vehicle record (service staff)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from notifications import selectors
from notifications.filters import MessageFilter
from notifications.forms import PreferenceForm
from notifications.models import Channel, ContactPreferenceChange
from notifications.preferences import contact_preference_set, contact_preference_unsubscribe, unsubscribe_read
from notifications.tables import MessageTable


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def message_log(request: HttpRequest) -> HttpResponse:
    filterset = MessageFilter(request.GET or None, queryset=selectors.messages_for_user(user=request.user))
    table = MessageTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if response := table_export(request, table, name="messages"):
        return response
    return render(request, "notifications/message_log.html", {"filter": filterset, "table": table})


# A mail client's one-click unsubscribe (RFC 8058) POSTs without a session or CSRF token. The
# signed link is the authority, and all it can do is stop messages, so no token is asked for.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    vin, channel = unsubscribe_read(token)
    context = {"vin_end": vin[-6:], "channel": Channel(channel).label.lower(), "token": token}
    if request.method == "POST":
        _, changed = contact_preference_unsubscribe(token=token)
        return render(request, "notifications/unsubscribed.html", {**context, "changed": changed})
    return render(request, "notifications/unsubscribe.html", context)


@login_required
@permission_required(selectors.CHANGE_PREFERENCE, raise_exception=True)
@require_POST
def preference_set(request: HttpRequest, vin: str) -> HttpResponse:
    if not selectors.preference_editable(user=request.user, vin=vin):
        raise Http404("No such vehicle at your dealer.")
    back = f"{reverse('vehicle-record')}?{urlencode({'vin': vin})}"
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"Contact preference not changed: {errors[0]}")
        return redirect(back)
    changed = contact_preference_set(
        vin=vin,
        choice=form.cleaned_data["choice"],
        source=ContactPreferenceChange.Source.STAFF,
        user=request.user,
        reason=form.cleaned_data["reason"],
    )
    if changed:
        messages.success(request, "The owner's contact preference is saved.")
    else:
        messages.info(request, "That was already the owner's contact preference.")
    return redirect(back)
