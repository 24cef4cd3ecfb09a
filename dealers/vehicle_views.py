"""The vehicle record page: a VIN in (typed or scanned), the record out."""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaign import vin as vinlib
from campaign.eligibility import STATE_LABELS
from dealers.vehicle_record import vehicle_record_get, vin_from_input


class VinEntryForm(forms.Form):
    vin = forms.CharField(
        label="VIN",
        max_length=200,  # a scanned barcode string may carry more than the 17 characters
        widget=forms.TextInput(
            attrs={
                "placeholder": "Type the 17-character VIN or scan its barcode",
                "class": "vin text-uppercase form-control-lg",
                "autocomplete": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_show_labels = False
        self.helper.layout = Layout(
            Div(
                Field("vin", wrapper_class="flex-grow-1 mb-0"),
                StrictButton(
                    '<i class="bi bi-search me-1"></i>Look up', type="submit", css_class="btn-primary btn-lg"
                ),
                css_class="d-flex gap-2 align-items-start",
            )
        )

    def clean_vin(self) -> str:
        try:
            return vin_from_input(self.cleaned_data["vin"])
        except vinlib.InvalidVin as exc:
            raise forms.ValidationError(exc.message, code="invalid_vin") from None


@login_required
@permission_required("campaign.view_vehicle", raise_exception=True)
def vehicle_record(request: HttpRequest) -> HttpResponse:
    # GET ?vin=… is the normal way in (the home page's VIN box); a POSTed form works too.
    data = request.POST if request.method == "POST" else request.GET
    form = VinEntryForm(data if "vin" in data else None)
    record = None
    if form.is_bound and form.is_valid():
        record = vehicle_record_get(user=request.user, vin=form.cleaned_data["vin"])
    return render(
        request,
        "dealers/vehicle_record.html",
        {"form": form, "record": record, "state_labels": {str(k): v for k, v in STATE_LABELS.items()}},
    )
