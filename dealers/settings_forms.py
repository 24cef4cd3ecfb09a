"""The dealer settings page's one form: the time zone."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse

from dealers.dealer_settings import US_TIME_ZONES


class TimeZoneForm(forms.Form):
    dealer = forms.IntegerField(widget=forms.HiddenInput)
    time_zone = forms.ChoiceField(
        choices=US_TIME_ZONES, help_text="Appointments are booked and shown in this time."
    )

    def __init__(self, *args, dealer_id: int, **kwargs):
        # One form per dealer on the page: ids must not repeat.
        kwargs.setdefault("auto_id", f"id_%s_{dealer_id}")
        super().__init__(*args, **kwargs)
        self.dealer_id = dealer_id
        self.helper = FormHelper()
        self.helper.form_action = reverse("dealer-settings")
        self.helper.add_input(Submit("save", "Save time zone"))
