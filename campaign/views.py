"""The public recall look-up page (the kind of page 49 CFR 573.15 asks manufacturers to offer).

No sign-in and never any owner data: the page shows only campaign texts and where
the VIN stands. Submitted look-ups share the API's per-client limit.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaign.forms import VinLookupForm
from campaign.selectors import campaigns_last_updated, vin_lookup
from campaign.throttling import client_address, lookup_throttle_hit


def public_lookup(request: HttpRequest) -> HttpResponse:
    submitted = "vin" in request.GET
    form = VinLookupForm(request.GET if submitted else None)
    context: dict = {"form": form, "lookup": None}
    status = 200
    if submitted:
        decision = lookup_throttle_hit(client=client_address(request))
        if not decision.allowed:
            context["retry_after"] = decision.retry_after
            status = 429
        elif form.is_valid():
            context["lookup"] = vin_lookup(vin=form.cleaned_data["vin"])
    if context["lookup"] is None:
        context["last_updated"] = campaigns_last_updated()
    response = render(request, "campaign/public_lookup.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["retry_after"])
    return response
