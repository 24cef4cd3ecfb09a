"""The dealer settings page: the time zone its service manager sets, the claim rates the manufacturer sets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from campaign.http_errors import form_call
from dealers.dealer_settings import (
    CHANGE_TIME_ZONE,
    VIEW_SETTINGS,
    dealer_settings_for_user,
    dealer_time_zone_set,
    time_zone_label,
)
from dealers.settings_forms import TimeZoneForm


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(VIEW_SETTINGS, raise_exception=True)
def dealer_settings(request: HttpRequest) -> HttpResponse:
    posted, status = None, 200
    if request.method == "POST":
        if not request.user.has_perm(CHANGE_TIME_ZONE):
            raise PermissionDenied
        raw = request.POST.get("dealer", "")
        posted = TimeZoneForm(request.POST, dealer_id=int(raw) if raw.isdigit() else 0)
        if posted.is_valid():
            dealer = form_call(
                posted,
                dealer_time_zone_set,
                user=request.user,
                dealer_id=posted.cleaned_data["dealer"],
                time_zone=posted.cleaned_data["time_zone"],
            )
            if dealer is not None:
                messages.success(
                    request, f"{dealer.name}: time zone set to {time_zone_label(dealer.time_zone)}."
                )
                return redirect("dealer-settings")
        status = 400
    cards = []
    for dealer, editable in dealer_settings_for_user(user=request.user):
        form = None
        if editable:
            form = (
                posted
                if posted is not None and posted.dealer_id == dealer.pk
                else TimeZoneForm(
                    dealer_id=dealer.pk, initial={"dealer": dealer.pk, "time_zone": dealer.time_zone}
                )
            )
        cards.append({"dealer": dealer, "form": form, "time_zone": time_zone_label(dealer.time_zone)})
    # An error on a dealer without a form of its own (not the user's to set) shows above the cards.
    stray = posted if posted is not None and all(card["form"] is not posted for card in cards) else None
    return render(request, "dealers/settings.html", {"cards": cards, "stray_form": stray}, status=status)
