"""The vehicle record page: a VIN in (typed or scanned), the record out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaign.eligibility import STATE_LABELS
from dealers.forms import VinEntryForm
from dealers.vehicle_record import vehicle_record_get


@login_required
@permission_required("campaign.view_vehicle", raise_exception=True)
def vehicle_record(request: HttpRequest) -> HttpResponse:
    # GET ?vin=… is the normal way in (the home page's VIN box); a POSTed form works too.
    data = request.POST if request.method == "POST" else request.GET
    form = VinEntryForm(data if "vin" in data else None, large=True)
    record = None
    if form.is_bound and form.is_valid():
        record = vehicle_record_get(user=request.user, vin=form.cleaned_data["vin"])
    return render(
        request,
        "dealers/vehicle_record.html",
        {"form": form, "record": record, "state_labels": {str(k): v for k, v in STATE_LABELS.items()}},
    )
