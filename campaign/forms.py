"""Forms of the campaign app's public pages."""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms

from campaign import vin as vinlib


class VinLookupForm(forms.Form):
    """The owner's VIN box on /recalls/. Messages come from ``campaign.vin``, written for people."""

    vin = forms.CharField(
        label="Vehicle Identification Number (VIN)",
        # Not required here: an empty box gets campaign.vin's own message, like any other mistake.
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": "17 characters, e.g. JTHBE96S170007930",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "class": "form-control-lg vin-input",
                "aria-describedby": "vin-where",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "vin-lookup"
        self.helper.attrs = {"novalidate": "", "role": "search"}
        # Box and button side by side from small screens up; stacked, both full width, on
        # phones, where 17 characters and a button do not fit on one line.
        self.helper.layout = Layout(
            Row(
                Column(Field("vin", wrapper_class="mb-0"), css_class="col-12 col-sm"),
                Column(
                    StrictButton(
                        '<i class="bi bi-search me-1" aria-hidden="true"></i>Check',
                        type="submit",
                        css_class="btn-danger btn-lg w-100 px-4",
                    ),
                    css_class="col-12 col-sm-auto vin-submit",
                ),
                css_class="g-2",
            )
        )

    def clean_vin(self) -> str:
        try:
            return vinlib.validate(self.cleaned_data.get("vin") or "")
        except vinlib.InvalidVin as exc:
            raise forms.ValidationError(exc.message, code="invalid_vin") from None
